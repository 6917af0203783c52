"""Queries about the outbox: queue a message, find the next ones to send, record results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.values import OutboxStatus
from storage.models import MessageRef, OutboxMessage


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def enqueue(self, message: OutboxMessage) -> None:
        self.session.add(message)

    async def heads_of_chats(
        self, now: datetime, limit: int, channels: Sequence[str]
    ) -> Sequence[OutboxMessage]:
        """The oldest pending message of each chat that is ready to go: order per chat
        holds because a chat's later messages wait until its head is sent or parked."""
        heads = (
            select(func.min(OutboxMessage.id))
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .where(OutboxMessage.channel.in_(channels))
            .group_by(OutboxMessage.channel, OutboxMessage.chat_id)
        )
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(heads), OutboxMessage.not_before <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return rows.all()

    async def backlog(self) -> dict[OutboxStatus, int]:
        rows = await self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {row[0]: int(row[1]) for row in rows}

    async def message_ref(
        self, case_id: int, channel: str, chat_id: str, purpose: str
    ) -> MessageRef | None:
        return await self.session.scalar(
            select(MessageRef).where(
                MessageRef.case_id == case_id,
                MessageRef.channel == channel,
                MessageRef.chat_id == chat_id,
                MessageRef.purpose == purpose,
            )
        )

    def add_ref(self, ref: MessageRef) -> None:
        self.session.add(ref)
