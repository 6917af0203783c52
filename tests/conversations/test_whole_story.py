"""From filing to closed, and the reopen path, entirely through chat (both backends)."""

from __future__ import annotations

from sqlalchemy import select

from conversations.base.values import CaseStatus
from storage.models import Case, CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, actions
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World, enrol


async def event_kinds(world: World) -> list[str]:
    async def query(uow: UnitOfWork) -> list[str]:
        return list(await uow.session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id)))

    return await world.read(query)


async def people(world: World) -> tuple[Chat, Chat, Chat, Chat, RecordingSender]:
    shared = RecordingSender()
    customer = Chat(world, "u1", name="王芳", sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    service = Chat(world, await enrol(world, "韩梅梅", "service"), sender=shared)
    manager = Chat(world, await enrol(world, "张总", "management", "manager"), sender=shared)
    return customer, handler, service, manager, shared


async def file_kettle(customer: Chat, text: str = "我买的电水壶漏水，想换一个") -> None:
    await customer.send(text)
    await customer.press("category:product_quality")
    await customer.press("skip:details")
    await customer.press("wanted:replacement")
    await customer.press("confirm:submit")


async def test_general_complaint_filed_to_closed_through_chat(world: World) -> None:
    customer, handler, service, _, shared = await people(world)
    await file_kettle(customer)
    case = await world.only(Case)
    card = [m for m in shared.sent if m.chat_id == "product"]
    assert len(card) == 1 and f"take:{case.number}" in actions(card)

    taken = await handler.press(f"take:{case.number}")
    assert "已完成" in taken[0].text
    edited = [m for m in shared.sent if m.chat_id == "product"][-1]
    assert edited.edit_of is not None and "李雷" in edited.text
    await handler.send(f"/valid {case.number} 密封圈批次缺陷 | 来料不良")
    await handler.send(f"/propose {case.number}")
    await handler.send("今天为您更换新水壶")
    offer = customer.said()[-1]
    assert "今天为您更换新水壶" in offer
    await customer.press(f"accept:{case.number}")
    await handler.send(f"/resolve {case.number} 已上门更换")
    await service.send(f"/review {case.number}")
    survey = [m for m in shared.sent if m.chat_id == "u1"][-1]
    assert f"solved:{case.number}:yes" in actions([survey])
    await customer.press(f"solved:{case.number}:yes")
    await customer.press("score:5")
    closing = await customer.press("skip:comment")
    assert case.number in closing[0].text

    final = await world.only(Case)
    assert (final.status, final.solved) == (CaseStatus.CLOSED, True)
    assert await event_kinds(world) == [
        "filed",
        "routed",
        "taken",
        "findings",
        "solution_proposed",
        "solution_offered",
        "solution_accepted",
        "resolved",
        "survey_sent",
        "survey_answered",
        "closed",
    ]


async def test_important_case_waits_for_the_manager_then_reopens_when_unsolved(
    world: World,
) -> None:
    customer, handler, service, manager, shared = await people(world)
    await file_kettle(customer)
    case = await world.only(Case)
    await manager.send(f"/regrade {case.number} important 顾客有实际损失")
    await handler.press(f"take:{case.number}")
    await handler.send(f"/valid {case.number} 确认质量问题 | 来料不良")
    await handler.send(f"/propose {case.number} 全额退款并赔偿50元")
    approval = [m for m in shared.sent if m.chat_id == "management"][-1]
    assert f"approve:{case.number}" in actions([approval])
    assert "全额退款" not in "".join(customer.said())  # not before approval
    await manager.press(f"approve:{case.number}")
    assert "全额退款" in customer.said()[-1]
    await customer.press(f"accept:{case.number}")
    await handler.send(f"/resolve {case.number} 已退款")
    await service.send(f"/review {case.number}")
    await customer.press(f"solved:{case.number}:no")
    await customer.press("score:2")
    reply = await customer.send("钱还没到账")
    assert "重新开启" in reply[0].text
    reopened = await world.only(Case)
    assert (reopened.status, reopened.reopen_count) == (CaseStatus.INVESTIGATING, 1)


async def test_customer_refuses_and_gives_a_reason(world: World) -> None:
    customer, handler, _, _, _ = await people(world)
    await file_kettle(customer)
    case = await world.only(Case)
    await handler.press(f"take:{case.number}")
    await handler.send(f"/valid {case.number} 确认 | 来料不良")
    await handler.send(f"/propose {case.number} 送您一张优惠券")
    await customer.press(f"refuse:{case.number}")
    await customer.send("我要退款")
    assert "我要退款" in "".join(handler.sender.texts_to("product"))
    assert (await world.only(Case)).status is CaseStatus.INVESTIGATING
