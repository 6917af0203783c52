"""The audit log of personal-data actions: what, by which role, about which internal id,
and how many rows; never a name, a contact or a message (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry

# Staff access (issue 13): subject `staff:<id>`, actor `operator` (the CLI) or `roster`.
STAFF_DEACTIVATED = "staff_deactivated"
STAFF_ACTIVATED = "staff_activated"


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

    async def last_about(self, subject: str, actions: Sequence[str]) -> AuditEntry | None:
        """The latest of these actions about `subject` (who last changed a person's access)."""
        query = (
            select(AuditEntry)
            .where(AuditEntry.subject == subject, AuditEntry.action.in_(actions))
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def recent(self, limit: int = 100) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        return (await self.session.scalars(query)).all()
