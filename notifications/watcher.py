"""The SLA watcher: sleeps until the earliest unmet deadline, then fires what is due.

It never scans cases: one indexed query asks for the next due time, another for the due
rows. Each deadline fires in its own transaction under a row lock and is stamped
`fired_at` there, so a restart or a second watcher never fires it twice. What firing
means (alerts, escalation) is the DeadlineHandler's business, wired in bot/app.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from notifications.clock import Clock
from storage.deadlines import DeadlineRepository
from storage.engine import Database
from storage.models import Deadline
from storage.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
MAX_SLEEP_SECONDS = 60.0


class DeadlineHandler(Protocol):
    """Does what a missed deadline calls for, inside the transaction that fires it."""

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None: ...


class Watcher:
    def __init__(self, db: Database, clock: Clock, handler: DeadlineHandler) -> None:
        self.db = db
        self.clock = clock
        self.handler = handler
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Called after a commit that may have set an earlier deadline."""
        self._wake.set()

    async def tick(self, limit: int = 10_000) -> int:
        """Fire every deadline due now, one transaction each; returns how many fired."""
        fired = 0
        while fired < limit and await self._fire_one():
            fired += 1
        return fired

    async def _fire_one(self) -> bool:
        now = self.clock.now()
        async with unit_of_work(self.db) as uow:
            due = await DeadlineRepository(uow.session).due_to_fire(now)
            if not due:
                return False
            deadline = due[0]
            deadline.fired_at = now
            await self.handler(uow, deadline)
            log.info(
                "deadline_fired id=%s case=%s step=%s level=%s",
                deadline.id,
                deadline.case_id,
                deadline.step,
                deadline.escalation_level,
            )
        return True

    async def seconds_to_next(self) -> float:
        async with unit_of_work(self.db, readonly=True) as uow:
            due = await DeadlineRepository(uow.session).earliest_unmet_due()
        if due is None:
            return MAX_SLEEP_SECONDS
        return min(MAX_SLEEP_SECONDS, max(0.0, (due - self.clock.now()).total_seconds()))

    async def run(self) -> None:
        """Until cancelled: fire what is due, then sleep until the next one (or a wake)."""
        while True:
            await self.tick()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), await self.seconds_to_next())
