"""The long-story flood of issue 11: 20 customers file a 9,000-character story at once;
their summaries (3 Telegram messages each) and receipts, and the department's cards,
go through the real aiogram client to a fake Bot API that refuses, as Telegram does,
whatever breaks its limits. Every part arrives once, and every receipt after it."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter

from bot.telegram.format import pages
from bot.telegram.sender import TelegramSender
from conversations.base.values import OutboxStatus
from notifications.dispatcher import Dispatcher
from tests.fakes.senders import drain_all
from tests.fakes.telegram_limits import LimitedBotAPI, error
from tests.fakes.world import World
from tests.notifications.rows import queue, stored

GROUP = -1001
CUSTOMERS = [7000 + n for n in range(20)]
STORY = "水壶底座漏水，已经换过一次，还是漏。" * 500  # 9,000 characters
SUBMIT = [{"label": "提交", "action": "submit"}, {"label": "修改", "action": "edit"}]


def summary(n: int) -> str:
    return f"请确认您的投诉（{n}）：\n问题描述：{STORY}\n希望的处理：更换\n订单号：ORD-{n}"


async def test_twenty_long_stories_deliver_every_part_once_and_every_receipt(
    world: World,
) -> None:
    api = LimitedBotAPI(clock=world.clock)
    await api.start()
    bot = Bot("123:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
    dispatcher = Dispatcher(world.db, {"telegram": TelegramSender(bot)}, world.clock)
    chats: list[str] = []
    payloads: list[dict[str, Any]] = []
    for n, customer in enumerate(CUSTOMERS):  # as the filings commit, one after another
        chats += [str(customer), str(customer), str(GROUP)]
        payloads += [
            {"text": summary(n), "choices": SUBMIT},
            {"text": f"已受理：TS202611-{n:04d}"},
            {"text": f"新投诉 TS202611-{n:04d}"},
        ]
    scripted = CUSTOMERS[:5]
    for customer in scripted:  # the case: a summary's last part meets a 429
        api.answer_next(customer, None, None, error(429, "Too Many Requests", {"retry_after": 3}))
    try:
        await queue(world.db, world.clock.now(), chats, "telegram", payloads)
        await drain_all(dispatcher, world.clock)
    finally:
        await bot.session.close()
        await api.stop()

    for n, customer in enumerate(CUSTOMERS):
        got = api.sent("sendMessage", customer)
        parts = pages(summary(n))
        assert len(parts) == 3
        assert [p["text"] for p in got] == [*parts, f"已受理：TS202611-{n:04d}"]
        assert [("reply_markup" in p) for p in got] == [False, False, True, False]
    assert api.texts_to(GROUP) == [f"新投诉 TS202611-{n:04d}" for n in range(20)]
    assert api.refused_429 == 0  # the pacing itself never broke one of Telegram's limits
    assert [c.status for c in api.calls].count(429) == len(scripted)
    assert {row.status for row in await stored(world.db)} == {OutboxStatus.SENT}


async def test_the_fake_refuses_what_telegram_would(world: World) -> None:
    """So the proof above is not vacuous: bursts and long texts are refused."""
    api = LimitedBotAPI(clock=world.clock)
    await api.start()
    bot = Bot("123:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
    try:
        await bot.send_message(CUSTOMERS[0], "one")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(CUSTOMERS[0], "two, in the same second")
        for n in range(20):
            world.clock.advance(seconds=1)
            await bot.send_message(GROUP, f"card {n}")
        world.clock.advance(seconds=1)
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(GROUP, "the 21st in a minute")
        with pytest.raises(TelegramBadRequest, match="too long"):
            await bot.send_message(CUSTOMERS[1], "长" * 4097)
    finally:
        await bot.session.close()
        await api.stop()
