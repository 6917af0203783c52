"""One crash run: customers file while the desk is killed and restarted, then the proof.

The kill schedule comes from the seed: each life is killed a random time after it first
polls (or, now and then, during its start-up, migrations included). The last life runs
until every update is acknowledged and the outbox is empty, then gets SIGTERM.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from storage.engine import open_database
from storage.models import OutboxMessage
from tests.crash.bot_api import CrashBotAPI
from tests.crash.customers import CATEGORIES, Customer
from tests.crash.desk import GROUPS, DeskProcess, config_text, fresh_database
from tests.crash.proof import Proof, prove, read_database
from tests.crash.staff import TAKERS, take

STARTUP_KILLS = 0.2  # the share of lives killed before they poll


@dataclass(frozen=True)
class Plan:
    backend: str
    customers: int = 30
    kills: int = 10
    seed: int = 11
    max_life: float = 3.0  # seconds a life may serve before its kill
    stall: float = 180.0  # seconds with no progress before the run stops waiting

    @property
    def arrivals(self) -> float:
        """Customers start over this many seconds, so filings overlap the kills."""
        return self.kills * self.max_life / 2


@dataclass
class Outcome:
    plan: Plan
    api: CrashBotAPI
    customers: list[Customer]
    proof: Proof
    kills: int
    exit_code: int
    elapsed: float

    def figures(self) -> str:
        fed, done = len(self.api.fed), sum(c.number is not None for c in self.customers)
        return (
            f"backend={self.plan.backend} customers={len(self.customers)} filed={done} "
            f"updates_fed={fed} kills={self.kills} lost={self.proof.lost} "
            f"redelivered_updates={sum(n - 1 for n in self.api.delivered.values())} "
            f"duplicates_delivered={self.proof.duplicates} "
            f"max_resends_of_one_message={self.proof.max_resends} "
            f"last_exit_code={self.exit_code} elapsed={self.elapsed:.1f}s"
        )


async def crash_run(plan: Plan, directory: Path) -> Outcome:
    api = CrashBotAPI()
    await api.start()
    try:
        async with fresh_database(plan.backend, directory) as url:
            config = directory / "desk.toml"
            config.write_text(config_text(url, api.url), encoding="utf-8")
            desk = DeskProcess(config, directory / "desk.log")
            return await _run(plan, api, desk, url)
    finally:
        await api.stop()


async def _run(plan: Plan, api: CrashBotAPI, desk: DeskProcess, url: str) -> Outcome:
    rng = random.Random(plan.seed)
    customers = [
        Customer(3000 + i, f"顾客{i}的水壶第{i}次漏水，订单号 SO-{9000 + i}", CATEGORIES[i % 5])
        for i in range(plan.customers)
    ]
    started = time.monotonic()
    filings = [
        asyncio.create_task(_arrive(c, api, rng.uniform(0, plan.arrivals), plan.seed))
        for c in customers
    ]
    try:
        await desk.start()
        for _ in range(plan.kills):
            await _live(desk, api, rng, plan.max_life)
            await desk.kill()
            await desk.start()
        await _serving(desk, api)  # the last life runs, whatever the others left
        await _settle(api, desk, filings, plan.stall)
        drained_through = await _drained(api, url, plan.stall)
        exit_code = await desk.stop()
    finally:
        for filing in filings:
            filing.cancel()
        if desk.alive:
            await desk.kill()
    elapsed = time.monotonic() - started
    proof = prove(api, customers, await read_database(url), plan.kills, drained_through)
    return Outcome(plan, api, customers, proof, plan.kills, exit_code, elapsed)


async def _arrive(customer: Customer, api: CrashBotAPI, after: float, seed: int) -> None:
    await asyncio.sleep(after)
    await customer.file(api, random.Random(seed * 100_000 + customer.user_id))
    if customer.number is not None:
        await take(api, customer, GROUPS[TAKERS[customer.category][0]])


async def _live(desk: DeskProcess, api: CrashBotAPI, rng: random.Random, max_life: float) -> None:
    """Let this life run until its kill: a while after its first poll, or in start-up."""
    if rng.random() < STARTUP_KILLS:
        await asyncio.sleep(rng.uniform(0, 1.5))
        return
    await _serving(desk, api)
    await asyncio.sleep(rng.uniform(0, max_life))


async def _serving(desk: DeskProcess, api: CrashBotAPI) -> None:
    """Until the life just started asks for updates."""
    polls = api.polls
    if not await api.wait(lambda: api.polls > polls or not desk.alive, within=120):
        msg = f"the desk never polled; see {desk.log}"
        raise RuntimeError(msg)
    if not desk.alive:
        msg = f"the desk exited by itself; see {desk.log}"
        raise RuntimeError(msg)


async def _settle(
    api: CrashBotAPI, desk: DeskProcess, filings: list[asyncio.Task[None]], stall: float
) -> None:
    """Until every customer has their receipt, or nothing has moved for `stall` seconds."""
    progress, since = -1, time.monotonic()
    while not all(f.done() for f in filings) and time.monotonic() - since < stall:
        if not desk.alive:
            msg = f"the desk exited by itself; see {desk.log}"
            raise RuntimeError(msg)
        now = len(api.fed) + len(api.received)
        if now != progress:
            progress, since = now, time.monotonic()
        await asyncio.sleep(0.5)


async def _drained(api: CrashBotAPI, url: str, stall: float) -> int:
    """Until the fake holds nothing unacknowledged and no outbox row waits (or a stall);
    returns the last outbox id then (the sweeps may queue more, e.g. the daily digest)."""
    db = open_database(url)
    deadline = time.monotonic() + stall
    try:
        while True:
            async with db.sessions() as session:
                waiting = await session.scalar(
                    select(func.count()).where(OutboxMessage.status == "pending")
                )
                last = await session.scalar(select(func.max(OutboxMessage.id)))
            if (not waiting and not api.unacknowledged) or time.monotonic() > deadline:
                return last or 0
            await asyncio.sleep(0.5)
    finally:
        await db.dispose()
