"""Time spent waiting on the customer does not count toward the 7/30-day raise (issue 14)."""

from __future__ import annotations

from handlers import customer, investigate
from handlers.grading import raise_long_open
from handlers.take import take
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.world import World


async def grade_after_sweep(world: World, case: Case) -> str:
    await world.act(raise_long_open)

    async def query(uow: UnitOfWork) -> str:
        found = await uow.session.get(Case, case.id)
        assert found is not None
        return found.severity

    return await world.read(query)


async def test_three_days_waiting_delay_the_seven_day_raise_by_three_days(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    world.clock.advance(days=1)
    await world.act(investigate.ask_customer, handler, case.number, "Photo of the label?")
    world.clock.advance(days=3)
    await world.act(customer.add_info, buyer, case.number, "Here it is")
    world.clock.advance(days=3, hours=1)  # 7 days and an hour after filing
    assert await grade_after_sweep(world, case) == "general"
    world.clock.advance(days=3)  # 7 days and an hour not counting the wait
    assert await grade_after_sweep(world, case) == "important"


async def test_a_case_still_waiting_is_not_raised(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(investigate.ask_customer, handler, case.number, "Which shop?")
    world.clock.advance(days=8)
    assert await grade_after_sweep(world, case) == "general"
