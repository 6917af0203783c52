"""Queries about typical cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case, TypicalCase


async def marked_cases(session: AsyncSession) -> list[tuple[Case, TypicalCase]]:
    rows = await session.execute(
        select(Case, TypicalCase)
        .join(TypicalCase, TypicalCase.case_id == Case.id)
        .order_by(TypicalCase.marked_at, Case.id)
    )
    return [(row[0], row[1]) for row in rows]
