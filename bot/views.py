"""Terminal views for operators: case lists, one case with its timeline, report tables;
each with the same facts as JSON for scripts (`--json`, issue 17)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rich.table import Column, Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.files import FileStore
from conversations.base.i18n import translation
from conversations.base.policy import Policy
from conversations.base.privacy import redact, without
from conversations.base.values import EventKind, OutboxStatus
from handlers.actors import Actor
from handlers.common import customer_shown, local_time, withheld
from handlers.timeline import record
from notifications.digests import trend_chart
from notifications.dispatcher import SENDER_LEASE_PREFIX
from notifications.reports import ReportSection, ranking
from storage import leases
from storage.attachments import AttachmentRepository
from storage.cases import CaseFilter, CaseRepository, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.measures import Dimension, Measures, Period, compute_all
from storage.models import Attachment, Case
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository, staff_names
from storage.reviews import PlatformMeasures, per_platform
from storage.trends import CaseLine, cases_filed
from storage.uow import unit_of_work


@dataclass
class View:
    """What a command shows: tables for a person, `data` (JSON-ready) for a script."""

    tables: list[Table]
    data: Any = field(default=None)


def _local(app: App, instant: datetime | None) -> str:
    return local_time(app.desk, instant) if instant is not None else "-"


def _iso(app: App, instant: datetime | None) -> str | None:
    """ISO 8601 with the business time zone's offset, as the table's local time."""
    return instant.astimezone(app.desk.calendar.zone).isoformat() if instant else None


def _columns(*headers: str) -> list[Column]:
    """Columns that wrap a long cell instead of cutting it, and never squeeze a header
    word below its length ("ov…", issue 17)."""
    return [
        Column(header, overflow="fold", min_width=max(len(w) for w in header.split()))
        for header in headers
    ]


async def case_table(app: App, wanted: CaseFilter) -> View:
    number, *rest = _columns(
        "Number", "Status", "Grade", "Category", "Department", "Handler", "Filed", "Next due"
    )
    number.no_wrap = True
    table = Table(number, *rest)
    records: list[dict[str, Any]] = []
    async with unit_of_work(app.db, readonly=True) as uow:
        found = await CaseRepository(uow.session).listing(wanted)
        names = await staff_names(uow.session, [c.handler_id for c in found if c.handler_id])
        deadlines = DeadlineRepository(uow.session)
        for case in found:
            due = await deadlines.next_due(case.id)
            handler = names.get(case.handler_id or 0)
            due_at = due.due_at if due else None
            table.add_row(
                case.number,
                case.status.value,
                case.severity,
                case.category,
                case.department,
                handler or "-",
                _local(app, case.created_at),
                _local(app, due_at),
            )
            records.append(
                {
                    "number": case.number,
                    "status": case.status.value,
                    "grade": case.severity,
                    "category": case.category,
                    "department": case.department,
                    "handler": handler,
                    "filed": _iso(app, case.created_at),
                    "next_due": _iso(app, due_at),
                }
            )
    table.caption = f"{len(found)} case(s)"
    return View([table], records)


def _chat_shown(app: App, channel: str, chat_id: str) -> str:
    """A WeCom robot's chat is its configured name; a raw webhook key is a secret, never
    printed (issue 15)."""
    if channel == "wecom_robot" and chat_id not in app.config.wecom.robots:
        return "(a robot key: name it in [wecom.robots])"
    return chat_id


async def case_detail(app: App, number: str, *, reveal: bool = False) -> View | None:
    """A confidential filer is shown only with `reveal`, and the reveal is recorded; an
    anonymous filer's name never is (issue 19), her phone as for any case."""
    async with unit_of_work(app.db) as uow:
        found = await CaseRepository(uow.session).by_number(number.strip().upper())
        now = app.desk.clock.now()
        if found is not None:  # operators' views recorded like staff views (issue 15)
            record(
                uow.session,
                found,
                Actor.system(),
                EventKind.VIEWED,
                now,
                visible=False,
                by="operator",
            )
        if found is not None and found.confidential and reveal:
            record(
                uow.session,
                found,
                Actor.system(),
                EventKind.IDENTITY_REVEALED,
                now,
                visible=False,
                by="operator",
            )
    async with unit_of_work(app.db, readonly=True) as uow:
        case = await CaseRepository(uow.session).by_number(number.strip().upper())
        if case is None:
            return None
        events = await TimelineRepository(uow.session).of_case(case.id)
        people = PeopleRepository(uow.session)
        customer = await people.customer(case.customer_id)
        attachments = await AttachmentRepository(uow.session).of_case(case.id)
        names = await staff_names(
            uow.session,
            [e.actor_id for e in events if e.actor_id]
            + [a.staff_id for a in attachments if a.staff_id],
        )
    fields = Table(*_columns("Field", "Value"), title=f"Case {case.number}")
    name = customer.name if customer else None
    hidden = case.confidential and not reveal
    known = (name, customer.phone if customer else None)
    regions = app.desk.policy.privacy.phone_regions
    unnamed = withheld(case, name)

    def words(value: object) -> object:
        """Her words without her name and contacts until revealed (issue 15), and never
        with an anonymous filer's name (issue 19)."""
        if not isinstance(value, str):
            return value
        value = without(value, unnamed)
        return redact(value, known, regions) if hidden else value

    name = customer_shown(translation(app.desk.policy.default_language), case, name)
    if hidden:
        name = "(confidential: --reveal to show; the reveal is recorded)"
    shown = [(label, str(words(value))) for label, value in _fields(case, name)]
    for label, value in shown:
        fields.add_row(label, value)
    when, who_column, what, seen, details = _columns(
        "When", "Who", "What", "Seen by customer", "Details"
    )
    what.no_wrap = True
    timeline = Table(when, who_column, what, seen, details, title="Timeline")
    steps: list[dict[str, Any]] = []
    for event in events:
        who = names.get(event.actor_id or 0, "") if event.actor_kind.value == "staff" else ""
        timeline.add_row(
            _local(app, event.at),
            f"{event.actor_kind.value} {who}".strip(),
            event.kind,
            "yes" if event.customer_visible else "no",
            ", ".join(f"{k}={words(v)}" for k, v in event.data.items()),
        )
        steps.append(
            {
                "when": _iso(app, event.at),
                "who": f"{event.actor_kind.value} {who}".strip(),
                "what": event.kind,
                "seen_by_customer": event.customer_visible,
                "details": {k: words(v) for k, v in event.data.items()},
            }
        )
    fields_data = {label.lower().replace(" / ", "_").replace(" ", "_"): v for label, v in shown}
    data = {"number": case.number, "filed": _iso(app, case.created_at)} | fields_data
    files, files_data = _attachments(app, attachments, names)
    return View(
        [fields, timeline, *files], {"case": data, "timeline": steps, "attachments": files_data}
    )


