"""The SLA watcher: sleeps until the earliest unmet deadline, then fires what is due.

It never scans cases: one indexed query asks for the next due time, another for the due
rows with their cases. Due deadlines fire in batches, one transaction each (DESIGN §2.4,
issue 18), under row locks, each stamped `fired_at` there, so a restart or a second
watcher never fires one twice. What firing means (alerts, escalation) is the
DeadlineHandler's business, wired in bot/app.py; a handler may `prepare` a batch (read
what its rules need in one query). Each deadline fires in a savepoint: a handler that
fails unexpectedly has its writes undone and the deadline stamped failed with the error's
name, and the batch goes on (DESIGN §2.5); a conflict with another transaction (a staff
change to the same case, a deadlock victim) is no fault of the deadline: the batch is
rolled back and fired again at the next tick. The outbox is woken after each commit.
A tick first asks, in a read, whether anything is due: an idle tick writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from conversations.base.clock import Clock
from notifications.supervisor import Beat
from storage.cases import CaseRepository
from storage.conflicts import is_conflict
from storage.deadlines import DeadlineRepository
from storage.engine import Database
from storage.models import Deadline
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
MAX_SLEEP_SECONDS = 60.0
CONFLICT_PAUSE_SECONDS = 0.5  # before firing again a deadline that met a conflict
BATCH_SIZE = 200  # due deadlines per transaction: one commit, locks held briefly


class DeadlineHandler(Protocol):
    """Does what a missed deadline calls for, inside the transaction that fires it."""

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None: ...


@runtime_checkable
class BatchHandler(DeadlineHandler, Protocol):
    """A handler that reads what its rules need for a whole batch before it fires."""

    async def prepare(self, uow: UnitOfWork, due: Sequence[Deadline]) -> None: ...


class Watcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        handler: DeadlineHandler,
        after_commit: Callable[[], None] = lambda: None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.db = db
        self.clock = clock
        self.handler = handler
        self.after_commit = after_commit  # wakes the outbox: the alerts are committed
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._conflicted = False

    def wake(self) -> None:
        """Called after a commit that may have set an earlier deadline."""
        self._wake.set()

    async def tick(self, limit: int = 10_000) -> int:
        """Fire every deadline due now, a batch per transaction; returns how many fired.
        A conflict ends the tick; its batch is fired again at the next."""
        fired = 0
        self._conflicted = False
        try:
            if not await self._anything_due(self.clock.now()):
                return 0  # asked in a read: no write transaction, no lock
            while fired < limit:
                size = min(self.batch_size, limit - fired)
                count = await self._fire_batch(size)
                fired += count
                if count < size:  # the batch found nothing more due
                    break
        except Exception as error:
            if not is_conflict(error):
                raise
            log.info("deadline_conflict error=%s retry=next_tick", type(error).__name__)
            self._conflicted = True
        return fired

    async def _fire_batch(self, size: int) -> int:
        """One transaction: up to `size` due deadlines, a savepoint each. It asks again
        until nothing more is due, so rungs the batch added that are due now fire in it."""
        now, fired = self.clock.now(), 0
        async with unit_of_work(self.db) as uow:
            repository = DeadlineRepository(uow.session)
            while fired < size and (due := await repository.due_batch(now, size - fired)):
                for deadline in due:  # stamped in one flush, kept if a savepoint is undone
                    deadline.fired_at = now
                await uow.session.flush()
                if isinstance(self.handler, BatchHandler):
                    await self.handler.prepare(uow, due)
                for deadline in due:
                    await self._fire_one(uow, deadline, now)
                fired += len(due)
            if fired:
                uow.after_commit.append(self.after_commit)
        return fired

    async def _anything_due(self, now: datetime) -> bool:
        """Asked in a read: a tick with nothing due takes no write lock (on SQLite a write
        transaction begins IMMEDIATE and queues behind the inbound updates)."""
        async with unit_of_work(self.db, readonly=True) as uow:
            return await DeadlineRepository(uow.session).any_due(now)

    async def _fire_one(self, uow: UnitOfWork, deadline: Deadline, now: datetime) -> None:
        try:
            async with uow.session.begin_nested():
                await self.handler(uow, deadline)
        except Exception as error:
            if is_conflict(error):
                raise  # the whole batch is undone; fired again next tick
            await self._mark_failed(uow, deadline, error, now)
            return
        log.info(
            "deadline_fired id=%s case=%s step=%s level=%s",
            deadline.id,
            deadline.case_id,
            deadline.step,
            deadline.escalation_level,
        )

    async def _mark_failed(
        self, uow: UnitOfWork, deadline: Deadline, error: Exception, now: datetime
    ) -> None:
        """Stamp the deadline failed (and fired, so it is never fired again); log once."""
        await uow.session.refresh(deadline)  # the savepoint's rollback may have expired it
        deadline.fired_at = deadline.failed_at = now
        deadline.error = type(error).__name__[:200]
        case = await CaseRepository(uow.session).get(deadline.case_id)
        log.error(
            "deadline_failed id=%s case=%s number=%s step=%s level=%s error=%s",
            deadline.id,
            deadline.case_id,
            case.number if case is not None else None,
            deadline.step,
            deadline.escalation_level,
            deadline.error,
            exc_info=error,
        )

    async def seconds_to_next(self) -> float:
        if self._conflicted:
            return CONFLICT_PAUSE_SECONDS
        async with unit_of_work(self.db, readonly=True) as uow:
            due = await DeadlineRepository(uow.session).earliest_unmet_due()
        if due is None:
            return MAX_SLEEP_SECONDS
        return min(MAX_SLEEP_SECONDS, max(0.0, (due - self.clock.now()).total_seconds()))

    async def run(self, beat: Beat = lambda: None) -> None:
        """Until cancelled: fire what is due, then sleep until the next one (or a wake);
        `beat` tells the supervisor each round went through."""
        while True:
            await self.tick()
            beat()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), await self.seconds_to_next())
