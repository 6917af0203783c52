"""The Mini App's case page names no customer on a case she filed anonymously (issue 19),
not even to a manager who reveals the contact: "anonymous" where her name would be, her
phone as for any case. Her named case still shows her name. Through the HTTP API."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient

from conversations.base.i18n import translation
from conversations.base.policy import Language
from handlers.actors import Actor
from storage.models import Case
from tests.bot.test_miniapp import client, desk, signed
from tests.fakes.miniapp import MANAGER, STAFF, MiniDesk

NAME = "王芳"  # the customer World makes, with phone 13812345678
ANONYMOUS = translation(Language.EN).gettext("anonymous")  # initData says English
__all__ = ["client", "desk"]  # the fixtures, shared with test_miniapp


async def test_the_page_of_an_anonymous_filing_names_nobody_even_revealed(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    named = await desk.world.only(Case)
    unnamed = await desk.world.file(Actor.customer(named.customer_id), anonymous=True)
    url = f"/app/api/case/{unnamed.number}"
    page = await (await client.get(url, headers=signed(desk, STAFF))).text()
    assert NAME not in page and ANONYMOUS in page and "138****5678" in page
    revealed = await client.post(f"{url}/reveal", headers=signed(desk, MANAGER))
    page = await revealed.text()
    assert revealed.status == 200
    assert NAME not in page and ANONYMOUS in page and "13812345678" in page
    shown = await client.get(f"/app/api/case/{named.number}", headers=signed(desk, STAFF))
    assert NAME in await shown.text()