def _attachments(
    app: App, attachments: Sequence[Attachment], names: dict[int, str]
) -> tuple[list[Table], list[dict[str, Any]]]:
    """Each file, then where the file store keeps it (the store's folder in the title,
    each path whole on a line of its own), or "-" when only the platform's id is kept;
    the JSON has each file's full path (issue 13)."""
    store = FileStore.for_config(app.config)
    table = Table(*_columns("#", "When", "From", "Kind", "Name", "Size"), title="Files")
    number, path = _columns("#", "Stored at")
    path.no_wrap = True  # attachments/<2 hex>/<sha256>.<ext>: 83 characters, kept whole
    paths = Table(number, path, title=f"Files kept in {store.root}")
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(attachments, start=1):
        sender = f"staff {names.get(item.staff_id, '-')}" if item.staff_id else "customer"
        where = str(store.root / item.stored_path) if item.stored_path else None
        size = str(item.size_bytes) if item.size_bytes is not None else "-"
        when = _local(app, item.created_at)
        table.add_row(str(index), when, sender, item.media_kind, item.file_name or "-", size)
        paths.add_row(str(index), item.stored_path or "- (only the platform's id)")
        rows.append(
            {
                "when": _iso(app, item.created_at),
                "from": sender,
                "kind": item.media_kind,
                "name": item.file_name,
                "size_bytes": item.size_bytes,
                "channel": item.channel,
                "stored_path": item.stored_path,
                "file": where,
            }
        )
    return ([table, paths] if attachments else []), rows


