"""Outbox rows for delivery tests: queued directly, read back as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.engine import Database
from storage.models import OutboxMessage
from storage.uow import unit_of_work


async def queue(
    db: Database,
    now: datetime,
    chats: list[str],
    channel: str = "limited",
    payloads: list[dict[str, Any]] | None = None,
) -> list[int]:
    """One message per entry of `chats` (text "chat#index" unless payloads are given)."""
    async with unit_of_work(db) as uow:
        rows = [
            OutboxMessage(
                channel=channel,
                chat_id=chat,
                not_before=now,
                created_at=now,
                payload=payloads[index] if payloads else {"text": f"{chat}#{index}"},
            )
            for index, chat in enumerate(chats)
        ]
        uow.session.add_all(rows)
        await uow.session.flush()
        return [row.id for row in rows]


async def stored(db: Database) -> list[OutboxMessage]:
    async with unit_of_work(db, readonly=True) as uow:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
