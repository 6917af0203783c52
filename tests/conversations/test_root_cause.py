"""/valid records the root cause, asking for it next when missing (issue 14, seed 000 §6);
both backends."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol


async def findings(world: World) -> list[dict[str, str]]:
    async def query(uow: UnitOfWork) -> list[dict[str, str]]:
        rows = await uow.session.scalars(select(CaseEvent).where(CaseEvent.kind == "findings"))
        return [dict(row.data) for row in rows]

    return await world.read(query)


async def test_valid_without_a_root_cause_asks_for_it_then_records_both(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await handler.press(f"take:{number}")
    asked = await handler.send(f"/valid {number} 壶底焊点开裂")
    assert "根本原因" in asked[0].text
    assert await findings(world) == []
    await handler.send("焊接温度不够")
    (recorded,) = await findings(world)
    assert (recorded["summary"], recorded["root_cause"]) == ("壶底焊点开裂", "焊接温度不够")


async def test_valid_with_its_root_cause_is_recorded_at_once(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await handler.press(f"take:{number}")
    await handler.send(f"/valid {number} 壶底焊点开裂 | 供应商来料")
    (recorded,) = await findings(world)
    assert (recorded["validity"], recorded["root_cause"]) == ("valid", "供应商来料")
