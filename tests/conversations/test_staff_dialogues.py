"""Staff in chat: every action refused for the wrong role or department, case views
recorded, open work sorted by due time, send-back with a reason (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol

ALL_COMMANDS = [
    "take",
    "case",
    "note {n} x",
    "valid {n} x",
    "invalid {n} x",
    "ask {n} x",
    "propose {n} x",
    "approve",
    "sendback {n} x",
    "implement",
    "resolve {n} x",
    "review",
    "reject {n} x",
    "close",
    "reassign {n} logistics x",
    "regrade {n} major x",
]


async def events(world: World) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        return list(await uow.session.scalars(select(CaseEvent).order_by(CaseEvent.id)))

    return await world.read(query)


@pytest.mark.parametrize("command", ALL_COMMANDS)
async def test_every_staff_command_is_refused_to_another_department(
    world: World, command: str
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    outsider = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=customer.sender)
    name, _, rest = command.partition(" ")
    line = f"/{name} {rest.format(n=number)}" if rest else f"/{name} {number}"
    before = len(await events(world))
    replies = await outsider.send(line)
    assert not replies[0].text.startswith("已完成")  # a refusal, never "Done"
    assert len(await events(world)) == before


async def test_opening_a_case_shows_full_details_and_is_recorded(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    await customer.send("/start")
    number = await file_complaint(world, customer, "电视机屏幕有坏点，电话13812345678")
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    shown = await handler.send(f"/case {number}")
    assert "13812345678" in shown[0].text and "王芳" in shown[0].text
    group_card = customer.sender.texts_to("product")[0]
    assert "138****5678" in group_card and "13812345678" not in group_card
    viewed = [e for e in await events(world) if e.kind == "viewed"]
    assert len(viewed) == 1 and viewed[0].customer_visible is False


async def test_my_open_cases_are_sorted_by_due_time(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    first = await file_complaint(world, customer, "第一个问题")
    lead = Chat(world, await enrol(world, "王主管", "product", "lead"), sender=customer.sender)
    await lead.press(f"take:{first}")  # acknowledged: next due is the proposal, days away
    world.clock.advance(minutes=5)
    second = await file_complaint(world, customer, "第二个问题")  # untaken: due within hours
    listing = (await lead.send("/mine"))[0].text
    assert listing.index(second) < listing.index(first)
    assert (await lead.send("/cases"))[0].text == listing  # the menu's word for it


async def test_manager_sends_back_with_a_reason_through_the_button(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    manager = Chat(
        world, await enrol(world, "张总", "management", "manager"), sender=customer.sender
    )
    await manager.send(f"/regrade {number} important 实际损失")
    await handler.press(f"take:{number}")
    await handler.send(f"/valid {number} 属实 | 来料不良")
    await handler.send(f"/propose {number} 送优惠券")
    asked = await manager.press(f"send_back:{number}")
    assert "原因" in asked[0].text
    await manager.send("补偿力度不够")
    back = [e for e in await events(world) if e.kind == "sent_back"]
    assert back and back[0].data["reason"] == "补偿力度不够"
    assert any("补偿力度不够" in text for text in customer.sender.texts_to("product"))


async def test_added_information_reaches_the_handler_privately(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await handler.press(f"take:{number}")
    await customer.press(f"add:{number}")
    await customer.send("补充：型号是 TV-55X")
    assert any("TV-55X" in text for text in handler.said())


async def test_language_can_be_switched(world: World) -> None:
    chat = Chat(world, "u1")
    choices = await chat.send("/language")
    assert len(choices[0].choices) == 3
    switched = await chat.press("lang:en")
    assert "English" in switched[0].text
    menu = await chat.send("hello")
    assert "File a complaint" in str(menu[0].choices)
    await chat.press("lang:zh_Hant")
    assert "投訴" in str((await chat.send("hi"))[0].choices)


async def test_staff_choose_their_language_and_role_refusals_are_worded_in_it(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    refused = await handler.send(f"/reassign {number} logistics 不属于本部门")
    assert "部门主管或经理" in refused[0].text
    menu = await handler.send("/language")
    assert len(menu[0].choices) == 3
    await handler.press("lang:en")
    refused = await handler.send(f"/reassign {number} logistics not ours")
    assert "department lead or manager" in refused[0].text


async def test_staff_find_the_cases_they_may_open_by_phone_order_or_name(world: World) -> None:
    wang = await world.file(await world.customer("王芳", "13812345678"), order_ref="JD20261234")
    zhao = await world.customer("赵六", "13900001111")
    other_department = await world.file(zhao, category="delivery", order_ref="SF-77")
    sun = await world.customer("孙七", "13712349999")
    secret = await world.file(sun, confidential=True, order_ref="ORD-9")
    staff = Chat(world, await enrol(world, "李雷", "product"))
    manager = Chat(world, await enrol(world, "张总", "management", "manager"))

    for query in ("5678", "JD2026", "王芳", wang.number[-6:]):
        found = (await staff.send(f"/find {query}"))[0]
        assert wang.number in found.text and "138****5678" in found.text, query
        assert f"details:{wang.number}" in [option["action"] for option in found.choices]
    nothing = (await staff.send("/find 13900001111"))[0].text
    assert other_department.number not in nothing and "没有" in nothing
    # A confidential filer is never found by who they are, only by the case itself.
    assert secret.number not in (await staff.send("/find 孙七"))[0].text
    assert secret.number not in (await staff.send("/find 9999"))[0].text
    by_number = (await staff.send(f"/find {secret.number}"))[0].text
    assert secret.number in by_number and "9999" not in by_number
    assert "137****9999" in (await manager.send("/find 9999"))[0].text
    assert other_department.number in (await manager.send("/find SF-77"))[0].text
    # Wildcards are text, not patterns; too little to look for is asked again.
    assert wang.number not in (await staff.send("/find 1%"))[0].text
    assert "/find 5678" in (await staff.send("/find 5"))[0].text
    assert "/find 5678" in (await staff.send("/find " + "王" * 101))[0].text
