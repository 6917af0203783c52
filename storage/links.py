"""Cases marked as one subject (issue 14): linking shares a subject key, so collective
counting (POLICY §2) sees linked cases and cases about one order alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Case


async def customers_on_subject(
    session: AsyncSession, category: str, subject_key: str, since: datetime
) -> int:
    """Different customers who raised this subject in the category since `since`."""
    count = await session.scalar(
        select(func.count(func.distinct(Case.customer_id))).where(
            Case.category == category, Case.subject_key == subject_key, Case.created_at >= since
        )
    )
    return int(count or 0)


async def move_subject(session: AsyncSession, old: str, new: str) -> None:
    """Every case of subject `old` joins subject `new` (two linked groups become one)."""
    await session.execute(
        update(Case)
        .where(Case.subject_key == old)
        .values(subject_key=new)
        .execution_options(synchronize_session="fetch")
    )
