"""The Telegram channel wired for tests: real aiogram, real HTTP, fake Bot API server.

`Telegram.send(update)` delivers one update the way the chosen mode would (long polling
or the webhook), waits until it is handled, then drains the outbox through the real
TelegramSender, so each test step sees every API call it caused.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.typedefs import Handler, Middleware

from bot.config import TelegramSettings
from bot.files import FileStore
from bot.telegram.polling import Sleep
from bot.telegram.runtime import WEBHOOK_PATH as WEBHOOK_PATH  # used by the fuzz test
from bot.telegram.runtime import TelegramChannel, make_bot
from bot.telegram.sender import TelegramSender
from conversations.base.policy import Policy, RosterEntry
from handlers.desk import Desk
from handlers.dispatch import Inbox
from handlers.reachability import MarkUnreachable
from handlers.staffing import sync_roster
from notifications.dispatcher import Dispatcher
from storage.uow import unit_of_work
from tests.fakes.clock import FakeClock
from tests.fakes.policy import test_policy
from tests.fakes.senders import drain
from tests.fakes.telegram_api import FakeBotAPI, fake_bot_api
from tests.fakes.world import World

SECRET = "s3cret-token"
GROUPS = {"product": -1001, "service": -1002, "logistics": -1003, "management": -1009}
STAFF = {  # name: (department, role, telegram user id)
    "李雷": ("product", "staff", 2001),
    "韩梅梅": ("service", "lead", 2002),
    "物流小刘": ("logistics", "staff", 2003),
    "张总": ("management", "manager", 2009),
}


def telegram_policy(topics: frozenset[str] = frozenset()) -> Policy:
    """The example policy with each department's Telegram group; the `topics` ones are
    forum supergroups with a topic per case (issue 13)."""
    policy = test_policy()
    departments = [
        d.model_copy(update={"chats": {"telegram": str(GROUPS[d.key])}, "topics": d.key in topics})
        if d.key in GROUPS
        else d
        for d in policy.departments
    ]
    return policy.model_copy(update={"departments": departments})


@dataclass
class Telegram:
    api: FakeBotAPI
    channel: TelegramChannel
    outbox: Dispatcher
    mode: str
    clock: FakeClock
    client: TestClient[web.Request, web.Application] | None = None
    polling: asyncio.Task[None] | None = None
    answered: list[int] = field(default_factory=list)  # webhook statuses, as returned

    async def send(self, update: dict[str, Any]) -> None:
        if self.mode == "webhook":
            assert self.client is not None
            response = await self.client.post(
                WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
            assert response.status == 200, await response.text()
        else:
            self.api.push(update)
            await self.api.wait_consumed(update["update_id"])
        await self.drain()

    async def drain(self) -> None:
        await drain(self.outbox, self.clock)

    async def post_raw(self, update: dict[str, Any], secret: str | None) -> int:
        assert self.client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        response = await self.client.post(WEBHOOK_PATH, json=update, headers=headers)
        return response.status


@asynccontextmanager
async def running(
    world: World,
    mode: str,
    api: FakeBotAPI | None = None,
    sleep: Sleep = asyncio.sleep,
    files: FileStore | None = None,
    policy: Policy | None = None,
) -> AsyncIterator[Telegram]:
    """The channel in `mode` against `api` (a fresh fake Bot API unless one is given, e.g.
    to start a second process against the first one's), on the world's database; with
    `files`, people's files are downloaded into that store and staff files sent from it;
    `policy` instead of telegram_policy()."""
    async with AsyncExitStack() as stack:
        if api is None:
            api = await stack.enter_async_context(fake_bot_api())
        policy = policy or telegram_policy()
        yield await stack.enter_async_context(_channel(world, mode, api, sleep, files, policy))


@asynccontextmanager
async def _channel(
    world: World,
    mode: str,
    api: FakeBotAPI,
    sleep: Sleep,
    files: FileStore | None,
    policy: Policy,
) -> AsyncIterator[Telegram]:
    settings = TelegramSettings(
        token="123:TEST",
        api_base=api.url,
        mode=mode,
        webhook_url="https://desk.example/telegram/webhook",
        webhook_secret=SECRET,
    )
    desk = Desk.build(policy, world.clock)
    world.desk = desk
    async with unit_of_work(world.db) as uow:
        await sync_roster(
            uow,
            desk,
            [
                RosterEntry(name=name, department=dept, role=role, accounts={"telegram": str(uid)})
                for name, (dept, role, uid) in STAFF.items()
            ],
        )
    bot = make_bot(settings)
    outbox = Dispatcher(
        world.db,
        {"telegram": TelegramSender(bot, files=files)},
        world.clock,
        on_unreachable=MarkUnreachable(desk),
    )
    channel = TelegramChannel(settings, bot, Inbox(world.db, desk, outbox.wake), files)
    harness = Telegram(api, channel, outbox, mode, world.clock)
    try:
        if mode == "webhook":
            server = web.Application(middlewares=[_recorder(harness.answered)])
            channel.mount(server)
            harness.client = TestClient(TestServer(server, host="127.0.0.1"))
            await harness.client.start_server()
        else:
            # An update is acknowledged (see wait_consumed) only after its commit.
            harness.polling = asyncio.create_task(channel.poll(sleep=sleep))
        yield harness
    finally:
        if harness.polling is not None:
            harness.polling.cancel()
            await asyncio.gather(harness.polling, return_exceptions=True)
        if harness.client is not None:
            await harness.client.close()
        await bot.session.close()


def _recorder(answered: list[int]) -> Middleware:
    """Notes each webhook answer's status the moment the handler returns it."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        answered.append(response.status)
        return response

    return record
