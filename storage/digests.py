"""The once-a-day record of digests sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import DigestRun


async def claim_digest(session: AsyncSession, recipient: str, day: date, now: datetime) -> bool:
    """True for the first claim of (recipient, day); any later one, in any process, False."""
    insert = insert_for(session)
    result = await session.execute(
        insert(DigestRun)
        .values(recipient=recipient, day=day, sent_at=now)
        .on_conflict_do_nothing()
        .returning(DigestRun.recipient)
    )
    return result.scalar() is not None
