"""Deadlines are set per grade and step, met by the right action, paused while waiting."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from conversations.base.values import CaseKind
from handlers import customer, investigate
from handlers.take import take
from storage.deadlines import DeadlineRepository
from storage.models import Case, Deadline
from storage.uow import UnitOfWork
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


async def by_step(world: World, case: Case) -> dict[str, Deadline]:
    async def query(uow: UnitOfWork) -> dict[str, Deadline]:
        rows = await DeadlineRepository(uow.session).all_for_case(case.id)
        return {row.step: row for row in rows}

    return await world.read(query)


async def test_general_complaint_gets_acknowledge_and_propose_in_working_time(
    world: World,
) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)  # Tuesday 2026-11-24 10:00 in Shanghai
    steps = await by_step(world, case)
    assert steps["acknowledge"].due_at == local("2026-11-24 14:00")
    assert steps["propose"].due_at == local("2026-11-27 10:00")
    assert steps["acknowledge"].working is True


async def test_inquiry_is_answered_within_24_calendar_hours(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, kind=CaseKind.INQUIRY, description="Opening hours?")
    steps = await by_step(world, case)
    assert steps["answer"].due_at == local("2026-11-25 10:00")
    assert "propose" not in steps


async def test_major_case_is_acknowledged_within_30_minutes_around_the_clock(
    world: World,
) -> None:
    world.clock.set(datetime(2026, 11, 28, 14, 0, tzinfo=UTC))  # Saturday 22:00 local
    buyers = [await world.customer(f"c{i}", f"1370000000{i}") for i in range(10)]
    cases = [await world.file(b, order_ref="lift 2") for b in buyers]
    last = cases[-1]
    assert last.severity == "major"
    # The tenth filing is graded major before its clocks start.
    assert (await by_step(world, last))["acknowledge"].due_at == local("2026-11-28 22:30")


async def test_take_meets_the_acknowledge_deadline(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    world.clock.advance(hours=1)
    await world.act(take, handler, case.number)
    steps = await by_step(world, case)
    assert steps["acknowledge"].met_at == world.clock.now()
    assert steps["propose"].met_at is None


async def test_waiting_on_the_customer_pauses_and_their_reply_resumes(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    world.clock.set(local("2026-11-24 11:00"))
    await world.act(investigate.ask_customer, handler, case.number, "Photo of the label?")
    paused = (await by_step(world, case))["propose"]
    assert paused.paused_at == local("2026-11-24 11:00")
    world.clock.set(local("2026-11-25 11:00"))  # nine working hours later
    await world.act(customer.add_info, buyer, case.number, "Label photo attached")
    resumed = (await by_step(world, case))["propose"]
    assert resumed.paused_at is None
    assert resumed.due_at == local("2026-11-30 10:00")  # Fri 10:00 pushed by 9 working hours
