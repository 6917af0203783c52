"""Chats the platform moved to a new id (a Telegram group upgraded to a supergroup)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import ChatMove


async def record(
    session: AsyncSession, channel: str, chat_id: str, moved_to: str, now: datetime
) -> None:
    """Remember the move; a chat moved twice is followed to its latest id from every
    earlier id too."""
    insert = insert_for(session)
    await session.execute(
        insert(ChatMove)
        .values(channel=channel, chat_id=chat_id, moved_to=moved_to, moved_at=now)
        .on_conflict_do_update(
            index_elements=["channel", "chat_id"], set_={"moved_to": moved_to, "moved_at": now}
        )
    )
    await session.execute(
        update(ChatMove)
        .where(ChatMove.channel == channel, ChatMove.moved_to == chat_id)
        .values(moved_to=moved_to)
    )


async def moves(session: AsyncSession, channel: str) -> dict[str, str]:
    """Old chat id -> where its messages go now, for one channel."""
    rows = await session.execute(
        select(ChatMove.chat_id, ChatMove.moved_to).where(ChatMove.channel == channel)
    )
    return {str(old): str(new) for old, new in rows}
