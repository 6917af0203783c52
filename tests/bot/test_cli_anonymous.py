"""`complaintdesk cases show`, as text and as JSON, never names a customer on a case she
filed anonymously (issue 19), not even with --reveal; her other, named case still does
(SQLite, a fresh directory)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from conversations.base.i18n import translation
from conversations.base.policy import Language
from handlers.relay import Message, reply_to_customer
from storage.engine import open_database
from tests.bot.test_cli import invoke, workdir
from tests.fakes.clock import FakeClock
from tests.fakes.world import World

__all__ = ["workdir"]  # the fixture, shared with test_cli
NAME, PHONE = "赵女士", "13812345678"
ANONYMOUS = translation(Language.ZH_HANS).gettext("anonymous")  # the desk's language


async def seed() -> tuple[str, str]:
    """Her named case and her anonymous one; a canned answer greets her by name on it."""
    db = open_database("sqlite+aiosqlite:///complaintdesk.db")
    world = World.make(db, FakeClock())
    buyer = await world.customer(NAME, PHONE)
    named = await world.file(buyer, category="delivery")
    unnamed = await world.file(buyer, category="delivery", anonymous=True)
    courier = await world.staff("物流小刘", "logistics")
    await world.act(reply_to_customer, courier, unnamed.number, Message(canned="tracing"))
    await db.dispose()
    return named.number, unnamed.number


def test_cases_show_never_names_an_anonymous_filer(workdir: Path) -> None:
    invoke("init")
    named, unnamed = asyncio.run(seed())
    for reveal in ((), ("--reveal",)):
        shown = invoke("cases", "show", unnamed, *reveal)
        assert NAME not in shown and ANONYMOUS in shown and "staff_replied" in shown
        data = json.loads(invoke("cases", "show", unnamed, "--json", *reveal))
        assert data["case"]["customer"] == ANONYMOUS and NAME not in json.dumps(data)
        (replied,) = [step for step in data["timeline"] if step["what"] == "staff_replied"]
        assert replied["details"]["text"].startswith("[***]您好")
    assert NAME in invoke("cases", "show", named)
    assert json.loads(invoke("cases", "show", named, "--json"))["case"]["customer"] == NAME
