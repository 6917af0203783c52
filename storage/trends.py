"""Day-by-day counts for the digest chart, and the overdue list: aggregated in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, and_, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus
from storage.measures import not_by_index
from storage.models import Case, CorrectiveAction, Deadline, Staff
from storage.sqlfuncs import whole_days_between


@dataclass(frozen=True)
class OverdueCase:
    number: str
    department: str
    severity: str
    step: str
    due_at: datetime


async def per_day(session: AsyncSession, column: Any, start: datetime, days: int) -> list[int]:
    """How many cases have `column` (e.g. created_at) on each of `days` days from `start`."""
    bucket = whole_days_between(column, start)
    rows = await session.execute(
        select(bucket.label("day"), func.count())
        .where(column >= start, column < start + timedelta(days=days))
        .group_by(bucket)
    )
    counts = [0] * days
    for row in rows:
        day, count = int(row[0]), int(row[1])
        if 0 <= day < days:
            counts[day] = count
    return counts


async def overdue_at(session: AsyncSession, instants: Sequence[datetime]) -> list[int]:
    """Open cases with a missed service-level step, as they stood at each instant."""
    counts = []
    for instant in instants:
        count = await session.scalar(
            select(func.count()).where(
                Case.id.in_(late_at(instant)),
                Case.created_at < instant,
                or_(Case.closed_at.is_(None), Case.closed_at > instant),
            )
        )
        counts.append(count or 0)
    return counts


def late_at(instant: datetime) -> CompoundSelect[int]:
    """The cases with a service-level step due before `instant`, unmet and not paused then.

    Read as four ranges of ix_deadlines_open_due (met, paused, due), never every deadline
    that ever fell due (issue 18): unmet and running; unmet and paused after the instant;
    met after it, running or paused after it (SQLite kept off the due-time index there)."""
    level = Deadline.escalation_level == 0
    due = Deadline.due_at < instant
    due_unindexed = not_by_index(Deadline.due_at) < instant
    unmet, met_later = Deadline.met_at.is_(None), Deadline.met_at > instant
    running, paused_later = Deadline.paused_at.is_(None), Deadline.paused_at > instant
    return union_all(
        select(Deadline.case_id).where(unmet, running, due, level),
        select(Deadline.case_id).where(unmet, paused_later, due, level),
        select(Deadline.case_id).where(met_later, running, due_unindexed, level),
        select(Deadline.case_id).where(met_later, paused_later, due_unindexed, level),
    )


async def overdue_cases(session: AsyncSession, now: datetime, limit: int) -> list[OverdueCase]:
    """The open cases with a missed step, oldest miss first."""
    rows = await session.execute(
        select(Case.number, Case.department, Case.severity, Deadline.step, Deadline.due_at)
        .join(Deadline, Deadline.case_id == Case.id)
        .where(
            and_(Deadline.escalation_level == 0, Deadline.met_at.is_(None)),
            Deadline.paused_at.is_(None),
            Deadline.due_at < now,
            Case.status != CaseStatus.CLOSED,
        )
        .order_by(Deadline.due_at)
        .limit(limit)
    )
    return [OverdueCase(*row) for row in rows]


@dataclass(frozen=True)
class CaseLine:
    number: str
    kind: str
    category: str
    severity: str
    status: str
    department: str
    handler: str
    created_at: datetime
    closed_at: datetime | None
    solved: bool | None
    reopened: int


async def cases_filed(session: AsyncSession, start: datetime, end: datetime) -> list[CaseLine]:
    """Every case filed in [start, end), oldest first, with its handler's name."""
    rows = await session.execute(
        select(
            Case.number,
            Case.kind,
            Case.category,
            Case.severity,
            Case.status,
            Case.department,
            func.coalesce(Staff.name, ""),
            Case.created_at,
            Case.closed_at,
            Case.solved,
            Case.reopen_count,
        )
        .outerjoin(Staff, Staff.id == Case.handler_id)
        .where(Case.created_at >= start, Case.created_at < end)
        .order_by(Case.created_at, Case.id)
    )
    return [CaseLine(*row) for row in rows]


@dataclass(frozen=True)
class OpenAction:
    number: str
    owner: str
    due_on: date


async def open_actions(session: AsyncSession, limit: int) -> tuple[int, list[OpenAction]]:
    """Corrective actions not yet verified: how many, and the soonest due."""
    unverified = CorrectiveAction.verified_at.is_(None)
    total = await session.scalar(select(func.count()).where(unverified)) or 0
    rows = await session.execute(
        select(Case.number, CorrectiveAction.owner, CorrectiveAction.due_on)
        .join(Case, Case.id == CorrectiveAction.case_id)
        .where(unverified)
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
        .limit(limit)
    )
    return total, [OpenAction(*row) for row in rows]
