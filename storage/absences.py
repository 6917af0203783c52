"""Staff absences (`/away`): who stands in for whom on a day of the desk's calendar.

Days are the desk's local dates, both ends included. A chain (the substitute away too)
is not followed: the named substitute stands in, one step, so no chain can loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Staff, StaffAbsence


@dataclass(frozen=True)
class StandIn:
    """Who gets an absent person's alerts and assignments today, and for whom."""

    substitute_id: int
    substitute_name: str
    absent_name: str
    ends_on: date


class AbsenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def overlapping(self, staff_id: int, first: date, last: date) -> Sequence[StaffAbsence]:
        """The person's absences (not cancelled) that share a day with first..last."""
        rows = await self.session.scalars(
            select(StaffAbsence)
            .where(
                StaffAbsence.staff_id == staff_id,
                StaffAbsence.cancelled_at.is_(None),
                StaffAbsence.starts_on <= last,
                StaffAbsence.ends_on >= first,
            )
            .order_by(StaffAbsence.starts_on)
        )
        return rows.all()

    async def current_or_next(self, staff_id: int, today: date) -> StaffAbsence | None:
        """The absence running today, else the next one (what `/away off` ends)."""
        return await self.session.scalar(
            select(StaffAbsence)
            .where(
                StaffAbsence.staff_id == staff_id,
                StaffAbsence.cancelled_at.is_(None),
                StaffAbsence.ends_on >= today,
            )
            .order_by(StaffAbsence.starts_on)
            .limit(1)
        )

    def add(self, absence: StaffAbsence) -> None:
        self.session.add(absence)


async def stand_in(session: AsyncSession, staff_id: int, day: date) -> StandIn | None:
    """The active substitute for `staff_id` on `day`, when the person is away then; one
    query, one step (a substitute who is away too still gets it: no chains, no loops)."""
    absent, substitute = aliased(Staff), aliased(Staff)
    row = (
        await session.execute(
            select(substitute.id, substitute.name, absent.name, StaffAbsence.ends_on)
            .join(absent, absent.id == StaffAbsence.staff_id)
            .join(substitute, substitute.id == StaffAbsence.substitute_id)
            .where(
                StaffAbsence.staff_id == staff_id,
                StaffAbsence.cancelled_at.is_(None),
                StaffAbsence.starts_on <= day,
                StaffAbsence.ends_on >= day,
                substitute.active,
                substitute.id != staff_id,
            )
            .order_by(StaffAbsence.created_at.desc(), StaffAbsence.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return StandIn(int(row[0]), str(row[1]), str(row[2]), row[3])


def cancel(absences: Sequence[StaffAbsence], at: datetime) -> None:
    """Mark these absences cancelled (kept for the record, never deleted)."""
    for absence in absences:
        absence.cancelled_at = at
