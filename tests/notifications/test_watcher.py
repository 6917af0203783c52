"""The SLA watcher with a controlled clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from conversations.intents import Findings
from handlers import investigate
from handlers.grading import raise_long_open
from handlers.overdue import FireDeadline
from handlers.take import take
from notifications.watcher import Watcher
from storage.deadlines import DeadlineRepository
from storage.models import Case, CaseEvent, Deadline
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def watcher(world: World) -> Watcher:
    return Watcher(world.db, world.clock, FireDeadline(world.desk))


async def kinds(world: World) -> list[str]:
    async def query(uow: UnitOfWork) -> list[str]:
        return list(await uow.session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id)))

    return await world.read(query)


async def test_overdue_then_escalation_in_working_time_across_a_weekend(world: World) -> None:
    world.clock.set(local("2026-11-27 13:00"))  # Friday; acknowledge due 17:00
    buyer = await world.customer()
    case = await world.file(buyer)
    sla = watcher(world)
    world.clock.set(local("2026-11-27 16:59"))
    assert await sla.tick() == 0
    world.clock.set(local("2026-11-27 17:00"))
    assert await sla.tick() == 1
    alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    assert len(alerts) == 1 and case.number in alerts[0]
    # Two working hours later: Friday 17:00-18:00, then Monday 09:00-10:00.
    world.clock.set(local("2026-11-30 09:59"))
    assert await sla.tick() == 0
    assert not [t for t in await world.queued_texts("management") if "升级" in t]
    world.clock.set(local("2026-11-30 10:00"))
    assert await sla.tick() == 1
    escalations = [t for t in await world.queued_texts("management") if "升级" in t]
    assert len(escalations) == 1 and "尚未接单" in escalations[0]
    assert (await kinds(world))[-2:] == ["overdue", "escalated"]


async def test_each_deadline_fires_once_across_restarts(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer)
    world.clock.advance(hours=5)
    assert await watcher(world).tick() == 1
    assert await watcher(world).tick() == 0  # a new watcher, as after a restart
    assert (await kinds(world)).count("overdue") == 1


async def test_two_watchers_on_one_database_alert_once(world: World, reopen: object) -> None:
    buyer = await world.customer()
    for index in range(10):
        await world.file(buyer, order_ref=f"O-{index}")
    world.clock.advance(hours=5)
    other_db = reopen()  # type: ignore[operator]
    first = watcher(world)
    second = Watcher(other_db, world.clock, FireDeadline(world.desk))
    counts = await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    assert sum(counts) == 10
    assert (await kinds(world)).count("overdue") == 10
    overdue_alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    assert len(overdue_alerts) == 10
    await other_db.dispose()


async def test_meeting_the_step_cancels_its_escalation(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    sla = watcher(world)
    world.clock.advance(hours=5)  # acknowledge overdue
    assert await sla.tick() == 1
    await world.act(take, handler, case.number)  # meets the step and its escalation
    world.clock.advance(days=1)
    await sla.tick()  # the investigate step (1 working day) may fall due meanwhile

    async def acknowledge_rungs(uow: UnitOfWork) -> list[Deadline]:
        rows = await DeadlineRepository(uow.session).all_for_case(case.id)
        return [r for r in rows if r.step == "acknowledge" and r.escalation_level > 0]

    [rung] = await world.read(acknowledge_rungs)
    assert rung.met_at is not None and rung.fired_at is None


async def test_a_case_waiting_on_the_customer_does_not_go_overdue(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(investigate.ask_customer, handler, case.number, "Which model?")
    world.clock.advance(days=10)
    assert await watcher(world).tick() == 0


async def raised(world: World) -> str:
    async with unit_of_work(world.db) as uow:
        await raise_long_open(uow, world.desk)

    async def query(uow: UnitOfWork) -> str:
        found = await uow.session.scalar(select(Case.severity))
        return str(found)

    return await world.read(query)


async def test_open_seven_days_raises_to_important_and_thirty_to_major(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    world.clock.advance(days=6, hours=23)
    assert await raised(world) == "general"
    world.clock.advance(hours=2)
    assert await raised(world) == "important"
    assert await raised(world) == "important"  # once
    announced = [t for t in await world.queued_texts("management") if case.number in t]
    assert any("7 天" in t for t in announced)
    world.clock.advance(days=24)
    assert await raised(world) == "major"
    assert (await kinds(world)).count("regraded") == 2


async def test_an_invalid_case_is_not_raised_for_being_open(world: World) -> None:
    from conversations.base.values import Validity

    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings,
        handler,
        Findings(case.number, Validity.INVALID, "misuse"),
    )
    world.clock.advance(days=40)
    assert await raised(world) == "general"


async def test_the_watcher_sleeps_until_the_earliest_deadline(world: World) -> None:
    sla = watcher(world)
    assert await sla.seconds_to_next() == 60  # nothing pending: a poll at most
    world.clock.set(local("2026-11-24 10:00"))
    buyer = await world.customer()
    await world.file(buyer)  # acknowledge due 14:00
    assert await sla.seconds_to_next() == 60  # four hours away: wake within the minute cap
    world.clock.set(local("2026-11-24 13:59:30"))
    assert await sla.seconds_to_next() == 30


class BreaksOnCase:
    """The real handler, which then fails on one case (after writing its alerts)."""

    def __init__(self, world: World, case_id: int) -> None:
        self.real, self.case_id = FireDeadline(world.desk), case_id

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None:
        await self.real(uow, deadline)
        if deadline.case_id == self.case_id:
            raise LookupError("a bug in the handler")


async def test_a_failing_deadline_is_marked_failed_undone_and_the_next_one_fires(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    buyer = await world.customer()
    bad = await world.file(buyer, order_ref="O-bad")
    good = await world.file(buyer, order_ref="O-good")
    world.clock.advance(hours=5)
    sla = Watcher(world.db, world.clock, BreaksOnCase(world, bad.id))
    with caplog.at_level(logging.ERROR):
        assert await sla.tick() == 2
    alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    assert len(alerts) == 1 and good.number in alerts[0]  # the failed one's alert undone
    assert (await kinds(world)).count("overdue") == 1
    failed = [d for d in await world.all(Deadline) if d.failed_at is not None]
    assert [(d.case_id, d.error, d.fired_at) for d in failed] == [
        (bad.id, "LookupError", world.clock.now())
    ]
    assert caplog.text.count("deadline_failed") == 1 and bad.number in caplog.text
    assert await sla.tick() == 0  # the failed one is not fired again

    async def earliest(uow: UnitOfWork) -> datetime | None:
        return await DeadlineRepository(uow.session).earliest_unmet_due()

    next_due = await world.read(earliest)
    assert next_due is not None and next_due > failed[0].due_at  # nor wakes the watcher


class ConflictsOnce:
    """The real handler, after another transaction changed the case first (once)."""

    def __init__(self, world: World) -> None:
        self.real, self.conflicts = FireDeadline(world.desk), 1

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None:
        await self.real(uow, deadline)
        if self.conflicts:
            self.conflicts -= 1
            raise StaleDataError("cases: expected to update 1 row, 0 were matched")


async def test_a_deadline_that_meets_a_conflict_is_fired_again_not_marked_failed(
    world: World,
) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, order_ref="O-1")
    world.clock.advance(hours=5)
    sla = Watcher(world.db, world.clock, ConflictsOnce(world))
    assert await sla.tick() == 0  # rolled back whole
    assert not [d for d in await world.all(Deadline) if d.fired_at or d.failed_at]
    assert await sla.seconds_to_next() < 1  # soon again, not at the next due time
    assert await sla.tick() == 1
    alerts = [t for t in await world.queued_texts("product") if "逾期" in t]
    assert len(alerts) == 1 and case.number in alerts[0]
    assert not [d for d in await world.all(Deadline) if d.failed_at is not None]
