"""The SLA watcher's idle tick is a read (issue 18): with nothing due it opens no write
transaction (on SQLite no BEGIN IMMEDIATE, which queues behind inbound updates), locks
no row and commits nothing; a due deadline still fires, committed once, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from handlers.overdue import FireDeadline
from notifications.watcher import Watcher
from storage.engine import Database
from storage.uow import unit_of_work
from tests.fakes.world import World

WRITES = re.compile(r"^\s*(BEGIN IMMEDIATE|INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.I)


@dataclass
class Seen:
    statements: list[str] = field(default_factory=list)
    commits: int = 0

    def writes(self) -> list[str]:
        return [s for s in self.statements if WRITES.search(s)]


@contextmanager
def watched(db: Database) -> Iterator[Seen]:
    """The statements the engine sends and the transactions it commits meanwhile."""
    seen = Seen()

    def on_statement(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)

    def on_commit(_conn: Connection) -> None:
        seen.commits += 1

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)


def watcher(world: World, woken: list[int]) -> Watcher:
    return Watcher(world.db, world.clock, FireDeadline(world.desk), lambda: woken.append(1))


async def test_a_tick_with_nothing_due_reads_and_writes_nothing(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer)  # its acknowledge step is due in hours, not now
    woken: list[int] = []
    sla = watcher(world, woken)
    with watched(world.db) as seen:
        assert await sla.tick() == 0
    assert seen.statements  # it did ask
    assert seen.writes() == [] and seen.commits == 0
    assert woken == []


async def test_a_due_deadline_still_fires_in_one_write_transaction(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    world.clock.advance(hours=5)  # the acknowledge step is overdue
    woken: list[int] = []
    sla = watcher(world, woken)
    with watched(world.db) as seen:
        assert await sla.tick() == 1
    assert seen.commits == 1 and woken == [1]
    assert any(re.search(r"\bFOR UPDATE\b", s) for s in seen.statements) or (
        world.db.dialect == "sqlite"  # SQLite has no row locks: BEGIN IMMEDIATE instead
        and "BEGIN IMMEDIATE" in seen.statements
    )
    alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    assert len(alerts) == 1 and case.number in alerts[0]
    with watched(world.db) as seen:
        assert await sla.tick() == 0  # fired once; the next tick is idle again
    assert seen.writes() == [] and seen.commits == 0


async def test_an_idle_tick_does_not_wait_behind_a_write_in_progress(world: World) -> None:
    """On SQLite a write transaction queues for the writer; the idle tick no longer does."""
    buyer = await world.customer()
    await world.file(buyer)
    sla = watcher(world, [])
    async with unit_of_work(world.db):  # an inbound update holding the writer
        assert await asyncio.wait_for(sla.tick(), timeout=5) == 0
