"""Staff names as shown in lists and reports (both backends)."""

from __future__ import annotations

from storage.people import staff_names
from storage.uow import UnitOfWork
from tests.fakes.world import World


async def test_two_staff_of_one_name_are_told_apart(world: World) -> None:
    first = await world.staff("李雷", "product")
    second = await world.staff("李雷", "logistics")
    other = await world.staff("韩梅梅", "service")
    ids = [first.id or 0, second.id or 0, other.id or 0]

    async def names(uow: UnitOfWork) -> dict[int, str]:
        return await staff_names(uow.session, ids)

    shown = await world.read(names)
    assert shown == {ids[0]: f"李雷 #{ids[0]}", ids[1]: f"李雷 #{ids[1]}", ids[2]: "韩梅梅"}

    async def alone(uow: UnitOfWork) -> dict[int, str]:
        return await staff_names(uow.session, ids[:1])

    assert await world.read(alone) == {ids[0]: "李雷"}  # no one to confuse them with
