"""Refusals through chat: wrong role or department, other people's cases, duplicates,
expiry, navigation, and a bug answered with an apology (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from conversations.base.values import Role
from handlers import execute as execute_module
from storage.models import Case, CaseEvent, OutboxMessage
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, actions, file_complaint
from tests.fakes.world import World, enrol


async def count(world: World, model: type) -> int:
    async def query(uow: UnitOfWork) -> int:
        return await uow.session.scalar(select(func.count()).select_from(model)) or 0

    return await world.read(query)


async def test_someone_elses_case_number_reveals_nothing(world: World) -> None:
    owner = Chat(world, "owner", name="甲")
    number = await file_complaint(world, owner)
    stranger = Chat(world, "stranger", name="乙", sender=owner.sender)
    typed = await stranger.send(number)
    pressed = await stranger.press(f"case:{number}")
    unknown = await stranger.send("TS209912-9999")
    assert typed[0].text == pressed[0].text == unknown[0].text
    assert "电视机" not in typed[0].text and "甲" not in typed[0].text
    for attempt in (f"accept:{number}", f"add:{number}"):
        await stranger.press(attempt)
    await stranger.send("let me add something")
    assert await count(world, CaseEvent) == 2  # filed and routed only


async def test_staff_actions_are_refused_for_the_wrong_role_or_department(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    logistics = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=customer.sender)
    product = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    refusals = {
        "take": await logistics.press(f"take:{number}"),
        "details": await logistics.press(f"details:{number}"),
        "approve": await product.send(f"/approve {number}"),
        "reassign": await product.send(f"/reassign {number} logistics 不归我们"),
        "regrade": await product.send(f"/regrade {number} major 严重"),
        "propose": await product.send(f"/propose {number} 换新"),
        "review": await product.send(f"/review {number}"),
    }
    reasons = {
        "take": "属于",
        "details": "属于",
        "approve": "角色",
        "reassign": "角色",
        "regrade": "角色",
        "propose": "处理人",
        "review": "属于",
    }
    for action, replies in refusals.items():
        assert reasons[action] in replies[0].text, (action, replies[0].text)
    assert await count(world, CaseEvent) == 2  # nothing changed, nothing viewed


async def test_customer_cannot_use_staff_buttons(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    replies = await customer.press(f"take:{number}")
    assert replies  # answered (as an unknown choice), and nothing taken
    assert await count(world, CaseEvent) == 2


async def test_strangers_in_a_group_chat_are_refused(world: World) -> None:
    group = Chat(world, "random-user", chat_id="product", is_group=True)
    number = await file_complaint(world, Chat(world, "u1", name="王芳", sender=group.sender))
    queued = await group.press(f"take:{number}", silent=True)
    assert queued == []  # nothing is queued for a stranger, in the group or privately
    assert "员工" in group.answered[0].text  # the refusal shown on the button
    assert await count(world, CaseEvent) == 2


async def test_a_duplicate_update_has_no_second_effect(world: World) -> None:
    chat = Chat(world, "u1", name="王芳")
    await chat.send("电视机屏幕有坏点", update_id="dup-1")
    sent = len(chat.sender.sent)
    again = await chat.send("电视机屏幕有坏点", update_id="dup-1", silent=True)
    assert again == [] and len(chat.sender.sent) == sent


async def test_an_idle_conversation_expires_politely(world: World) -> None:
    chat = Chat(world, "u1", name="王芳")
    await chat.send("电视机屏幕有坏点")
    world.clock.advance(minutes=61)
    replies = await chat.press("category:product_quality")
    assert "等待时间过长" in replies[0].text
    assert await count(world, Case) == 0


async def test_back_cancel_and_help(world: World) -> None:
    chat = Chat(world, "u1", name="Wang", language="en")
    await chat.send("I have something to report")  # nothing read from it (issue 19)
    await chat.press("category:product_quality")
    back = await chat.send("/back")
    assert actions(back)[0].startswith("category:")
    helped = await chat.send("/help")
    assert "/cases" in helped[0].text and actions(helped)[0].startswith("category:")
    cancelled = await chat.send("/cancel")
    assert "Cancelled" in cancelled[0].text
    assert await count(world, Case) == 0


async def test_unexpected_input_says_what_the_bot_can_do(world: World) -> None:
    chat = Chat(world, "u1", language="en")
    replies = await chat.press("nonsense:button")
    assert "file:complaint" in actions(replies)


async def test_a_bug_is_logged_answered_with_an_apology_and_not_retried(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.dispatch.execute", broken)
    chat = Chat(world, "u1", name="王芳")
    replies = await chat.send("/cases", update_id="bug-1")
    assert "抱歉" in replies[0].text
    assert "dispatch_failed" in caplog.text and "update=bug-1" in caplog.text
    monkeypatch.setattr("handlers.dispatch.execute", execute_module.execute)
    assert await chat.send("/cases", update_id="bug-1", silent=True) == []
    assert await count(world, OutboxMessage) == 1


async def test_staff_register_with_a_one_time_invitation(world: World) -> None:
    from handlers.staffing import create_invite
    from storage.uow import unit_of_work

    async with unit_of_work(world.db) as uow:
        code = await create_invite(uow, world.desk, "logistics", Role.LEAD)
    newcomer = Chat(world, "u9", name="赵六")
    welcome = await newcomer.send(f"/register {code}")
    assert "赵六" in welcome[0].text
    mine = await newcomer.send("/mine")
    assert "没有未结案件" in mine[0].text
    reuse = await Chat(world, "u10", name="钱七", sender=newcomer.sender).send(f"/register {code}")
    assert "无效" in reuse[0].text


@pytest.mark.parametrize("greeting", ["你好", "您好！", "在吗?", "Hello", "hi"])
async def test_a_greeting_gets_the_menu_not_a_complaint(world: World, greeting: str) -> None:
    chat = Chat(world, "u1")
    replies = await chat.send(greeting)
    assert "file:complaint" in actions(replies)
    assert await count(world, Case) == 0


async def test_a_refusal_after_a_notice_keeps_the_conversation_state(world: World) -> None:
    """A notice queued inside a refused action's savepoint must not lose the chat's state."""
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    stranger = Chat(world, "u2", name="乙", sender=customer.sender)
    await stranger.press(f"refuse:{number}")  # asks for a reason (state saved)...
    refused = await stranger.send("不满意")  # ...then the refusal: not their case
    assert "没有找到" in refused[0].text
    again = await stranger.send("你好")
    assert "file:complaint" in actions(again)  # the conversation goes on normally
