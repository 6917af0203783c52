"""From a message staff answered back to the case it was about (issue 13): a bot message
they replied to in a chat, or a case's forum topic in a department group."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import Purpose
from storage.models import MessageRef, OutboxMessage


class RelayRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def case_of_sent(self, channel: str, chat_ids: list[str], message_id: str) -> int | None:
        """The case of the bot's message `message_id` in one of `chat_ids` (the newest row
        that delivered or edited it), or of the card or topic that id names there."""
        found = await self.session.scalar(
            select(OutboxMessage.case_id)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id.in_(chat_ids),
                OutboxMessage.platform_message_id == message_id,
                OutboxMessage.case_id.is_not(None),
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        if found is not None:
            return found
        return await self.session.scalar(
            select(MessageRef.case_id)
            .where(
                MessageRef.channel == channel,
                MessageRef.chat_id.in_(chat_ids),
                MessageRef.platform_message_id == message_id,
            )
            .limit(1)
        )

    async def case_of_topic(self, channel: str, group: str, thread: str) -> int | None:
        """The case whose forum topic is `thread` of the department group `group`."""
        return await self.session.scalar(
            select(MessageRef.case_id)
            .where(
                MessageRef.channel == channel,
                MessageRef.chat_id == group,
                MessageRef.purpose == Purpose.TOPIC.value,
                MessageRef.platform_message_id == thread,
            )
            .limit(1)
        )
