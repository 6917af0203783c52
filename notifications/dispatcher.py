"""Deliver the outbox: in order per chat, never holding a transaction across a send.

Each round reads the oldest pending message of every chat, sends them, and records each
result in its own short transaction. A crash between a send and its record sends that
message again on restart (at least once); nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from conversations.values import OutboxStatus
from notifications.clock import Clock
from notifications.senders import Delivered, Outgoing, Sender, SendFailed
from storage.engine import Database
from storage.models import MessageRef, OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=10)


class UnreachableHandler(Protocol):
    """Told, inside the transaction that parks the message, that a chat refuses us."""

    async def __call__(self, uow: UnitOfWork, channel: str, chat_id: str) -> None: ...


class Dispatcher:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        clock: Clock,
        on_unreachable: UnreachableHandler | None = None,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.on_unreachable = on_unreachable
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that queued messages."""
        self._wake.set()

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Deliver until cancelled; polls too, for rows other processes wrote."""
        while True:
            while await self.deliver_round():
                pass
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll_seconds)

    async def deliver_round(self, batch: int = 100) -> int:
        """Send the head message of each ready chat once; returns how many were tried."""
        async with unit_of_work(self.db, readonly=True) as uow:
            outbox = OutboxRepository(uow.session)
            heads = await outbox.heads_of_chats(self.clock.now(), batch, list(self.senders))
            work = [(row, await self._edit_target(outbox, row)) for row in heads]
        for row, edit_of in work:
            await self._deliver(row, edit_of)
        return len(work)

    async def _edit_target(self, outbox: OutboxRepository, row: OutboxMessage) -> str | None:
        if row.purpose is None or row.case_id is None:
            return None
        ref = await outbox.message_ref(row.case_id, row.channel, row.chat_id, row.purpose)
        return ref.platform_message_id if ref else None

    async def _deliver(self, row: OutboxMessage, edit_of: str | None) -> None:
        message = Outgoing(
            chat_id=row.chat_id,
            text=str(row.payload.get("text", "")),
            choices=list(row.payload.get("choices", [])),
            edit_of=edit_of,
        )
        try:
            delivered = await self.senders[row.channel].deliver(message)
        except SendFailed as failure:
            await self._record_failure(row, failure)
        else:
            await self._record_sent(row, delivered, edit_of)

    async def _record_sent(
        self, row: OutboxMessage, delivered: Delivered, edit_of: str | None
    ) -> None:
        async with unit_of_work(self.db) as uow:
            stored = await uow.session.get(OutboxMessage, row.id)
            assert stored is not None
            stored.status, stored.sent_at = OutboxStatus.SENT, self.clock.now()
            stored.attempts += 1
            stored.platform_message_id = delivered.platform_message_id
            if row.purpose and row.case_id and edit_of is None and delivered.platform_message_id:
                OutboxRepository(uow.session).add_ref(
                    MessageRef(
                        case_id=row.case_id,
                        channel=row.channel,
                        chat_id=row.chat_id,
                        purpose=row.purpose,
                        platform_message_id=delivered.platform_message_id,
                    )
                )

    async def _record_failure(self, row: OutboxMessage, failure: SendFailed) -> None:
        async with unit_of_work(self.db) as uow:
            stored = await uow.session.get(OutboxMessage, row.id)
            assert stored is not None
            stored.attempts += 1
            stored.error = failure.reason[:500]
            if failure.unreachable and self.on_unreachable is not None:
                await self.on_unreachable(uow, row.channel, row.chat_id)
            if failure.permanent:
                stored.status = OutboxStatus.PARKED
                log.warning(
                    "outbox_parked id=%s channel=%s reason=%s", row.id, row.channel, failure.reason
                )
                return
            wait = (
                timedelta(seconds=failure.retry_after)
                if failure.retry_after is not None
                else min(timedelta(seconds=2**stored.attempts), MAX_BACKOFF)
            )
            stored.not_before = self.clock.now() + wait
            log.info(
                "outbox_retry id=%s attempts=%s wait_s=%s",
                row.id,
                stored.attempts,
                wait.total_seconds(),
            )
