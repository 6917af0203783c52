"""The SLA watcher fires due deadlines in batches (issue 18), on SQLite and PostgreSQL:
one transaction per batch, a savepoint per deadline, the outbox woken after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection

from handlers.overdue import FireDeadline
from notifications.watcher import Watcher
from storage.engine import Database
from storage.models import CaseEvent, Deadline
from storage.uow import UnitOfWork
from tests.fakes.world import World


class BreaksOnCase:
    """The real handler (a batch handler too), which then fails on one case."""

    def __init__(self, world: World, case_id: int) -> None:
        self.real, self.case_id = FireDeadline(world.desk), case_id

    async def prepare(self, uow: UnitOfWork, due: object) -> None:
        await self.real.prepare(uow, due)  # type: ignore[arg-type]

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None:
        await self.real(uow, deadline)
        if deadline.case_id == self.case_id:
            raise LookupError("a bug in the handler")


@contextmanager
def counted_commits(db: Database) -> Iterator[list[int]]:
    """How many transactions the engine commits meanwhile."""
    commits: list[int] = []

    def on_commit(connection: Connection) -> None:
        commits.append(1)

    event.listen(db.engine.sync_engine, "commit", on_commit)
    try:
        yield commits
    finally:
        event.remove(db.engine.sync_engine, "commit", on_commit)


async def overdue_case_ids(world: World) -> list[int]:
    async def query(uow: UnitOfWork) -> list[int]:
        rows = await uow.session.scalars(
            select(CaseEvent.case_id).where(CaseEvent.kind == "overdue").order_by(CaseEvent.id)
        )
        return list(rows)

    return await world.read(query)


async def test_one_failing_deadline_in_a_batch_is_marked_failed_and_the_others_commit_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    buyer = await world.customer()
    cases = [await world.file(buyer, order_ref=f"O-{index}") for index in range(5)]
    bad = cases[2]
    world.clock.advance(hours=5)  # every case's acknowledge step is overdue
    woken: list[int] = []
    sla = Watcher(world.db, world.clock, BreaksOnCase(world, bad.id), lambda: woken.append(1))
    with caplog.at_level(logging.ERROR), counted_commits(world.db) as commits:
        assert await sla.tick() == 5
    assert len(commits) == 1  # one batch, one transaction
    assert woken == [1]  # the outbox is woken once, after the commit
    good = [case for case in cases if case is not bad]
    assert sorted(await overdue_case_ids(world)) == sorted(case.id for case in good)
    alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    told = sorted(case.number for case in cases for alert in alerts if case.number in alert)
    assert told == sorted(case.number for case in good)  # each once; the failed one's undone
    deadlines = [d for d in await world.all(Deadline) if d.fired_at is not None]
    failed = [(d.case_id, d.error) for d in deadlines if d.failed_at is not None]
    assert failed == [(bad.id, "LookupError")]
    assert len(deadlines) == 5 and all(d.fired_at == world.clock.now() for d in deadlines)
    assert caplog.text.count("deadline_failed") == 1 and bad.number in caplog.text
    assert await sla.tick() == 0  # none fires twice, the failed one included


async def test_due_deadlines_beyond_a_batch_fire_in_further_batches(world: World) -> None:
    buyer = await world.customer()
    for index in range(5):
        await world.file(buyer, order_ref=f"O-{index}")
    world.clock.advance(hours=5)
    woken: list[int] = []
    sla = Watcher(
        world.db, world.clock, FireDeadline(world.desk), lambda: woken.append(1), batch_size=2
    )
    with counted_commits(world.db) as commits:
        assert await sla.tick() == 5
    assert len(commits) == 3 and woken == [1, 1, 1]  # 2 + 2 + 1
    assert len(await overdue_case_ids(world)) == 5
