"""Deliver the outbox: in order per chat, within each platform's limits, exactly where it
should go, and never holding a transaction across a network call.

A round claims the next message of each ready chat under a short lease (in one
transaction, skipping rows another process is claiming), paces them through the channel's
limiter, sends outside any transaction, and records each result in its own short
transaction (notifications/outcomes.py). A crash after a send and before its record sends
that message again (at least once); nothing is ever lost, and two dispatchers never send
the same row at the same time. A sender's unexpected error parks only its row.

Chats are sent to at once, up to `POOL` of them, one message at a time each (issue 18):
a slow chat holds up only itself. A person's chat gets its messages in the order written;
in a group, each case's messages keep their order, and the group's allowance goes first
to alerts and other notices, then new cards, then card edits, where the edits of one card
still queued go as one, its latest state (the others are marked superseded).

Each channel is sent on by one process at a time, the holder of its lease (renewed every
`RENEW_EVERY`), so the platform's rate limits hold however many processes run; when the
holder stops or dies, another takes over within `SENDER_LEASE`, and the claims of the
holder before it are void at once (issue 11). A dispatcher that sends only rows of its
own (a console session, `scope`) may go without the lease (`leased=False`): the
channel then has no rate to keep, and claims alone keep two senders off one row.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Iterable, Mapping
from datetime import datetime, timedelta
from itertools import groupby

from conversations.base.clock import Clock
from notifications.coalesce import Claimed, coalesced
from notifications.inflight import finish, first_of, reap
from notifications.limits import GROUP_WINDOW, Limiter
from notifications.metrics import ErrorClass, Metrics, error_class
from notifications.outcomes import Outcomes, Retries, UnreachableHandler
from notifications.outgoing import combined, outgoing
from notifications.senders import Sender, SendFailed
from notifications.supervisor import Unrecoverable
from notifications.topics import CaseTopics
from storage import chat_moves, leases
from storage.engine import Database
from storage.models import OutboxMessage
from storage.outbox import Candidate, ClaimScope, OutboxRepository
from storage.uow import UnitOfWork, unit_of_work

__all__ = ["LEASE", "POOL", "SENDER_LEASE", "Dispatcher", "UnreachableHandler"]

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
SENDER_LEASE = timedelta(seconds=6)
RENEW_EVERY = timedelta(seconds=2)
SENDER_LEASE_PREFIX = "send:"
POOL = 16  # chats sent to at once: a slow one holds up only itself (issue 18)


def this_process() -> str:
    """Who holds a sender lease: every dispatcher of one process shares its limits."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Dispatcher:
    def __init__(  # every part is passed in (STYLE habit 2)
        self,
        db: Database,
        senders: Mapping[str, Sender],
        clock: Clock,
        on_unreachable: UnreachableHandler | None = None,
        holder: str | None = None,
        max_attempts: int = Retries.max_attempts,
        rng: random.Random | None = None,
        scope: ClaimScope | None = None,
        leased: bool = True,
        metrics: Metrics | None = None,
        pool: int = POOL,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.metrics = metrics
        self.outcomes = Outcomes(db, clock, Retries(max_attempts), on_unreachable, rng, metrics)
        self.holder = holder or this_process()
        self.scope, self.leased = scope, leased
        self.leading: set[str] = set()  # the channels this dispatcher holds the lease of
        self._renew_at: dict[str, datetime] = {}
        self._moves: dict[str, dict[str, str]] = {}  # channel -> old chat -> new chat
        self.limiters = {name: Limiter(sender.limits) for name, sender in self.senders.items()}
        self.topics = CaseTopics(db)  # a case's forum topic, opened with its card (issue 13)
        self._wake = asyncio.Event()
        self._paced_until: datetime | None = None
        self.pool = pool
        self._busy: set[tuple[str, str]] = set()  # (channel, chat) with a send under way

    def wake(self) -> None:
        """Called after a commit that queued messages."""
        self._wake.set()

    @property
    def paced_until(self) -> datetime | None:
        """After a round: when the limits next allow a message that had to wait."""
        return self._paced_until

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Deliver until cancelled; polls too, for rows other processes wrote. Up to
        `pool` sends are under way at once; the next chats are claimed as soon as one
        answers. The leases are renewed beside, so one slow send never lets them lapse."""
        keeper = asyncio.create_task(self._keep_leases())
        flying: set[asyncio.Task[None]] = set()
        try:
            while True:
                reap(flying)
                moved = 0
                if (free := self.pool - len(flying)) > 0:
                    claimed, moved = await self._claim(free)
                    flying.update(asyncio.create_task(self._send(*one)) for one in claimed)
                if moved:
                    continue
                self._wake.clear()
                await first_of(self._wake, flying, await self._sleep_for(poll_seconds, flying))
        finally:
            keeper.cancel()
            await finish(flying)
            await asyncio.gather(keeper, return_exceptions=True)
            await asyncio.shield(self.step_down())

    async def step_down(self) -> None:
        """Give up the sender leases, so another process sends at once."""
        if not self.leased or not self.leading:
            return
        now = self.clock.now()
        try:
            async with unit_of_work(self.db) as uow:
                for channel in self.leading:
                    await leases.release(uow.session, _lease(channel), self.holder, now)
        except Exception:  # the lease then runs out by itself
            log.warning("sender_lease_release_failed channels=%s", sorted(self.leading))
        self.leading = set()

    async def _keep_leases(self) -> None:
        while self.leased:
            await asyncio.sleep(RENEW_EVERY.total_seconds())
            mine = set(self.leading)
            try:
                async with unit_of_work(self.db) as uow:
                    kept = await self._hold_leases(uow, self.clock.now(), mine)
            except Exception as error:  # a database hiccup: the next round tries again
                log.warning("sender_lease_renew_failed error=%s", type(error).__name__)
                continue
            self.leading -= mine - kept

    async def _sleep_for(self, poll_seconds: float, flying: set[asyncio.Task[None]]) -> float:
        """Until the next message may go (a pace or a retry wait), at most a poll. While
        sends are under way, rows ready now wait for them (an answer wakes the loop)."""
        if not self.leading:
            return poll_seconds  # another process sends; check its lease at the next poll
        async with unit_of_work(self.db, readonly=True) as uow:
            outbox = OutboxRepository(uow.session)
            waiting = await outbox.next_ready(sorted(self.leading), self.scope)
        now = self.clock.now()
        if waiting is not None and flying and waiting <= now:
            waiting = None
        soonest = min((t for t in (waiting, self._paced_until) if t is not None), default=None)
        if soonest is None:
            return poll_seconds
        return min(poll_seconds, max(0.01, (soonest - now).total_seconds()))

    async def deliver_round(self, batch: int = 200) -> int:
        """Send the next message of each ready chat once (up to `pool` at a time) and wait
        for every answer; returns how many were sent, failed or moved (0 when nothing
        could go now)."""
        claimed, moved = await self._claim(batch)
        room = asyncio.Semaphore(self.pool)

        async def one(row: OutboxMessage, edit_of: str | None) -> None:
            async with room:
                await self._send(row, edit_of)

        results = await asyncio.gather(*(one(*c) for c in claimed), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return len(claimed) + moved

    async def _claim(self, batch: int) -> tuple[list[Claimed], int]:
        """Claim, in one transaction, the next row of up to `batch` ready chats the
        limits allow now, with their edit targets; a moved chat's rows are repointed."""
        now = self.clock.now()
        self._paced_until = None
        chosen: list[Candidate] = []
        picked: list[tuple[str, str]] = []  # (channel, chat): the rows expire on a rollback
        moved = 0
        try:
            async with unit_of_work(self.db) as uow:
                outbox = OutboxRepository(uow.session)
                self.leading = await self._channels(uow, now)
                if not self.leading:
                    return [], moved
                found = await outbox.candidates(now, batch, sorted(self.leading), self.scope)
                for (channel, chat), options in groupby(
                    found, lambda c: (c.row.channel, c.row.chat_id)
                ):
                    if len(chosen) >= batch or (channel, chat) in self._busy:
                        continue
                    if (new := self._moves.get(channel, {}).get(chat)) is not None:
                        await outbox.repoint(channel, chat, new, now)  # sent next round
                        moved += 1
                    elif (pick := self._pick(channel, chat, options, now)) is not None:
                        chosen.append(pick)
                        picked.append((channel, chat))
                claimed = await coalesced(outbox, chosen, now)
                await outbox.claim([row.id for row, _ in claimed], now + LEASE)
        except BaseException:  # nothing was claimed: the places taken are given back
            for channel, chat in picked:
                self._unpick(channel, chat)
            raise
        return claimed, moved

    def _pick(
        self, channel: str, chat: str, options: Iterable[Candidate], now: datetime
    ) -> Candidate | None:
        """A person's chat sends its oldest row; a group its first by priority (issue
        18); either only when the limits allow a send now (which is then reserved)."""
        group = self.senders[channel].is_group(chat)
        pick = next((c for c in options if (c.first_by_priority if group else c.chat_head)), None)
        if pick is None or not self._pace(pick.row, group, now):
            return None
        self._busy.add((channel, chat))
        return pick

    async def _channels(self, uow: UnitOfWork, now: datetime) -> set[str]:
        """The channels this dispatcher may send on now: those it holds the lease of, or
        all of its own when it goes without (whose claims are not its to void)."""
        if self.leased:
            return await self._hold_leases(uow, now, self.senders)
        for channel in set(self.senders) - self.leading:
            await self._take_over(uow, channel, now, void=False)
        return set(self.senders)

    async def _hold_leases(
        self, uow: UnitOfWork, now: datetime, channels: Iterable[str]
    ) -> set[str]:
        """The channels this dispatcher may send on now; a lease is renewed every
        RENEW_EVERY, not every round (rounds come many times a second when busy)."""
        held = set()
        for channel in channels:
            if channel in self.leading and now < self._renew_at.get(channel, now):
                held.add(channel)
                continue
            before = await leases.take(uow.session, _lease(channel), self.holder, now, SENDER_LEASE)
            if before is None:
                continue
            held.add(channel)
            self._renew_at[channel] = now + RENEW_EVERY
            if channel not in self.leading or before != self.holder:
                await self._take_over(uow, channel, now, void=before != self.holder)
        return held

    async def _take_over(self, uow: UnitOfWork, channel: str, now: datetime, void: bool) -> None:
        """Start pacing a channel from what was sent on it lately, by whichever process;
        the rows the previous holder claimed are ours to send now (it stopped or died)."""
        outbox = OutboxRepository(uow.session)
        if void:
            await outbox.void_claims(channel)
        self._moves[channel] = await chat_moves.moves(uow.session, channel)
        sender = self.senders[channel]
        limiter = self.limiters[channel] = Limiter(sender.limits)
        for chat_id, at in await outbox.sent_since(channel, now - GROUP_WINDOW):
            limiter.record(chat_id, sender.is_group(chat_id), at)

    def _unpick(self, channel: str, chat: str) -> None:
        self._busy.discard((channel, chat))
        self.limiters[channel].cancel(chat, self.senders[channel].is_group(chat))

    def _pace(self, row: OutboxMessage, group: bool, now: datetime) -> bool:
        """Reserve a send slot within the channel's limits, or note when one frees up."""
        limiter = self.limiters[row.channel]
        ready = limiter.ready_at(row.chat_id, group, now)
        if ready > now:
            self._paced_until = min(ready, self._paced_until or ready)
            return False
        limiter.begin(row.chat_id, group)
        return True

    async def _send(self, row: OutboxMessage, edit_of: str | None) -> None:
        """Deliver a claimed row, unless its channel's new holder voided the claim."""
        try:
            if row.channel in self.leading:
                await self._deliver(row, edit_of)
            else:
                self._unpick(row.channel, row.chat_id)
        finally:
            self._busy.discard((row.channel, row.chat_id))

    async def _deliver(self, row: OutboxMessage, edit_of: str | None) -> None:
        """One send; whatever it raises is this row's fault alone, except Unrecoverable
        (a revoked token), which no other row would escape either. The chat is paced
        from the platform's answer (issue 18)."""
        sender, limiter = self.senders[row.channel], self.limiters[row.channel]
        group = sender.is_group(row.chat_id)
        try:
            try:
                room = _room(limiter, sender, row, self.clock.now())
                message, merged = await combined(self.db, sender, row, outgoing(row, edit_of), room)
                routed = await self.topics.route(sender, row, message)
                delivered = await sender.deliver(routed.message)
            finally:
                limiter.end(row.chat_id, group, self.clock.now())
        except SendFailed as failure:
            if failure.retry_after is not None:  # that chat waits; the others go on
                wait = timedelta(seconds=failure.retry_after)
                limiter.hold(row.chat_id, self.clock.now() + wait, group)
            self._count(row.channel, error_class(failure))
            if await self._record(row, self.outcomes.failed(row, failure)) and failure.moved_to:
                self._moved(row.channel, row.chat_id, failure.moved_to)
        except Unrecoverable:
            raise
        except Exception as error:
            log.error(
                "outbox_fault id=%s case=%s channel=%s error=%s",
                row.id,
                row.case_id,
                row.channel,
                type(error).__name__,
            )
            log.debug("outbox_fault_trace id=%s", row.id, exc_info=True)
            self._count(row.channel, ErrorClass.UNEXPECTED)
            await self._record(row, self.outcomes.faulted(row, error))
        else:
            if self.metrics is not None:
                self.metrics.sent(row.channel)
            await self._record(row, self.outcomes.sent(row, delivered, edit_of, merged))
            if routed.close is not None and not delivered.more:
                await self.topics.close(sender, row, routed.close)

    def _count(self, channel: str, reason: ErrorClass) -> None:
        if self.metrics is not None:
            self.metrics.failed(channel, reason)

    async def _record(self, row: OutboxMessage, recording: Awaitable[None]) -> bool:
        """A result that cannot be recorded leaves its row to the claim's expiry."""
        try:
            await recording
        except Exception as error:
            log.error("outbox_record_failed id=%s error=%s", row.id, type(error).__name__)
            return False
        return True

    def _moved(self, channel: str, old: str, new: str) -> None:
        moves = self._moves.setdefault(channel, {})
        for chat, target in moves.items():
            if target == old:
                moves[chat] = new
        moves[old] = new


def _lease(channel: str) -> str:
    return f"{SENDER_LEASE_PREFIX}{channel}"


def _room(
    limiter: Limiter, sender: Sender, row: OutboxMessage, now: datetime
) -> tuple[int, datetime] | None:
    """A group's room in its window now, for combining its queued notices."""
    if not sender.is_group(row.chat_id) or (room := limiter.room(row.chat_id, now)) is None:
        return None
    return room, now
