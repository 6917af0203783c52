"""The Mini App from the chat (issue 16): /signin sends a WeCom or browser user a one-time
link to their private chat, and the link opens a session on the pages; /case N offers
the case page as a web_app button in Telegram when the Mini App is on."""

from __future__ import annotations

import re
from dataclasses import replace

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import MiniAppSettings
from bot.miniapp.auth import Signer, read_signin_token
from bot.miniapp.links import Links
from bot.miniapp.readers import COOKIE, MiniApp
from bot.miniapp.routes import routes
from bot.telegram.format import Pages, keyboard
from conversations.actions import CaseVerb, case_button
from conversations.base.policy import RosterEntry
from handlers.staffing import sync_roster
from storage.models import OutboxMessage, Staff
from storage.uow import unit_of_work
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World

URL = "https://desk.example.com"
LINK = re.compile(r"https://desk\.example\.com/app/signin/(\S+)")
OFF = "The desk's pages are not switched on; ask your administrator."
ON_ITS_WAY = "A sign-in link is on its way to your private chat with the bot."


def with_mini_app(world: World) -> Links:
    links = Links(URL, Signer(b"test-secret"), 15, world.clock)
    world.desk = replace(world.desk, miniapp=links)
    return links


async def staff_on(world: World, channel: str, account: str, name: str = "张伟") -> Chat:
    entry = RosterEntry(name=name, department="product", accounts={channel: account})
    async with unit_of_work(world.db) as uow:
        await sync_roster(uow, world.desk, [entry])
    return Chat(world, account, channel=channel, language="en", sender=RecordingSender(channel))


async def staff_id(world: World, name: str) -> int:
    return next(s.id for s in await world.all(Staff) if s.name == name)


async def test_a_wecom_staff_member_gets_a_one_time_link_in_private_chat(world: World) -> None:
    links = with_mini_app(world)
    wecom = await staff_on(world, "wecom", "zhangwei")
    said = [m.text for m in await wecom.send("/signin")]
    assert ON_ITS_WAY in said
    (sent,) = [text for text in said if "/app/signin/" in text]
    assert sent.startswith("Your sign-in link for the desk, valid for 15 minutes, once: ")
    match = LINK.search(sent)
    assert match is not None
    claim = read_signin_token(links.signer, match.group(1), world.clock.now())
    assert claim.staff_id == await staff_id(world, "张伟")


async def test_the_chats_link_opens_a_session_on_the_pages_once(world: World) -> None:
    links = with_mini_app(world)
    wecom = await staff_on(world, "wecom", "zhangwei")
    sent = next(m.text for m in await wecom.send("/signin") if "/app/signin/" in m.text)
    settings = MiniAppSettings(enabled=True, url=URL)  # no secret: the desk's key is shared
    mini = MiniApp(world.db, world.desk, settings, None, shared_signer=links.signer)
    server = web.Application()
    server.add_routes(routes(mini))
    path = sent[sent.index("/app/signin/") :]
    async with TestClient(TestServer(server, host="127.0.0.1")) as client:
        opened = await client.get(path, allow_redirects=False)
        assert opened.status == 303
        assert COOKIE in opened.cookies
        again = await client.get(path, allow_redirects=False)
        assert again.status == 403


async def test_signin_is_refused_politely_when_the_mini_app_is_off(world: World) -> None:
    wecom = await staff_on(world, "wecom", "zhangwei")
    assert [m.text for m in await wecom.send("/signin")] == [OFF]
    assert not [m for m in await world.all(OutboxMessage) if "/app/signin/" in m.payload["text"]]


async def test_case_in_telegram_offers_the_case_page_as_a_web_app_button(world: World) -> None:
    with_mini_app(world)
    number = await file_complaint(world, Chat(world, "u1", name="王芳"))
    telegram = await staff_on(world, "telegram", "5001")
    (shown,) = await telegram.send(f"/case {number}")
    assert shown.choices == [
        {"label": "Open the case page", "action": case_button(CaseVerb.DETAILS, number)}
    ]
    markup = keyboard(shown.choices, Pages(URL), private=True)
    assert markup is not None
    (button,) = markup.inline_keyboard[0]
    assert button.web_app is not None and button.web_app.url == f"{URL}/app/case/{number}"


async def test_case_has_no_page_button_without_the_mini_app_or_outside_telegram(
    world: World,
) -> None:
    number = await file_complaint(world, Chat(world, "u1", name="王芳"))
    telegram = await staff_on(world, "telegram", "5001")
    (off,) = await telegram.send(f"/case {number}")
    assert off.choices == []
    with_mini_app(world)
    console = await staff_on(world, "console", "staff:韩梅梅", name="韩梅梅")
    (elsewhere,) = await console.send(f"/case {number}")
    assert elsewhere.choices == []
