"""Deliver the outbox: in order per chat, within each platform's limits, exactly where it
should go, and never holding a transaction across a network call.

A round claims the ready head of each chat under a short lease (in one transaction,
skipping rows another process is claiming), paces them through the channel's limiter,
sends outside any transaction, and records each result in its own short transaction.
A crash after a send and before its record sends that message again once the lease runs
out (at least once); nothing is ever lost, and two dispatchers never send the same row
at the same time.

Each channel is sent on by one process at a time, the holder of its lease (renewed every
round), so the platform's rate limits hold however many processes run; when the holder
stops or dies, another takes over within `SENDER_LEASE`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol

from conversations.values import OutboxStatus
from notifications.clock import Clock
from notifications.limits import GROUP_WINDOW, Limiter
from notifications.senders import Delivered, Outgoing, Sender, SendFailed
from storage import leases
from storage.engine import Database
from storage.models import MessageRef, OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=10)
LEASE = timedelta(minutes=2)
SENDER_LEASE = timedelta(seconds=30)


def this_process() -> str:
    """Who holds a sender lease: every dispatcher of one process shares its limits."""
    return f"{socket.gethostname()}:{os.getpid()}"


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
        holder: str | None = None,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.on_unreachable = on_unreachable
        self.holder = holder or this_process()
        self.leading: set[str] = set()  # the channels this dispatcher holds the lease of
        self._renew_at: dict[str, datetime] = {}
        self.limiters = {name: Limiter(sender.limits) for name, sender in self.senders.items()}
        self._wake = asyncio.Event()
        self._paced_until: datetime | None = None

    def wake(self) -> None:
        """Called after a commit that queued messages."""
        self._wake.set()

    @property
    def paced_until(self) -> datetime | None:
        """After a round: when the limits next allow a message that had to wait."""
        return self._paced_until

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Deliver until cancelled; polls too, for rows other processes wrote."""
        try:
            while True:
                while await self.deliver_round():
                    pass
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), await self._sleep_for(poll_seconds))
        finally:
            await asyncio.shield(self.step_down())

    async def step_down(self) -> None:
        """Give up the sender leases, so another process sends at once."""
        if not self.leading:
            return
        now = self.clock.now()
        try:
            async with unit_of_work(self.db) as uow:
                for channel in self.leading:
                    await leases.release(uow.session, _lease(channel), self.holder, now)
        except Exception:  # the lease then runs out by itself
            log.warning("sender_lease_release_failed channels=%s", sorted(self.leading))
        self.leading = set()

    async def _sleep_for(self, poll_seconds: float) -> float:
        """Until the next message may go (a pace or a retry wait), at most a poll."""
        if not self.leading:
            return poll_seconds  # another process sends; check its lease at the next poll
        async with unit_of_work(self.db, readonly=True) as uow:
            waiting = await OutboxRepository(uow.session).next_ready(sorted(self.leading))
        soonest = min((t for t in (waiting, self._paced_until) if t is not None), default=None)
        if soonest is None:
            return poll_seconds
        return min(poll_seconds, max(0.01, (soonest - self.clock.now()).total_seconds()))

    async def deliver_round(self, batch: int = 200) -> int:
        """Send the head message of each ready chat once; returns how many were sent or
        failed (0 when nothing could go now)."""
        claimed = await self._claim(batch)
        for row, edit_of in claimed:
            await self._deliver(row, edit_of)
        return len(claimed)

    async def _claim(self, batch: int) -> list[tuple[OutboxMessage, str | None]]:
        now = self.clock.now()
        self._paced_until = None
        claimed: list[tuple[OutboxMessage, str | None]] = []
        async with unit_of_work(self.db) as uow:
            outbox = OutboxRepository(uow.session)
            held = await self._hold_leases(uow, now)
            for channel in held - self.leading:
                await self._take_over(outbox, channel, now)
            self.leading = held
            if not self.leading:
                return claimed
            for row in await outbox.claimable_heads(now, batch, sorted(self.leading)):
                if not self._pace(row, now):
                    continue
                row.claimed_until = now + LEASE
                claimed.append((row, await self._edit_target(outbox, row)))
        return claimed

    async def _hold_leases(self, uow: UnitOfWork, now: datetime) -> set[str]:
        """The channels this dispatcher may send on now; a lease is renewed once half of
        it has run, not every round (rounds come many times a second when busy)."""
        held = set()
        for channel in self.senders:
            if channel in self.leading and now < self._renew_at.get(channel, now):
                held.add(channel)
            elif await leases.hold(uow.session, _lease(channel), self.holder, now, SENDER_LEASE):
                self._renew_at[channel] = now + SENDER_LEASE / 2
                held.add(channel)
        return held

    async def _take_over(self, outbox: OutboxRepository, channel: str, now: datetime) -> None:
        """Start pacing a channel from what was sent on it lately, by whichever process."""
        sender = self.senders[channel]
        limiter = self.limiters[channel] = Limiter(sender.limits)
        for chat_id, at in await outbox.sent_since(channel, now - GROUP_WINDOW):
            limiter.record(chat_id, sender.is_group(chat_id), at)

    def _pace(self, row: OutboxMessage, now: datetime) -> bool:
        """Reserve a send slot within the channel's limits, or note when one frees up."""
        sender, limiter = self.senders[row.channel], self.limiters[row.channel]
        group = sender.is_group(row.chat_id)
        ready = limiter.ready_at(row.chat_id, group, now)
        if ready > now:
            self._paced_until = min(ready, self._paced_until or ready)
            return False
        limiter.record(row.chat_id, group, now)
        return True

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
            image=_image(row.payload),
            template=_template(row.payload),
            values=_values(row.payload),
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
            stored.claimed_until = None
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
            stored.claimed_until = None
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


SENDER_LEASE_PREFIX = "send:"


def _lease(channel: str) -> str:
    return f"{SENDER_LEASE_PREFIX}{channel}"


def _template(payload: dict[str, object]) -> str | None:
    kind = payload.get("template")
    return kind if isinstance(kind, str) else None


def _values(payload: dict[str, object]) -> dict[str, str]:
    values = payload.get("values")
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


def _image(payload: dict[str, object]) -> bytes | None:
    """A picture travels in the payload as base64 (a digest's chart, tens of KB)."""
    encoded = payload.get("image")
    return base64.b64decode(encoded) if isinstance(encoded, str) else None
