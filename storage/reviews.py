"""Per-platform measures of review cases, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Case, Review


@dataclass(frozen=True)
class PlatformMeasures:
    platform: str
    received: int
    closed: int
    updated: int
    repeats: int

    @property
    def repeat_rate(self) -> float | None:
        """Reviews by a reviewer who had already reviewed us (on that platform, recently)."""
        return self.repeats / self.received if self.received else None


async def per_platform(
    session: AsyncSession, start: datetime, end: datetime
) -> list[PlatformMeasures]:
    filed = and_(Case.created_at >= start, Case.created_at < end)
    closed = and_(Case.closed_at >= start, Case.closed_at < end)

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = await session.execute(
        select(
            Review.platform,
            count_if(filed),
            count_if(closed),
            count_if(and_(closed, Review.outcome == "updated")),
            count_if(and_(filed, Case.is_repeat.is_(True))),
        )
        .join(Case, Case.id == Review.case_id)
        .group_by(Review.platform)
        .order_by(Review.platform)
    )
    return [
        PlatformMeasures(str(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in rows
    ]
