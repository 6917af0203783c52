"""Queries about dialogue state and the inbound dedup log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import Conversation, ProcessedUpdate

_CACHE = "conversation_rows"  # session.info key: rows of this transaction by (channel, chat)
_LOCKED = "conversation_rows_locked"  # session.info key: the (channel, chat) rows locked


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim_update(self, channel: str, update_id: str, now: datetime) -> bool:
        """Record an inbound update; False when it was seen before (a retry or resend)."""
        insert = insert_for(self.session)
        result = await self.session.execute(
            insert(ProcessedUpdate)
            .values(channel=channel, update_id=update_id, processed_at=now)
            .on_conflict_do_nothing()
            .returning(ProcessedUpdate.update_id)
        )
        return result.scalar() is not None

    async def expired(self, now: datetime, limit: int = 200) -> Sequence[Conversation]:
        """Conversations left mid-flow past their expiry, locked for this sweep."""
        return (
            await self.session.scalars(
                select(Conversation)
                .where(Conversation.expires_at < now)
                .order_by(Conversation.expires_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def load(self, channel: str, chat_id: str, *, lock: bool = False) -> Conversation | None:
        """The chat's row, or None; read once per transaction (one update asks up to four
        times), its absence included.

        `lock` holds the row until commit, so two updates of one chat (two processes, or
        concurrent handling in one) take turns instead of both stepping the old state."""
        cache: dict[tuple[str, str], Conversation | None] = self.session.info.setdefault(_CACHE, {})
        locked: set[tuple[str, str]] = self.session.info.setdefault(_LOCKED, set())
        key = (channel, chat_id)
        row = cache.get(key)
        fresh = key in cache and (row is None or row in self.session)  # not undone by a savepoint
        if fresh and (key in locked or not lock):
            return row
        query = select(Conversation).where(
            Conversation.channel == channel, Conversation.chat_id == chat_id
        )
        row = await self.session.scalar(query.with_for_update() if lock else query)
        cache[key] = row
        if lock and row is not None:
            locked.add(key)
        return row

    def _remember(self, row: Conversation) -> None:
        self.session.info.setdefault(_CACHE, {})[(row.channel, row.chat_id)] = row

    async def claim(self, channel: str, chat_id: str, now: datetime) -> Conversation:
        """The chat's row, made idle if the chat is new, locked until commit: the chat's
        updates take turns, its first two included (both would find no row to lock)."""
        row = await self.load(channel, chat_id, lock=True)
        return row if row is not None else await self._add(channel, chat_id, now, lock=True)

    async def _add(
        self, channel: str, chat_id: str, now: datetime, *, lock: bool = False
    ) -> Conversation:
        """A new idle row or, when another transaction made one meanwhile, theirs (on
        PostgreSQL the insert waits for that transaction, then fails on the unique key)."""
        row = Conversation(
            channel=channel, chat_id=chat_id, flow="idle", step="", data={}, updated_at=now
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            self.session.info.get(_CACHE, {}).pop((channel, chat_id), None)
            theirs = await self.load(channel, chat_id, lock=lock)
            assert theirs is not None  # committed by the transaction the insert waited for
            return theirs
        self._remember(row)
        return row

    async def remember_options(
        self, channel: str, chat_id: str, actions: list[str] | None, now: datetime
    ) -> None:
        row = await self.load(channel, chat_id)
        if row is None:
            row = await self._add(channel, chat_id, now)
        row.last_options = actions

    async def save(
        self,
        channel: str,
        chat_id: str,
        state: tuple[str, str, dict[str, Any]],
        now: datetime,
        expires_at: datetime | None,
    ) -> None:
        flow, step, data = state
        row = await self.load(channel, chat_id)
        if row is None:
            row = Conversation(channel=channel, chat_id=chat_id)
            self.session.add(row)
            self._remember(row)
        row.flow, row.step, row.data = flow, step, data
        row.updated_at, row.expires_at = now, expires_at
