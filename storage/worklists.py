"""What waits for whom: the lists behind a staff member's /mine (issue 13), each with the
case's next due time, soonest first (cases with no open clock last)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus
from storage.models import Case, Deadline

Listed = list[tuple[Case, datetime | None]]


class WorklistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def handled_by(self, staff_id: int) -> Listed:
        """The open cases this person handles."""
        return await self._cases(Case.handler_id == staff_id, Case.status != CaseStatus.CLOSED)

    async def untaken(self, department: str) -> Listed:
        """The department's cases nobody has taken yet."""
        return await self._cases(Case.department == department, Case.status == CaseStatus.ASSIGNED)

    async def waiting_review(self, reviewer_id: int) -> Listed:
        """Resolved cases waiting for customer service's review; nobody reviews their own."""
        handled_by_other = Case.handler_id.is_(None) | (Case.handler_id != reviewer_id)
        return await self._cases(Case.status == CaseStatus.RESOLVED, handled_by_other)

    async def waiting_approval(self, grades: Collection[str]) -> Listed:
        """Proposed solutions of cases graded `grades` (those a manager approves)."""
        return await self._cases(
            Case.status == CaseStatus.SOLUTION_PROPOSED, Case.severity.in_(list(grades))
        )

    async def escalated(self, levels: Collection[int]) -> Listed:
        """Open cases with a step still unmet whose escalation at one of `levels` fired."""
        fired = exists().where(
            Deadline.case_id == Case.id,
            Deadline.met_at.is_(None),
            Deadline.fired_at.is_not(None),
            Deadline.escalation_level.in_(list(levels)),
        )
        return await self._cases(Case.status != CaseStatus.CLOSED, fired)

    async def _cases(self, *where: ColumnElement[bool]) -> Listed:
        next_due = (
            select(Deadline.case_id, func.min(Deadline.due_at).label("due"))
            .where(Deadline.met_at.is_(None), Deadline.escalation_level == 0)
            .group_by(Deadline.case_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(Case, next_due.c.due)
            .outerjoin(next_due, next_due.c.case_id == Case.id)
            .where(*where)
            .order_by(next_due.c.due.is_(None), next_due.c.due, Case.id)
        )
        return [(row[0], row[1]) for row in rows]
