"""The once-a-day record of digests sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DigestRun


async def claim_digest(session: AsyncSession, recipient: str, day: date, now: datetime) -> bool:
    """True for the first claim of (recipient, day); any later one, in any process, False."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(DigestRun)
        .values(recipient=recipient, day=day, sent_at=now)
        .on_conflict_do_nothing()
        .returning(DigestRun.recipient)
    )
    return result.scalar() is not None
