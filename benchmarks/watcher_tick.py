"""The SLA watcher's cost with 1,000,000 pending deadlines: none due, and 1,000 due.

    .venv/bin/python benchmarks/watcher_tick.py [--pending 1000000] [--backend sqlite|postgresql]

Generates cases with their deadlines (all in the future), then times: the watcher's
"when is the next one?" question and a tick with nothing due (both read the partial
index, never the pending rows), and a tick that fires 1,000 due deadlines in batches
(issue 18) with a handler that only stamps them (the watcher's own cost), beside a
reference measured in the same run: another 1,000 fired one transaction each (batches of
one, as the watcher did before). Prints the figures and the targets; asserts nothing.
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

from sqlalchemy import insert, text

from benchmarks.backends import fresh_database
from conversations.base.values import CaseKind, CaseStatus
from notifications.watcher import BATCH_SIZE, Watcher
from storage.engine import Database
from storage.models import Case, Customer, Deadline
from storage.uow import UnitOfWork, unit_of_work

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
PER_CASE = 4
BATCH = 20_000
TARGET_DUE_S = 0.2  # issue 18: 1,000 due at once
TARGET_IDLE_MAX_MS = 1.0  # issue 18: idle tick, worst case


class Clock:
    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


async def stamp_only(uow: UnitOfWork, deadline: Deadline) -> None:
    """The watcher has already stamped `fired_at`; a real handler would alert here."""


async def generate(db: Database, pending: int) -> None:
    cases = pending // PER_CASE
    async with unit_of_work(db) as uow:
        await uow.session.execute(insert(Customer), [{"name": "c", "created_at": NOW}])
    for offset in range(0, cases, BATCH):
        count = min(BATCH, cases - offset)
        async with unit_of_work(db) as uow:
            rows = [
                {
                    "number": f"TS202611-{offset + i:07d}",
                    "kind": CaseKind.COMPLAINT,
                    "category": "other",
                    "severity": "general",
                    "status": CaseStatus.ASSIGNED,
                    "department": "service",
                    "customer_id": 1,
                    "description": "x",
                    "channel": "console",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "urgency": "normal",
                    "waiting_on_customer": False,
                    "is_repeat": False,
                    "reopen_count": 0,
                    "version": 1,
                }
                for i in range(count)
            ]
            ids = (await uow.session.scalars(insert(Case).returning(Case.id), rows)).all()
            await uow.session.execute(
                insert(Deadline),
                [
                    {
                        "case_id": case_id,
                        "step": "propose",
                        "working": True,
                        "set_at": NOW,
                        "escalation_level": 0,
                        "due_at": NOW
                        + timedelta(minutes=1 + (offset + n * PER_CASE + k) % 100_000),
                    }
                    for n, case_id in enumerate(ids)
                    for k in range(PER_CASE)
                ],
            )
        print(f"  {min(offset + count, cases) * PER_CASE:>9} deadlines", flush=True)


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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    async with fresh_database(args.backend) as db:
        began = time.perf_counter()
        await generate(db, args.pending)
        print(
            f"backend={args.backend} pending={args.pending} "
            f"generate_s={time.perf_counter() - began:.0f}"
        )
        watcher = Watcher(db, Clock(NOW - timedelta(seconds=1)), stamp_only)
        next_ms = await timed(watcher.seconds_to_next, 50)
        idle_ms = await timed(watcher.tick, 50)
        print(f"next_due_query_ms p50={statistics.median(next_ms):.2f} max={max(next_ms):.2f}")
        print(f"tick_none_due_ms p50={statistics.median(idle_ms):.2f} max={max(idle_ms):.2f}")
        print(f"  targets: tick_none_due max <= {TARGET_IDLE_MAX_MS} ms")
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
