"""Queries about a case's photos and files: the platform's file id and, since issue 13,
the desk's own copy in its file store (path, size, name)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attachment


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_case(self, case_id: int) -> Sequence[Attachment]:
        query = select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        return (await self.session.scalars(query)).all()

    async def get(self, attachment_id: int) -> Attachment | None:
        return await self.session.get(Attachment, attachment_id)

    async def stored_paths(self) -> set[str]:
        """Every stored copy an attachment still names: what the file store must keep
        (the retention sweep and erasures delete rows; their files go after, issue 13)."""
        query = select(Attachment.stored_path).where(Attachment.stored_path.is_not(None))
        return {path for path in (await self.session.scalars(query)).all() if path}
