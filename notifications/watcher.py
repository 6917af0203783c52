"""The SLA watcher: sleeps until the earliest unmet deadline, then fires what is due.

It never scans cases: one indexed query asks for the next due time, another for the due
rows. Each deadline fires in its own transaction under a row lock and is stamped
`fired_at` there, so a restart or a second watcher never fires it twice. What firing
means (alerts, escalation) is the DeadlineHandler's business, wired in bot/app.py.
A handler that fails unexpectedly has its writes undone (a savepoint) and the deadline
stamped failed with the error's name, so the watcher goes on to the next one (DESIGN §2.5);
a conflict with another transaction (a staff change to the same case, a deadlock victim)
is no fault of the deadline: it is rolled back and fired again at the next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Protocol

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


class DeadlineHandler(Protocol):
    """Does what a missed deadline calls for, inside the transaction that fires it."""

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None: ...


class Watcher:
    def __init__(self, db: Database, clock: Clock, handler: DeadlineHandler) -> None:
        self.db = db
        self.clock = clock
        self.handler = handler
        self._wake = asyncio.Event()
        self._conflicted = False

    def wake(self) -> None:
        """Called after a commit that may have set an earlier deadline."""
        self._wake.set()

    async def tick(self, limit: int = 10_000) -> int:
        """Fire every deadline due now, one transaction each; returns how many fired.
        A conflict ends the tick; its deadline is fired again at the next."""
        fired = 0
        self._conflicted = False
        try:
            while fired < limit and await self._fire_one():
                fired += 1
        except Exception as error:
            if not is_conflict(error):
                raise
            log.info("deadline_conflict error=%s retry=next_tick", type(error).__name__)
            self._conflicted = True
        return fired

    async def _fire_one(self) -> bool:
        now = self.clock.now()
        async with unit_of_work(self.db) as uow:
            due = await DeadlineRepository(uow.session).due_to_fire(now)
            if not due:
                return False
            deadline = due[0]
            deadline.fired_at = now
            try:
                async with uow.session.begin_nested():
                    await self.handler(uow, deadline)
            except Exception as error:
                if is_conflict(error):
                    raise  # the whole transaction is undone; fired again next tick
                await self._mark_failed(uow, deadline, error, now)
                return True
            log.info(
                "deadline_fired id=%s case=%s step=%s level=%s",
                deadline.id,
                deadline.case_id,
                deadline.step,
                deadline.escalation_level,
            )
        return True

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
