"""Faults of the whole process, as opposed to faults of one row or one loop round.

The supervisor (the OTP idea on asyncio) runs the background loops by name: a loop that
raises is logged and restarted after an exponential backoff with jitter, so one bad
round never stops the desk (DESIGN §2.5). Only `Unrecoverable` stops the process. Each
loop reports its successful rounds to its `LoopHealth`, which /health reads.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from conversations.base.clock import Clock

log = logging.getLogger(__name__)
Beat = Callable[[], None]
Loop = Callable[[Beat], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class Unrecoverable(Exception):
    """A fault no restart can fix (the bot token was revoked: 401; another process polls
    the same bot: 409). The process stops with this message, which says how to fix it."""


@dataclass
class LoopHealth:
    """When a loop last finished a round well; stuck once none came within `allowed`."""

    name: str
    allowed: timedelta | None  # None: the loop has no rounds to report (it blocks)
    started_at: datetime
    last_round: datetime | None = None
    restarts: int = 0
    last_error: str | None = None

    def stuck(self, now: datetime) -> bool:
        if self.allowed is None:
            return False
        return now - (self.last_round or self.started_at) > self.allowed


@dataclass(frozen=True)
class Backoff:
    """Restart delays: doubling from `first` up to `cap` seconds, each scaled by a random
    factor in [0.5, 1] so restarted processes do not retry in step."""

    first: float = 1.0
    cap: float = 60.0
    healthy_after: timedelta = timedelta(minutes=5)  # a run this long resets the doubling
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, failures: int) -> float:
        return min(self.cap, self.first * 2.0 ** (failures - 1)) * (0.5 + self.jitter() / 2)


class Supervisor:
    def __init__(
        self, clock: Clock, backoff: Backoff | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.loops: dict[str, tuple[Loop, LoopHealth]] = {}

    def add(self, name: str, loop: Loop, allowed: timedelta | None) -> LoopHealth:
        """Register a loop; it must call its beat after every successful round."""
        health = LoopHealth(name, allowed, self.clock.now())
        self.loops[name] = (loop, health)
        return health

    def health(self) -> list[LoopHealth]:
        return [health for _, health in self.loops.values()]

    async def run(self) -> None:
        """Run every loop until cancelled; raises the first `Unrecoverable` (after
        cancelling the others, so each loop's `finally` runs)."""
        try:
            async with asyncio.TaskGroup() as tasks:
                for name, (loop, health) in self.loops.items():
                    tasks.create_task(self._keep(loop, health), name=name)
        except* Unrecoverable as group:
            raise group.exceptions[0] from None

    async def _keep(self, loop: Loop, health: LoopHealth) -> None:
        failures = 0
        health.started_at = self.clock.now()

        def beat() -> None:
            health.last_round = self.clock.now()

        while True:
            began = self.clock.now()
            try:
                await loop(beat)
                log.warning("loop_returned name=%s restarting", health.name)
            except Unrecoverable:
                raise
            except Exception as error:
                health.last_error = type(error).__name__
                log.exception("loop_failed name=%s error=%s", health.name, health.last_error)
            if self.clock.now() - began >= self.backoff.healthy_after:
                failures = 0
            failures += 1
            health.restarts += 1
            await self.sleep(self.backoff.delay(failures))
