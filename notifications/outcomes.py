"""What a send's result does to its outbox row: sent, retried later, moved, or parked.

Each result is recorded in its own short transaction, after the platform call.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from conversations.base.clock import Clock
from conversations.base.values import OutboxStatus
from notifications.metrics import Metrics
from notifications.senders import Delivered, SendFailed
from storage import chat_moves
from storage.engine import Database
from storage.models import MessageRef, OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
MAX_ERROR = 500  # the outbox.error column
SHORT_FAULT = 200  # what an unexpected error's own message may take of it


class UnreachableHandler(Protocol):
    """Told, inside the transaction that parks the message, that a chat refuses us."""

    async def __call__(self, uow: UnitOfWork, channel: str, chat_id: str) -> None: ...


@dataclass(frozen=True)
class Retries:
    """Transient failures are retried after a wait that doubles each time (with jitter,
    so chats that failed together do not retry in lockstep), and parked after
    `max_attempts`; a platform's own retry_after (429) is obeyed and not counted."""

    max_attempts: int = 10  # about 15-30 minutes of retrying in all
    first: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(minutes=10)

    def wait(self, attempts: int, rng: random.Random) -> timedelta:
        full: timedelta = min(self.first * 2 ** min(attempts - 1, 30), self.cap)
        return full * (0.5 + rng.random() / 2)


class Outcomes:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        retries: Retries,
        on_unreachable: UnreachableHandler | None = None,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.db, self.clock, self.retries = db, clock, retries
        self.on_unreachable = on_unreachable
        self.rng = rng or random.Random()
        self.metrics = metrics

    async def sent(
        self,
        row: OutboxMessage,
        delivered: Delivered,
        edit_of: str | None,
        merged: Sequence[int] = (),
    ) -> None:
        now = self.clock.now()
        async with unit_of_work(self.db) as uow:
            stored = await _stored(uow, row)
            stored.claimed_until = None
            # A message sent in parts keeps its first part's id: the one an edit changes.
            stored.platform_message_id = stored.platform_message_id or delivered.platform_message_id
            stored.parts_sent = max(stored.parts_sent, delivered.parts_sent)
            if delivered.more:  # the next part goes in a later round, paced like any send
                stored.not_before, stored.error = now, None
                return
            stored.status, stored.sent_at = OutboxStatus.SENT, now
            stored.attempts += 1
            for other in merged:
                combined = await _stored(uow, other)
                combined.status, combined.sent_at = OutboxStatus.SENT, now
                combined.error = f"merged into #{row.id} (the chat's window had few sends left)"
            message_id = stored.platform_message_id
            if row.purpose and row.case_id and edit_of is None and message_id:
                ref = MessageRef(
                    case_id=row.case_id,
                    channel=row.channel,
                    chat_id=row.chat_id,
                    purpose=row.purpose,
                    platform_message_id=message_id,
                )
                OutboxRepository(uow.session).add_ref(ref)

    async def failed(self, row: OutboxMessage, failure: SendFailed) -> None:
        async with unit_of_work(self.db) as uow:
            stored = await _stored(uow, row)
            stored.claimed_until = None
            stored.error = failure.reason[:MAX_ERROR]
            _keep_progress(stored, failure)
            if failure.moved_to is not None:
                await self._move(uow, stored, failure.moved_to)
                return
            if failure.unreachable and self.on_unreachable is not None:
                await self.on_unreachable(uow, row.channel, row.chat_id)
            if failure.permanent:
                stored.attempts += 1
                self._park(stored, failure.reason)
                return
            self._retry_later(stored, failure)

    async def faulted(self, row: OutboxMessage, error: Exception) -> None:
        """A bug or an unmapped platform error: parked with the error's name, so one bad
        row never stops the loop (DESIGN §2.5)."""
        async with unit_of_work(self.db) as uow:
            stored = await _stored(uow, row)
            stored.attempts += 1
            stored.claimed_until = None
            self._park(stored, f"{type(error).__name__}: {str(error)[:SHORT_FAULT]}")

    def _retry_later(self, stored: OutboxMessage, failure: SendFailed) -> None:
        if failure.retry_after is not None:
            stored.not_before = self.clock.now() + timedelta(seconds=failure.retry_after)
            log.info("outbox_rate_limited id=%s wait_s=%s", stored.id, failure.retry_after)
            return
        stored.attempts += 1
        if stored.attempts >= self.retries.max_attempts:
            self._park(stored, f"gave up after {stored.attempts} attempts: {failure.reason}")
            return
        wait = self.retries.wait(stored.attempts, self.rng)
        stored.not_before = self.clock.now() + wait
        log.info(
            "outbox_retry id=%s attempts=%s wait_s=%.1f",
            stored.id,
            stored.attempts,
            wait.total_seconds(),
        )

    def _park(self, stored: OutboxMessage, reason: str) -> None:
        stored.status, stored.error = OutboxStatus.PARKED, reason[:MAX_ERROR]
        if self.metrics is not None:  # counted before the commit: a rare overcount on rollback
            self.metrics.parked_one(stored.channel)
        log.warning(
            "outbox_parked id=%s case=%s channel=%s reason=%s",
            stored.id,
            stored.case_id,
            stored.channel,
            stored.error,
        )

    async def _move(self, uow: UnitOfWork, stored: OutboxMessage, moved_to: str) -> None:
        """The chat has a new id: remember it, and send this and the chat's other pending
        messages there (in a later round, in their order)."""
        now, old = self.clock.now(), stored.chat_id
        await chat_moves.record(uow.session, stored.channel, old, moved_to, now)
        stored.chat_id, stored.not_before, stored.error = moved_to, now, None
        await uow.session.flush()
        await OutboxRepository(uow.session).repoint(stored.channel, old, moved_to, now)
        log.warning(
            "chat_moved channel=%s chat=%s moved_to=%s (update the configuration)",
            stored.channel,
            old,
            moved_to,
        )


def _keep_progress(stored: OutboxMessage, failure: SendFailed) -> None:
    """The parts a failed attempt delivered are not sent again (issue 11)."""
    if failure.parts_sent is not None:
        stored.parts_sent = max(stored.parts_sent, failure.parts_sent)
    if stored.platform_message_id is None:
        stored.platform_message_id = failure.platform_message_id


async def _stored(uow: UnitOfWork, row: OutboxMessage | int) -> OutboxMessage:
    stored = await uow.session.get(OutboxMessage, row if isinstance(row, int) else row.id)
    assert stored is not None  # outbox rows are never deleted
    return stored