def _fields(case: Case, customer_name: str | None) -> list[tuple[str, str]]:
    return [
        ("Kind", case.kind.value),
        ("Status", case.status.value),
        (
            "Grade",
            case.severity
            + (f" (proposed {case.proposed_severity})" if case.proposed_severity else ""),
        ),
        ("Category", case.category),
        ("Department", case.department),
        ("Customer", customer_name or "-"),
        ("Order / product", case.order_ref or "-"),
        ("Wanted", case.wanted.value if case.wanted else "-"),
        ("Validity", case.validity.value if case.validity else "-"),
        ("Channel", case.channel),
        ("Reopened", str(case.reopen_count)),
        ("Description", case.description),
        ("Solution", case.solution or "-"),
    ]


async def report_tables(
    app: App, period: Period, advance: Callable[[int, int], None] | None = None
) -> tuple[View, list[ReportSection]]:
    """The report's tables; `advance(done, total)` hears of each dimension computed."""
    sections: list[ReportSection] = []
    satisfied = app.config.policy.measures.satisfied_from
    steps = len(Dimension) + 1
    async with unit_of_work(app.db, readonly=True) as uow:
        # every dimension with each table read once (issue 18: a month at 1M cases)
        everything = await compute_all(uow.session, period, app.desk.clock.now(), satisfied)
        for done, dimension in enumerate(Dimension, start=1):
            rows = everything[dimension]
            names = await _names(uow.session, app.config.policy, dimension, rows)
            sections.append(ReportSection(dimension, rows, names))
            if advance is not None:
                advance(done, steps)
        platforms = await per_platform(uow.session, period.start, period.end)
        if advance is not None:
            advance(steps, steps)
    tables = [_report_table(section) for section in sections]
    if platforms:
        tables.append(_platform_table(platforms))
    data = {
        "from": _iso(app, period.start),
        "to": _iso(app, period.end),
        "sections": [_section_data(section) for section in sections],
        "platforms": [_platform_data(row) for row in platforms],
    }
    return View(tables, data), sections


def _section_data(section: ReportSection) -> dict[str, Any]:
    """A report table's rows with the raw figures (rates 0..1, durations in hours)."""
    return {
        "dimension": section.dimension.value,
        "rows": [
            {
                "place": place,
                "key": m.key,
                "name": section.names.get(m.key, m.key),
                "received": m.received,
                "open": m.open,
                "overdue": m.overdue,
                "closed": m.closed,
                "on_time": m.timeliness,
                "satisfied": m.satisfaction,
                "score": m.mean_score,
                "resolved": m.resolution_rate,
                "repeat": m.repeat_rate,
                "ack_p90_hours": _in_hours(m.ack_p90_s),
                "resolve_p90_hours": _in_hours(m.resolve_p90_s),
            }
            for place, m in enumerate(ranking(section.rows), start=1)
        ],
    }


def _platform_data(row: PlatformMeasures) -> dict[str, Any]:
    return {
        "platform": row.platform,
        "reviews": row.received,
        "closed": row.closed,
        "review_updated": row.updated,
        "repeat_reviews": row.repeat_rate,
    }


def _in_hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def _platform_table(rows: Sequence[PlatformMeasures]) -> Table:
    table = Table(
        *_columns("Platform", "Reviews", "Closed", "Review updated", "Repeat reviews"),
        title="Bad reviews by platform",
    )
    for row in rows:
        table.add_row(
            row.platform,
            str(row.received),
            str(row.closed),
            str(row.updated),
            _pct(row.repeat_rate),
        )
    return table


MAX_CHART_DAYS = 62


async def report_extras(
    app: App, period: Period, first: date, last: date
) -> tuple[list[CaseLine], bytes | None, list[PlatformMeasures]]:
    """The period's case list, review platforms, and its day-by-day chart when the
    period is not too long."""
    days = (last - first).days + 1
    async with unit_of_work(app.db, readonly=True) as uow:
        cases = await cases_filed(uow.session, period.start, period.end)
        platforms = await per_platform(uow.session, period.start, period.end)
        chart = (
            await trend_chart(uow.session, app.config.policy, first, days)
            if days <= MAX_CHART_DAYS
            else None
        )
    return cases, chart, platforms


