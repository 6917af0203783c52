"""The audit log of personal-data actions: what, by which role, about which internal id,
and how many rows; never a name, a contact or a message (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        at: datetime,
        action: str,
        actor: str,
        subject: str | None = None,
        counts: Mapping[str, int] | None = None,
    ) -> None:
        entry = AuditEntry(at=at, action=action, actor=actor, subject=subject, counts=counts or {})
        self.session.add(entry)

    async def recent(self, limit: int = 100) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        return (await self.session.scalars(query)).all()
