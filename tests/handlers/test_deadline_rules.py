"""Deadlines per grade, category, kind and step; regrades move the open ones (issue 14)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from conversations.base.values import CaseKind, Role
from handlers.manage import regrade
from storage.deadlines import DeadlineRepository
from storage.models import Case, Deadline
from storage.uow import UnitOfWork
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


async def steps(world: World, case: Case) -> dict[str, Deadline]:
    async def query(uow: UnitOfWork) -> dict[str, Deadline]:
        rows = await DeadlineRepository(uow.session).all_for_case(case.id)
        return {row.step: row for row in rows if row.escalation_level == 0}

    return await world.read(query)


async def test_price_is_resolved_in_three_working_days_and_quality_in_a_week(
    world: World,
) -> None:
    buyer = await world.customer()  # filed Tuesday 2026-11-24 10:00 in Shanghai
    quality = await steps(world, await world.file(buyer, category="product_quality"))
    price = await steps(world, await world.file(buyer, category="billing", order_ref="B-1"))
    assert price["resolve"].due_at == local("2026-11-27 10:00")
    assert quality["resolve"].due_at == local("2026-12-01 10:00")
    assert quality["investigate"].due_at == local("2026-11-25 10:00")


async def test_a_cross_department_general_case_gets_five_working_days_to_propose(
    world: World,
) -> None:
    buyer = await world.customer()
    single = await steps(world, await world.file(buyer, category="product_quality"))
    cross = await steps(world, await world.file(buyer, category="billing", order_ref="B-2"))
    assert single["propose"].due_at == local("2026-11-27 10:00")  # the grade's 3 days
    assert cross["propose"].due_at == local("2026-12-01 10:00")  # billing has supporting


async def test_a_suggestion_gets_its_own_reply_date_and_no_resolve_clock_elsewhere(
    world: World,
) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, kind=CaseKind.SUGGESTION, category="facilities")
    found = await steps(world, case)
    assert found["propose"].due_at == local("2026-12-01 10:00")
    assert "resolve" not in found  # no rule gives facilities a resolve deadline


async def test_regrade_to_major_moves_open_deadlines_from_the_case_own_times(
    world: World,
) -> None:
    buyer = await world.customer()
    await world.staff("李雷", "product")
    manager = await world.staff("张总", "management", Role.MANAGER)
    case = await world.file(buyer)  # Tuesday 10:00: propose due Friday 10:00
    world.clock.set(local("2026-11-24 15:00"))
    await world.act(regrade, manager, case.number, "major", "smoke from the charger")
    found = await steps(world, case)
    assert found["propose"].due_at == local("2026-11-25 10:00")  # 1 working day from filing
    assert found["acknowledge"].due_at == local("2026-11-24 10:30")  # 30 minutes, already past
    texts = await world.queued_texts("product")
    told = [t for t in texts if case.number in t and "一般" in t and "重大" in t]
    assert len(told) == 1 and "2026-11-25 10:00" in told[0]
    assert [t for t in await world.queued_texts("management") if "重大" in t and "一般" in t]


async def test_regrade_keeps_the_time_spent_waiting_on_the_customer(world: World) -> None:
    from handlers import customer, investigate
    from handlers.take import take

    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    manager = await world.staff("张总", "management", Role.MANAGER)
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    world.clock.set(local("2026-11-24 11:00"))
    await world.act(investigate.ask_customer, handler, case.number, "Photo of the label?")
    world.clock.set(local("2026-11-24 14:00"))  # three working hours of waiting
    await world.act(customer.add_info, buyer, case.number, "Here it is")
    await world.act(regrade, manager, case.number, "important", "several parts broken")
    # important: propose in 2 working days from filing, plus the 3 hours waited.
    assert (await steps(world, case))["propose"].due_at == local("2026-11-26 13:00")


async def test_a_collective_raise_moves_the_earlier_cases_deadlines(world: World) -> None:
    buyers = [await world.customer(f"c{i}", f"1370000000{i}") for i in range(3)]
    first = await world.file(buyers[0], order_ref="lift 2")
    assert (await steps(world, first))["propose"].due_at == local("2026-11-27 10:00")
    for buyer in buyers[1:]:
        await world.file(buyer, order_ref="lift 2")  # the third makes it important
    assert (await steps(world, first))["propose"].due_at == local("2026-11-26 10:00")
