"""The figures /metrics reads at each scrape: small aggregations, each one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus, OutboxStatus
from storage.models import Case, Deadline, OutboxMessage

# Escalation rows remind managers of a missed step; only the step itself is a commitment.
_service_level = Deadline.escalation_level == 0


@dataclass(frozen=True)
class Timeliness:
    due: int  # service-level deadlines of the day already due or already met
    on_time: int  # of those, met no later than due

    @property
    def ratio(self) -> float | None:
        return self.on_time / self.due if self.due else None


class MonitoringRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def oldest_pending(self) -> datetime | None:
        """When the oldest message still waiting to go was queued."""
        return await self.session.scalar(
            select(func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        )

    async def overdue_by_department_and_grade(self, now: datetime) -> dict[tuple[str, str], int]:
        """Open cases with a missed deadline that is neither met nor paused (as /health
        counts them), per lead department and grade."""
        late = select(Deadline.case_id).where(
            Deadline.met_at.is_(None),
            Deadline.paused_at.is_(None),
            _service_level,
            Deadline.due_at < now,
        )
        rows = await self.session.execute(
            select(Case.department, Case.severity, func.count())
            .where(Case.id.in_(late), Case.status != CaseStatus.CLOSED)
            .group_by(Case.department, Case.severity)
        )
        return {(str(row[0]), str(row[1])): int(row[2]) for row in rows}

    async def timeliness(self, start: datetime, end: datetime, now: datetime) -> Timeliness:
        """Deadlines due in [start, end) that are settled by `now`: due already, or met
        early; paused ones still unmet are left out (the clock is stopped on them)."""
        settled = or_(Deadline.met_at.is_not(None), Deadline.due_at < now)
        paused = and_(Deadline.met_at.is_(None), Deadline.paused_at.is_not(None))
        on_time = and_(Deadline.met_at.is_not(None), Deadline.met_at <= Deadline.due_at)
        row = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(case((on_time, 1), else_=0)), 0)).where(
                    Deadline.due_at >= start,
                    Deadline.due_at < end,
                    _service_level,
                    settled,
                    ~paused,
                )
            )
        ).one()
        return Timeliness(int(row[0]), int(row[1]))
