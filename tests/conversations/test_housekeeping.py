"""Time-driven dialogue chores with a controlled clock: one survey reminder, polite expiry."""

from __future__ import annotations

from handlers.housekeeping import expire_conversations, remind_surveys
from storage.conversations import ConversationRepository
from storage.models import Case
from storage.uow import UnitOfWork, unit_of_work
from tests.conversations.test_whole_story import file_kettle, people
from tests.fakes.chat import Chat, actions, deliver
from tests.fakes.world import World


async def sweep(world: World, chore: object) -> int:
    async with unit_of_work(world.db) as uow:
        return await chore(uow, world.desk)  # type: ignore[operator, no-any-return]


async def test_an_unanswered_survey_is_reminded_once_after_a_working_day(world: World) -> None:
    customer, handler, service, _, shared = await people(world)
    await file_kettle(customer)
    number = (await world.only(Case)).number
    await handler.press(f"take:{number}")
    await handler.send(f"/invalid {number} 使用不当")
    await handler.send(f"/resolve {number} 已说明正确用法")
    await service.send(f"/review {number}")  # Tuesday 10:00: survey sent
    world.clock.advance(hours=8)
    assert await sweep(world, remind_surveys) == 0  # not yet a working day
    world.clock.advance(hours=16, minutes=1)  # Wednesday 10:01
    assert await sweep(world, remind_surveys) == 1
    assert await sweep(world, remind_surveys) == 0  # once only
    await deliver(world, shared)
    reminder = [m for m in shared.sent if m.chat_id == "u1"][-1]
    assert "提醒" in reminder.text and f"solved:{number}:yes" in actions([reminder])


async def test_an_idle_conversation_is_told_it_expired_in_its_language(world: World) -> None:
    chat = Chat(world, "u1", name="Wang", language="en")
    await chat.send("The screen has dead pixels")
    world.clock.advance(minutes=59)
    assert await sweep(world, expire_conversations) == 0
    world.clock.advance(minutes=2)
    assert await sweep(world, expire_conversations) == 1
    await deliver(world, chat.sender)
    assert "stopped waiting" in chat.said()[-1]

    async def state(uow: UnitOfWork) -> str:
        row = await ConversationRepository(uow.session).load("console", "u1")
        assert row is not None
        return row.flow

    assert await world.read(state) == "idle"
    assert await sweep(world, expire_conversations) == 0
    fresh = await chat.send("hello")
    assert "file:complaint" in actions(fresh)  # no second expiry notice
