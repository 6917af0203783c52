"""Queries about service-level deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, Deadline

_ADD = insert(cast(Table, Deadline.__table__))  # plain rows, built once, no ids read back
# Neither met, paused, fired nor failed (a failed one waits for an operator); the first
# three are the partial index's predicate, so the watcher's queries read that index.
_FIRABLE = (
    Deadline.met_at.is_(None),
    Deadline.paused_at.is_(None),
    Deadline.fired_at.is_(None),
    Deadline.failed_at.is_(None),
)


class DeadlineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, deadline: Deadline) -> None:
        self.session.add(deadline)

    async def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """New deadlines in one statement: no ids are read back (the ORM reads each new
        id, one statement a row on SQLite)."""
        if rows:
            full = [{"escalation_level": 0, **row} for row in rows]  # one shape: one batch
            await self.session.execute(_ADD, full)

    async def open_for_case(self, case_id: int) -> Sequence[Deadline]:
        rows = await self.session.scalars(
            select(Deadline)
            .where(Deadline.case_id == case_id, Deadline.met_at.is_(None))
            .order_by(Deadline.due_at)
        )
        return rows.all()

    async def all_for_case(self, case_id: int) -> Sequence[Deadline]:
        rows = await self.session.scalars(
            select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id)
        )
        return rows.all()

    async def next_due(self, case_id: int) -> Deadline | None:
        """The next service-level step due (escalation reminders are not steps)."""
        rows = await self.open_for_case(case_id)
        steps = [row for row in rows if row.escalation_level == 0]
        return steps[0] if steps else None

    async def due_to_fire(self, now: datetime, limit: int = 1) -> Sequence[Deadline]:
        """Deadlines past due, neither met, paused, fired nor failed, locked for firing
        (rows another watcher is firing are skipped). Reads the partial index."""
        rows = await self.session.scalars(
            select(Deadline)
            .where(*_FIRABLE, Deadline.due_at <= now)
            .order_by(Deadline.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return rows.all()

    async def any_due(self, now: datetime) -> bool:
        """Whether a deadline is due to fire: one probe of an index, read without a lock
        (the watcher's idle tick opens no write transaction). Ordered by due time, so
        PostgreSQL walks the partial index instead of guessing a scan finds one soon."""
        first = (
            select(Deadline.id)
            .where(*_FIRABLE, Deadline.due_at <= now)
            .order_by(Deadline.due_at)
            .limit(1)
        )
        return await self.session.scalar(first) is not None

    async def due_batch(self, now: datetime, limit: int) -> Sequence[Deadline]:
        """Up to `limit` deadlines to fire, as `due_to_fire`, their cases read by the same
        query into the session (so the handler's `session.get(Case, id)` reads no row).
        Only the deadline rows are locked, as before (issue 18)."""
        rows = await self.session.execute(
            select(Deadline, Case)
            .join(Case, Case.id == Deadline.case_id)
            .where(*_FIRABLE, Deadline.due_at <= now)
            .order_by(Deadline.due_at, Deadline.id)
            .limit(limit)
            .with_for_update(of=Deadline, skip_locked=True)
        )
        return [deadline for deadline, _case in rows]

    async def open_step_dues(self, case_ids: Sequence[int]) -> dict[tuple[int, str], datetime]:
        """When each open step (level 0) of these cases is due, in one query: what a
        batch's warnings need (issue 18)."""
        if not case_ids:
            return {}
        rows = await self.session.execute(
            select(Deadline.case_id, Deadline.step, Deadline.due_at)
            .where(
                Deadline.case_id.in_(set(case_ids)),
                Deadline.met_at.is_(None),
                Deadline.escalation_level == 0,
            )
            .order_by(Deadline.due_at.desc())  # the earliest wins, as open_for_case's first
        )
        return {(case_id, step): due for case_id, step, due in rows}

    async def earliest_unmet_due(self) -> datetime | None:
        """When the watcher must next wake: failed deadlines never wake it again."""
        return await self.session.scalar(
            select(Deadline.due_at).where(*_FIRABLE).order_by(Deadline.due_at).limit(1)
        )