async def _names(
    session: AsyncSession, policy: Policy, dimension: Dimension, rows: Sequence[Measures]
) -> dict[str, str]:
    """Readable names for group keys: department and category names, staff names."""
    language = policy.default_language
    if dimension is Dimension.DEPARTMENT:
        return {d.key: d.names.get(language, d.key) for d in policy.departments}
    if dimension is Dimension.CATEGORY:
        return {c.key: c.names.get(language, c.key) for c in policy.categories}
    if dimension is Dimension.GRADE:
        return {g: policy.grading.label(g, language) for g in policy.grading.grades}
    if dimension is Dimension.HANDLER:
        ids = [int(row.key) for row in rows if row.key.isdigit()]
        named = await staff_names(session, ids)
        return {str(key): name for key, name in named.items()} | {"-": "(not taken)"}
    return {"all": "All cases"}


def _pct(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "-"


def _hours(seconds: float | None) -> str:
    return f"{seconds / 3600:.1f}h" if seconds is not None else "-"


def _report_table(section: ReportSection) -> Table:
    table = Table(
        *_columns(
            "#",
            section.dimension.value,
            "Received",
            "Open",
            "Overdue",
            "Closed",
            "On time",
            "Satisfied",
            "Score",
            "Resolved",
            "Repeat",
            "Ack p90",
            "Resolve p90",
        ),
        title=f"By {section.dimension.value}",
    )
    for place, m in enumerate(ranking(section.rows), start=1):
        table.add_row(
            str(place),
            section.names.get(m.key, m.key),
            str(m.received),
            str(m.open),
            str(m.overdue),
            str(m.closed),
            _pct(m.timeliness),
            _pct(m.satisfaction),
            f"{m.mean_score:.1f}" if m.mean_score else "-",
            _pct(m.resolution_rate),
            _pct(m.repeat_rate),
            _hours(m.ack_p90_s),
            _hours(m.resolve_p90_s),
        )
    return table


async def outbox_view(app: App, retry_ids: list[int], retry_all: bool) -> View:
    """Counts by status, the latest parked messages with their reasons, after any retry."""
    retried = 0
    if retry_ids or retry_all:
        async with unit_of_work(app.db) as uow:
            retried = await OutboxRepository(uow.session).retry_parked(
                app.desk.clock.now(), retry_ids or None
            )
    async with unit_of_work(app.db, readonly=True) as uow:
        outbox = OutboxRepository(uow.session)
        backlog = await outbox.backlog()
        parked = await outbox.parked()
        sending = await leases.current(uow.session, SENDER_LEASE_PREFIX, app.desk.clock.now())
    table = Table(*_columns("Id", "Channel", "Chat", "Attempts", "Reason"), title="Parked messages")
    for row in parked:
        chat = _chat_shown(app, row.channel, row.chat_id)
        table.add_row(str(row.id), row.channel, chat, str(row.attempts), row.error or "")
    data = {
        "counts": {status.value: backlog.get(status, 0) for status in OutboxStatus},
        "retried": retried,
        "parked": [
            {
                "id": r.id,
                "channel": r.channel,
                "chat": _chat_shown(app, r.channel, r.chat_id),
                "attempts": r.attempts,
                "reason": r.error,
            }
            for r in parked
        ],
        "sending": [
            {
                "channel": lease.name.removeprefix(SENDER_LEASE_PREFIX),
                "holder": lease.holder,
                "until": _iso(app, lease.until),
            }
            for lease in sending
        ],
    }
    counts = ", ".join(f"{status.value} {backlog.get(status, 0)}" for status in OutboxStatus)
    table.caption = f"Outbox: {counts}" + (
        f" · retried {retried}" if retry_ids or retry_all else ""
    )
    for lease in sending:
        channel = lease.name.removeprefix(SENDER_LEASE_PREFIX)
        until = local_time(app.desk, lease.until)
        table.caption += f"\nSending on {channel}: {lease.holder} (lease until {until})"
    return View([table], data)
