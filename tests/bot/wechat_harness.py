"""The WeChat Official Account and WeCom wired for tests: real signed, encrypted callbacks
posted over HTTP to the running aiohttp app; the outbox delivering to a fake API server."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from bot.config import Config, PathSettings, WeChatSettings, WeChatTemplate, WeComSettings
from bot.files import FileStore
from bot.wechat.api import TIMEOUT
from bot.wechat.callback import SecureCallback
from bot.wechat.wiring import OFFICIAL_ACCOUNT_PATH, WECOM_PATH, add_callbacks, senders_for
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
from tests.fakes.wechat_api import (
    CORP_ID,
    DOC_AES_KEY,
    DOC_APP_ID,
    DOC_TOKEN,
    WECOM_TOKEN,
    FakeWeChatAPI,
    official_account_xml,
    sealed,
    wecom_xml,
)
from tests.fakes.world import World

ROBOTS = {"product": "robot-product", "service": "robot-service", "management": "robot-mgmt"}
STAFF = {
    "李雷": ("product", "staff", "lilei"),
    "韩梅梅": ("service", "lead", "hanmm"),
    "张总": ("management", "manager", "zhang"),
}
CASE_AND_TIME = {"character_string1": "{number}", "time4": "{time}"}
TEMPLATES = {
    "received": WeChatTemplate(id="TPL-R", fields={**CASE_AND_TIME, "thing2": "{category}"}),
    "solution": WeChatTemplate(id="TPL-S", fields={**CASE_AND_TIME, "thing2": "{solution}"}),
    "resolved": WeChatTemplate(
        id="TPL-D", fields={**CASE_AND_TIME, "thing2": "{message}", "thing3": "{status}"}
    ),
    "closed": WeChatTemplate(id="TPL-C", fields={**CASE_AND_TIME, "thing3": "{status}"}),
    "message": WeChatTemplate(id="TPL-M", fields={**CASE_AND_TIME, "thing2": "{message}"}),
}
PUBLIC_URL = "https://desk.example.com"


def wechat_policy() -> Policy:
    policy = test_policy()
    departments = [
        d.model_copy(update={"chats": {"wecom_robot": ROBOTS[d.key]}}) if d.key in ROBOTS else d
        for d in policy.departments
    ]
    return policy.model_copy(update={"departments": departments})


@dataclass
class WeChat:
    api: FakeWeChatAPI
    client: TestClient
    outbox: Dispatcher
    clock: FakeClock
    customers: WeChatCrypto
    staff_app: WeComCrypto
    callbacks: dict[str, SecureCallback]
    store: FileStore  # the desk's file store, in a temporary folder (issue 13)

    def now(self) -> int:
        """The test clock's time as WeChat writes it (CreateTime, the signed timestamp)."""
        return int(self.clock.now().timestamp())

    def customer_message(
        self, openid: str, text: str = "", **xml: object
    ) -> tuple[dict[str, str], str]:
        """A customer's message as WeChat would POST it now, signed and encrypted."""
        message = official_account_xml(openid, text, created=self.now(), **xml)  # type: ignore[arg-type]
        return sealed(self.customers, message, timestamp=self.now())

    async def customer_says(self, openid: str, text: str = "", **xml: object) -> int:
        """A second passes between a person's messages, as it does on a phone (WeChat's
        CreateTime counts seconds, and the window is opened by each newer message)."""
        self.clock.advance(seconds=1)
        self.api.customer_wrote(openid)
        query, body = self.customer_message(openid, text, **xml)
        return await self._post(OFFICIAL_ACCOUNT_PATH, query, body)

    async def staff_says(self, userid: str, text: str) -> int:
        message = wecom_xml(userid, text, created=self.now())
        query, body = sealed(self.staff_app, message, timestamp=self.now())
        return await self._post(WECOM_PATH, query, body)

    async def post_raw(self, path: str, query: dict[str, str], body: str) -> tuple[int, str]:
        """One POST as it is, answered: (status, text); the outbox is then drained."""
        response = await self.client.post(path, params=query, data=body.encode())
        answer = (response.status, await response.text())
        await self.drain()
        return answer

    async def drain(self) -> None:
        await drain(self.outbox, self.clock)

    async def _post(self, path: str, query: dict[str, str], body: str) -> int:
        """Post, then wait for the message's handling: on a loaded machine it may outlast
        the callback's hold (answered 503, still committed, as WeChat's resend finds)."""
        response = await self.client.post(path, params=query, data=body.encode())
        assert response.status != 200 or await response.text() == "success"
        for callback in self.callbacks.values():
            await callback.finish()
        await self.drain()
        return response.status


def settings(
    api_url: str, public_url: str | None = PUBLIC_URL
) -> tuple[WeChatSettings, WeComSettings]:
    wechat = WeChatSettings(
        app_id=DOC_APP_ID,
        app_secret="app-secret",
        token=DOC_TOKEN,
        encoding_aes_key=DOC_AES_KEY,
        api_base=api_url,
        templates=TEMPLATES,
        public_url=public_url,
    )
    wecom = WeComSettings(
        corp_id=CORP_ID,
        corp_secret="corp-secret",
        agent_id=1000002,
        token=WECOM_TOKEN,
        encoding_aes_key=DOC_AES_KEY,
        api_base=api_url,
    )
    return wechat, wecom


@asynccontextmanager
async def running(
    world: World,
    api_timeout: float = TIMEOUT,
    public_url: str | None = PUBLIC_URL,
    **callback_options: Any,
) -> AsyncIterator[WeChat]:
    """`callback_options` go to add_callbacks (max_clock_skew, hold_for, dispatch);
    `public_url`: the server's address for links to photos (None: the desk has none)."""
    with tempfile.TemporaryDirectory(prefix="cd-files-") as folder:
        async with _running(world, api_timeout, public_url, Path(folder), callback_options) as wx:
            yield wx


@asynccontextmanager
async def _running(
    world: World,
    api_timeout: float,
    public_url: str | None,
    folder: Path,
    callback_options: dict[str, Any],
) -> AsyncIterator[WeChat]:
    api = FakeWeChatAPI()
    await api.start()
    policy = wechat_policy()
    world.desk = Desk.build(policy, world.clock)
    async with unit_of_work(world.db) as uow:
        await sync_roster(
            uow,
            world.desk,
            [
                RosterEntry(name=name, department=dept, role=role, accounts={"wecom": userid})
                for name, (dept, role, userid) in STAFF.items()
            ],
        )
    wechat, wecom = settings(api.url, public_url)
    paths = PathSettings(data_dir=str(folder))
    config = Config(policy=policy, wechat=wechat, wecom=wecom, paths=paths)
    parts = senders_for(config, world.db, world.clock, api_timeout)
    outbox = Dispatcher(
        world.db, parts.senders, world.clock, on_unreachable=MarkUnreachable(world.desk)
    )
    add_callbacks(parts, config, Inbox(world.db, world.desk, outbox.wake), **callback_options)
    server = web.Application()
    for path, callback in parts.callbacks.items():
        callback.mount(server, path)
    client = TestClient(TestServer(server, host="127.0.0.1"))
    await client.start_server()
    try:
        yield WeChat(
            api,
            client,
            outbox,
            world.clock,
            WeChatCrypto(DOC_TOKEN, DOC_AES_KEY, DOC_APP_ID),
            WeComCrypto(WECOM_TOKEN, DOC_AES_KEY, CORP_ID),
            parts.callbacks,
            FileStore.for_config(config),
        )
    finally:
        for callback in parts.callbacks.values():
            await callback.finish()
        await client.close()
        for part in parts.apis:
            await part.close()
        await api.stop()
