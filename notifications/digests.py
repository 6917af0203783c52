"""The managers' daily digest: yesterday and month to date, the overdue list, top
categories, the department ranking, and the trend chart (POLICY §7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from gettext import NullTranslations
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import translation
from conversations.base.policy import Policy
from conversations.base.steps import step_label
from conversations.base.worktime import uncovered_years
from notifications.charts import trend_png
from notifications.reports import ranking
from storage.measures import Dimension, Measures, Period, compute
from storage.models import Case
from storage.trends import open_actions, overdue_at, overdue_cases, per_day


@dataclass(frozen=True)
class DigestContent:
    day: date
    text: str
    chart: bytes


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


async def build_digest(session: AsyncSession, policy: Policy, now: datetime) -> DigestContent:
    zone = policy.calendar.zone
    today = now.astimezone(zone).date()
    yesterday = Period(_midnight(today - timedelta(days=1), zone), _midnight(today, zone))
    month = Period(_midnight(today.replace(day=1), zone), now)
    t = translation(policy.default_language)
    satisfied = policy.measures.satisfied_from
    lines = [t.gettext("Daily digest, {day}").format(day=today.isoformat())]
    for label, period in ((t.gettext("Yesterday"), yesterday), (t.gettext("Month to date"), month)):
        rows = await compute(session, period, Dimension.OVERALL, now, satisfied)
        lines += _summary(t, label, rows[0] if rows else Measures(key="all"))
    lines += await _overdue(session, policy, t, now)
    lines += await _categories(session, policy, t, month, now)
    lines += await _departments(session, policy, t, month, now)
    lines += await _actions(session, policy, t)
    lines += _calendar(policy, t, today)
    days = policy.digest.trend_days
    chart = await trend_chart(session, policy, today - timedelta(days=days), days)
    return DigestContent(today, "\n".join(lines), chart)


def _pct(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "-"


def _summary(t: NullTranslations, label: str, m: Measures) -> list[str]:
    return [
        t.gettext(
            "{label}: {received} received, {closed} closed, {open} open, {overdue} overdue"
        ).format(label=label, received=m.received, closed=m.closed, open=m.open, overdue=m.overdue),
        t.gettext(
            "  on time {timeliness} · satisfied {satisfaction} · resolved {resolution} "
            "· repeat {repeat}"
        ).format(
            timeliness=_pct(m.timeliness),
            satisfaction=_pct(m.satisfaction),
            resolution=_pct(m.resolution_rate),
            repeat=_pct(m.repeat_rate),
        ),
    ]


async def _overdue(
    session: AsyncSession, policy: Policy, t: NullTranslations, now: datetime
) -> list[str]:
    late = await overdue_cases(session, now, policy.digest.top)
    if not late:
        return [t.gettext("Nothing is overdue.")]
    lines = [t.gettext("Overdue, oldest first:")]
    for case in late:
        due = case.due_at.astimezone(policy.calendar.zone).strftime("%m-%d %H:%M")
        department = policy.department(case.department).names.get(policy.default_language)
        lines.append(f"  {case.number} · {department} · {step_label(t, case.step)} · {due}")
    return lines


async def _categories(
    session: AsyncSession, policy: Policy, t: NullTranslations, month: Period, now: datetime
) -> list[str]:
    rows = await compute(session, month, Dimension.CATEGORY, now, policy.measures.satisfied_from)
    busiest = sorted((r for r in rows if r.received), key=lambda r: (-r.received, r.key))[:5]
    lines = [t.gettext("Top categories this month:")]
    for row in busiest:
        name = policy.category(row.key).names.get(policy.default_language, row.key)
        lines.append(f"  {name}: {row.received}")
    return lines


async def _departments(
    session: AsyncSession, policy: Policy, t: NullTranslations, month: Period, now: datetime
) -> list[str]:
    rows = await compute(session, month, Dimension.DEPARTMENT, now, policy.measures.satisfied_from)
    lines = [t.gettext("Departments this month, best first:")]
    for place, row in enumerate(ranking(rows), start=1):
        name = policy.department(row.key).names.get(policy.default_language, row.key)
        lines.append(
            t.gettext(
                "  {place}. {name}: on time {timeliness}, satisfied "
                "{satisfaction}, overdue {overdue}"
            ).format(
                place=place,
                name=name,
                timeliness=_pct(row.timeliness),
                satisfaction=_pct(row.satisfaction),
                overdue=row.overdue,
            )
        )
    return lines


async def _actions(session: AsyncSession, policy: Policy, t: NullTranslations) -> list[str]:
    total, soonest = await open_actions(session, policy.digest.top)
    if not total:
        return []
    lines = [t.gettext("Corrective actions awaiting verification: {count}").format(count=total)]
    lines += [f"  {a.number} · {a.owner} · {a.due_on.isoformat()}" for a in soonest]
    return lines


def _calendar(policy: Policy, t: NullTranslations, today: date) -> list[str]:
    """Once a week (Mondays): a year ahead with no holiday data or configured holidays."""
    if today.weekday() != 0:
        return []
    return [
        t.gettext(
            "Calendar: {year} has no holiday data yet, so its public holidays count as "
            "working days; list them in calendar.holidays (README: the yearly holiday update)."
        ).format(year=year)
        for year in uncovered_years(policy.calendar, today)
    ]


async def trend_chart(session: AsyncSession, policy: Policy, first: date, count: int) -> bytes:
    """Received and closed per day, and open overdue cases at each day's end."""
    zone = policy.calendar.zone
    days = [first + timedelta(days=i) for i in range(count)]
    start = _midnight(first, zone)
    received = await per_day(session, Case.created_at, start, count)
    closed = await per_day(session, Case.closed_at, start, count)
    ends = [_midnight(day + timedelta(days=1), zone) for day in days]
    overdue = await overdue_at(session, ends)
    return trend_png(days, received, closed, overdue, translation(policy.default_language))
