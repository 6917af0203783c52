"""/link N M: one subject for collective counting and repeat complaints (issue 14)."""

from __future__ import annotations

import pytest

from conversations.base.values import Role
from handlers.link import link
from handlers.refusals import Refusal
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.world import World


async def reread(world: World, case: Case) -> Case:
    async def query(uow: UnitOfWork) -> Case:
        found = await uow.session.get(Case, case.id)
        assert found is not None
        return found

    return await world.read(query)


async def test_linked_cases_of_three_customers_count_as_collective(world: World) -> None:
    manager = await world.staff("张总", "management", Role.MANAGER)
    buyers = [await world.customer(f"c{i}", f"1370000000{i}") for i in range(3)]
    cases = [await world.file(b, order_ref=f"O-{n}") for n, b in enumerate(buyers)]
    await world.act(link, manager, cases[0].number, cases[1].number)
    assert (await reread(world, cases[0])).severity == "general"  # two customers so far
    await world.act(link, manager, cases[0].number, cases[2].number)
    assert {(await reread(world, c)).severity for c in cases} == {"important"}
    assert len({(await reread(world, c)).subject_key for c in cases}) == 1


async def test_the_same_customer_again_on_one_subject_rises_one_grade(world: World) -> None:
    manager = await world.staff("张总", "management", Role.MANAGER)
    buyer = await world.customer()
    first = await world.file(buyer, order_ref="O-1")
    world.clock.advance(hours=1)
    later = await world.file(buyer, order_ref="O-2", description="The lid broke as well.")
    await world.act(link, manager, first.number, later.number)
    again = await reread(world, later)
    assert again.is_repeat and again.severity == "important"
    assert (await reread(world, first)).severity == "general"
    texts = await world.queued_texts("product")
    assert [t for t in texts if later.number in t and "重要" in t]


async def test_a_case_cannot_be_linked_to_itself(world: World) -> None:
    manager = await world.staff("张总", "management", Role.MANAGER)
    case = await world.file(await world.customer())
    with pytest.raises(Refusal):
        await world.act(link, manager, case.number, case.number.lower())
