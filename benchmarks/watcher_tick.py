"""The SLA watcher's cost with 1,000,000 pending deadlines: none due, and 1,000 due.

    .venv/bin/python benchmarks/watcher_tick.py [--pending 1000000] [--backend sqlite|postgresql]
    .venv/bin/python benchmarks/watcher_tick.py --quick     (a smoke run: 4,000 pending)

Loads open cases with their deadlines, all due in the future (benchmarks/million.py: bulk,
into a scratch database), then times: the watcher's
"when is the next one?" question and a tick with nothing due (both read the partial
index, never the pending rows), and a tick that fires 1,000 due deadlines in batches
(issue 18) with a handler that only stamps them (the watcher's own cost), beside a
reference measured in the same run: another 1,000 fired one transaction each (batches of
one, as the watcher did before). The idle tick asks in a read; its reference, timed in
turn with it, is the idle tick as it was (a write transaction finding nothing), and both
are timed again while inbound updates keep a write transaction open (on SQLite a write
waits for them). Prints the figures and the targets; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import text

from benchmarks.backends import fresh_database
from benchmarks.million import load_pending
from notifications.watcher import BATCH_SIZE, Watcher
from storage.deadlines import DeadlineRepository
from storage.engine import Database
from storage.models import Deadline
from storage.uow import UnitOfWork, unit_of_work

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
TARGET_DUE_S = 0.2  # issue 18: 1,000 due at once
TARGET_IDLE_MAX_MS = 1.0  # issue 18: idle tick, worst case
INBOUND_HOLD_S = 0.005  # how long a simulated inbound update keeps its transaction open


class Clock:
    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


async def stamp_only(uow: UnitOfWork, deadline: Deadline) -> None:
    """The watcher has already stamped `fired_at`; a real handler would alert here."""


def _bind(db: Database, instant: datetime) -> object:
    """Timestamps as the UTCDateTime column stores them on each dialect."""
    return instant.replace(tzinfo=None) if db.dialect == "sqlite" else instant


async def timed(action: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        await action()  # type: ignore[operator]
        times.append((time.perf_counter() - began) * 1000)
    return times


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="4,000 pending, 100 due")
    args = parser.parse_args(argv)
    if args.quick:
        args.pending, args.due = 4_000, 100
    async with fresh_database(args.backend) as db:
        seconds = await load_pending(
            db, args.pending, NOW, say=lambda line: print(line, flush=True)
        )
        print(f"backend={args.backend} pending={args.pending} generate_s={seconds:.1f}")
        watcher = Watcher(db, Clock(NOW - timedelta(seconds=1)), stamp_only)
        await timed(watcher.tick, 5)  # warm: the statements compiled and cached once
        await timed(lambda: write_transaction_tick(db), 5)
        show("next_due_query_ms", await timed(watcher.seconds_to_next, 200))
        await idle_ticks(db, watcher, "", 200)
        print(f"  targets: tick_none_due max <= {TARGET_IDLE_MAX_MS} ms")
        stop = asyncio.Event()
        inbound = asyncio.create_task(inbound_writes(db, stop))
        try:
            await idle_ticks(db, watcher, "_while_writing", 100)
        finally:
            stop.set()
            await inbound
        for batch_size, skip in ((1, 0), (BATCH_SIZE, args.due)):
            await make_due(db, skip, args.due)
            watcher = Watcher(db, Clock(NOW), stamp_only, batch_size=batch_size)
            began = time.perf_counter()
            fired = await watcher.tick()
            elapsed = time.perf_counter() - began
            name = "batched" if batch_size > 1 else "reference_one_transaction_each"
            print(
                f"tick_{args.due}_due {name} batch={batch_size} fired={fired} "
                f"seconds={elapsed:.3f} per_deadline_ms={elapsed / max(fired, 1) * 1000:.2f}"
            )
        print(f"  target: tick_{args.due}_due batched <= {TARGET_DUE_S} s")


def show(name: str, times: list[float]) -> None:
    p99 = statistics.quantiles(times, n=100)[98]
    print(f"{name} p50={statistics.median(times):.2f} p99={p99:.2f} max={max(times):.2f}")


async def write_transaction_tick(db: Database) -> int:
    """The idle tick as it was before it asked in a read: a write transaction (on SQLite
    BEGIN IMMEDIATE, after this process's writers) that finds nothing due."""
    async with unit_of_work(db) as uow:
        due = await DeadlineRepository(uow.session).due_batch(NOW - timedelta(seconds=1), 200)
    return len(due)


async def idle_ticks(db: Database, watcher: Watcher, label: str, repeat: int) -> None:
    """The idle tick and its reference, timed in turn (so both see the same load)."""
    idle: list[float] = []
    reference: list[float] = []
    for _ in range(repeat):
        idle += await timed(watcher.tick, 1)
        reference += await timed(lambda: write_transaction_tick(db), 1)
    show(f"tick_none_due{label}_ms", idle)
    show(f"tick_none_due{label}_reference_write_transaction_ms", reference)


async def inbound_writes(db: Database, stop: asyncio.Event) -> None:
    """Write transactions back to back, each open for INBOUND_HOLD_S (an inbound turn)."""
    while not stop.is_set():
        async with unit_of_work(db) as uow:
            await uow.session.execute(text("UPDATE cases SET updated_at = updated_at WHERE id = 1"))
            await asyncio.sleep(INBOUND_HOLD_S)


async def make_due(db: Database, skip: int, due: int) -> None:
    """Make `due` deadlines due now, after the first `skip` (by id)."""
    async with unit_of_work(db) as uow:
        await uow.session.execute(
            text(
                "UPDATE deadlines SET due_at = :now WHERE id IN "
                "(SELECT id FROM deadlines ORDER BY id LIMIT :due OFFSET :skip)"
            ),
            {"now": _bind(db, NOW), "due": due, "skip": skip},
        )


if __name__ == "__main__":
    asyncio.run(main())
