"""Every Bot API answer a send can meet, through the real aiogram client and the fake
Bot API: moved groups, gone chats, a revoked token, conflicts, oversized requests,
undecodable bodies, timeouts, server errors and per-chat rate limits (issue 11)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.telegram.format import pages
from bot.telegram.sender import TelegramSender
from conversations.base.values import OutboxStatus
from notifications.dispatcher import Dispatcher
from notifications.supervisor import Unrecoverable
from storage.models import ChatMove
from storage.uow import UnitOfWork
from tests.fakes.senders import drain_all
from tests.fakes.telegram_limits import HANG, LimitedBotAPI, error, not_json
from tests.fakes.world import World
from tests.notifications.rows import queue, stored

GROUP, SUPERGROUP, CUSTOMER, OTHER = -1001, -1001777, 5001, 5002


@dataclass
class Unreachable:
    chats: list[str] = field(default_factory=list)

    async def __call__(self, uow: UnitOfWork, channel: str, chat_id: str) -> None:
        self.chats.append(chat_id)


@dataclass
class Wire:
    api: LimitedBotAPI
    bot: Bot
    dispatcher: Dispatcher
    unreachable: Unreachable


@pytest.fixture
async def wire(world: World) -> AsyncIterator[Wire]:
    api = LimitedBotAPI(clock=world.clock)
    await api.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.url), timeout=0.5)
    bot = Bot("123:TEST", session=session)
    unreachable = Unreachable()
    sender = TelegramSender(bot)
    dispatcher = Dispatcher(world.db, {"telegram": sender}, world.clock, on_unreachable=unreachable)
    yield Wire(api, bot, dispatcher, unreachable)
    await bot.session.close()
    await api.stop()


async def send(world: World, wire: Wire, chats: list[int], texts: list[str] | None = None) -> None:
    payloads = [{"text": t} for t in texts] if texts else None
    await queue(world.db, world.clock.now(), [str(c) for c in chats], "telegram", payloads)
    await drain_all(wire.dispatcher, world.clock)


async def only_row(world: World) -> Any:
    (row,) = await stored(world.db)
    return row


async def test_a_group_upgraded_to_a_supergroup_gets_this_and_later_messages(
    world: World, wire: Wire
) -> None:
    wire.api.migrated[GROUP] = SUPERGROUP
    await send(world, wire, [GROUP, GROUP], ["card 1", "card 2"])
    assert wire.api.texts_to(SUPERGROUP) == ["card 1", "card 2"]
    move = await world.only(ChatMove)
    assert (move.chat_id, move.moved_to) == (str(GROUP), str(SUPERGROUP))
    assert wire.dispatcher.senders["telegram"].is_group(move.moved_to)  # paced as a group
    await send(world, wire, [GROUP], ["card 3"])  # the configuration still says the old id
    restarted = Dispatcher(world.db, wire.dispatcher.senders, world.clock, holder="other:1")
    await wire.dispatcher.step_down()
    await queue(world.db, world.clock.now(), [str(GROUP)], "telegram", [{"text": "card 4"}])
    await drain_all(restarted, world.clock)
    assert wire.api.texts_to(SUPERGROUP) == ["card 1", "card 2", "card 3", "card 4"]
    assert wire.api.texts_to(GROUP) == []


@pytest.mark.parametrize(
    "answer",
    [
        lambda: error(404, "Not Found: chat not found"),
        lambda: error(400, "Bad Request: chat not found"),
    ],
    ids=["404", "400"],
)
async def test_a_chat_that_is_gone_is_parked_and_marked_unreachable(
    world: World, wire: Wire, answer: Any
) -> None:
    wire.api.answer_next(CUSTOMER, answer())
    await send(world, wire, [CUSTOMER, OTHER])
    parked, sent = await stored(world.db)
    assert parked.status is OutboxStatus.PARKED and "chat not found" in (parked.error or "")
    assert wire.unreachable.chats == [str(CUSTOMER)] and sent.status is OutboxStatus.SENT


async def test_a_revoked_token_stops_the_process_with_how_to_fix_it(
    world: World, wire: Wire
) -> None:
    wire.api.answer_next(CUSTOMER, error(401, "Unauthorized"))
    await queue(world.db, world.clock.now(), [str(CUSTOMER)], "telegram")
    with pytest.raises(Unrecoverable, match=r"401 Unauthorized.*\[telegram\] token"):
        await wire.dispatcher.deliver_round()


@pytest.mark.parametrize(
    ("answer", "name"),
    [
        (lambda: error(409, "Conflict: terminated by other getUpdates"), "TelegramConflictError"),
        (not_json, "ClientDecodeError"),
        (lambda: error(500, "Internal Server Error"), "TelegramServerError"),
        (lambda: HANG, "TelegramNetworkError"),  # no answer within the request timeout
    ],
    ids=["409", "not-json", "500", "timeout"],
)
async def test_a_passing_fault_is_retried_later_and_then_delivered(
    world: World, wire: Wire, answer: Any, name: str
) -> None:
    wire.api.answer_next(CUSTOMER, answer())
    await queue(world.db, world.clock.now(), [str(CUSTOMER)], "telegram")
    await wire.dispatcher.deliver_round()
    row = await only_row(world)
    assert row.status is OutboxStatus.PENDING and (row.error or "").startswith(name)
    assert row.not_before > world.clock.now() and row.attempts == 1
    await drain_all(wire.dispatcher, world.clock)
    assert wire.api.texts_to(CUSTOMER) == [f"{CUSTOMER}#0"]


async def test_a_timeout_raised_by_the_client_itself_is_retried(world: World) -> None:
    class TimingOut(AiohttpSession):
        async def make_request(self, *args: Any, **kwargs: Any) -> Any:
            raise TimeoutError  # asyncio.TimeoutError since 3.11

    bot = Bot("123:TEST", session=TimingOut())
    dispatcher = Dispatcher(world.db, {"telegram": TelegramSender(bot)}, world.clock)
    await queue(world.db, world.clock.now(), [str(CUSTOMER)], "telegram")
    await dispatcher.deliver_round()
    row = await only_row(world)
    assert row.status is OutboxStatus.PENDING and (row.error or "").startswith("TimeoutError")
    await bot.session.close()


async def test_an_oversized_request_is_parked_not_retried(world: World, wire: Wire) -> None:
    wire.api.answer_next(CUSTOMER, error(413, "Request Entity Too Large"))
    await send(world, wire, [CUSTOMER])
    row = await only_row(world)
    assert row.status is OutboxStatus.PARKED and row.attempts == 1
    assert (row.error or "").startswith("TelegramEntityTooLarge")


async def test_a_rate_limit_delays_only_that_chat(world: World, wire: Wire) -> None:
    wire.api.answer_next(CUSTOMER, error(429, "Too Many Requests", {"retry_after": 7}))
    await queue(world.db, world.clock.now(), [str(CUSTOMER), str(OTHER)], "telegram")
    began = world.clock.now()
    await wire.dispatcher.deliver_round()
    waiting, sent = await stored(world.db)
    assert (waiting.not_before - began).total_seconds() == 7 and waiting.attempts == 0
    assert sent.status is OutboxStatus.SENT
    await drain_all(wire.dispatcher, world.clock)
    assert wire.api.texts_to(CUSTOMER) == [f"{CUSTOMER}#0"]


async def test_a_long_text_resumes_at_the_part_that_failed(world: World, wire: Wire) -> None:
    story = "我的水壶漏水 & <底座> 坏了。" * 500  # 9,000 characters, escaped on the way
    choices = [{"label": "提交", "action": "submit"}]
    wire.api.answer_next(CUSTOMER, None, error(502, "Bad Gateway"), None, error(503, "busy"))
    await queue(
        world.db,
        world.clock.now(),
        [str(CUSTOMER)],
        "telegram",
        [{"text": story, "choices": choices}],
    )
    await drain_all(wire.dispatcher, world.clock)
    parts = wire.api.sent("sendMessage", CUSTOMER)
    assert [p["text"] for p in parts] == pages(story)  # every part once, in order
    assert len(parts) >= 3 and all(len(p["text"]) <= 4096 for p in parts)
    assert [("reply_markup" in p) for p in parts] == [False] * (len(parts) - 1) + [True]
    row = await only_row(world)
    assert row.status is OutboxStatus.SENT and row.parts_sent == len(parts)
    (first_id,) = [n for (chat, n), text in wire.api.texts.items() if text == parts[0]["text"]]
    assert row.platform_message_id == str(first_id)  # the id an edit would change
