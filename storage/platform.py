"""Platform state shared by every process: API access tokens and WeChat service windows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import PlatformToken, ServiceWindow


async def token_row(session: AsyncSession, name: str) -> PlatformToken:
    """The token's row, created empty on first use, locked until the transaction ends."""
    await session.execute(
        insert_for(session)(PlatformToken).values(name=name).on_conflict_do_nothing()
    )
    row = await session.scalar(
        select(PlatformToken).where(PlatformToken.name == name).with_for_update()
    )
    assert row is not None
    return row


async def open_window(session: AsyncSession, channel: str, chat_id: str, at: datetime) -> None:
    """The customer wrote at `at` (the message's own time): a new window opens and its
    count starts over, unless the window already opened at or after that time (a resent
    or replayed message never reopens it, nor an older one moves it back)."""
    insert = insert_for(session)
    await session.execute(
        insert(ServiceWindow)
        .values(channel=channel, chat_id=chat_id, opened_at=at, sent=0)
        .on_conflict_do_update(
            index_elements=["channel", "chat_id"],
            set_={"opened_at": at, "sent": 0},
            where=ServiceWindow.opened_at < at,
        )
    )


async def window_sends_left(
    session: AsyncSession, channel: str, chat_id: str, now: datetime, hours: int, limit: int
) -> int:
    """Messages the chat's window still allows now (0 when closed); takes none of them."""
    window = await session.scalar(
        select(ServiceWindow).where(
            ServiceWindow.channel == channel, ServiceWindow.chat_id == chat_id
        )
    )
    if window is None or now - window.opened_at >= timedelta(hours=hours):
        return 0
    return max(0, limit - window.sent)


async def take_window_slot(
    session: AsyncSession, channel: str, chat_id: str, now: datetime, hours: int, limit: int
) -> bool:
    """Use one message of the open window; False when it is closed or used up."""
    window = await session.scalar(
        select(ServiceWindow)
        .where(ServiceWindow.channel == channel, ServiceWindow.chat_id == chat_id)
        .with_for_update()
    )
    if window is None or now - window.opened_at >= timedelta(hours=hours):
        return False
    if window.sent >= limit:
        return False
    window.sent += 1
    return True
