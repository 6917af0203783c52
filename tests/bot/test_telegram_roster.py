"""The roster on Telegram with the real aiogram client and the fake Bot API (issue 13): a
deactivated person's press on the group card and their command in private are refused at
once; an /assign, and an absence, route the alert to the right person's chat (both
backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.wording import refusal
from handlers.withdraw import deactivate
from storage.models import Case
from storage.uow import UnitOfWork
from tests.bot.telegram_harness import GROUPS, Telegram, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

ZH = translation(Language.ZH_HANS)
CUSTOMER = user(1001, "王芳")
LI, ZHANG = user(2001, "李雷"), user(2009, "张总")


async def filed(tg: Telegram, world: World) -> str:
    """A product complaint filed in private chat; its number."""
    await tg.send(message_update(CUSTOMER, "水壶漏水，想换新"))
    await tg.send(button_update(CUSTOMER, 1001, "category:product_quality"))
    await tg.send(button_update(CUSTOMER, 1001, "skip:details"))
    await tg.send(button_update(CUSTOMER, 1001, "wanted:replacement"))
    await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
    return (await world.only(Case)).number


async def handler_of(world: World) -> int | None:
    async def query(uow: UnitOfWork) -> int | None:
        return await uow.session.scalar(select(Case.handler_id))

    return await world.read(query)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_deactivated_persons_press_and_command_are_refused(world: World, mode: str) -> None:
    async with running(world, mode) as tg:
        number = await filed(tg, world)
        await world.act(deactivate, "李雷")
        edits = len(tg.api.sent("editMessageText", GROUPS["product"]))

        await tg.send(button_update(LI, GROUPS["product"], f"take:{number}", 1))
        answer = tg.api.sent("answerCallbackQuery")[-1]
        assert answer.get("text") == refusal(ZH, "access.staff_only", {})
        assert len(tg.api.sent("editMessageText", GROUPS["product"])) == edits
        assert await handler_of(world) is None

        await tg.send(message_update(LI, "/mine"))
        assert tg.api.texts_to(2001)[-1] == refusal(ZH, "access.withdrawn", {})
        await tg.send(message_update(LI, f"/note {number} 还在跟进"))
        assert tg.api.texts_to(2001)[-1] == refusal(ZH, "access.withdrawn", {})


async def test_an_assignment_and_an_absence_route_the_alert(world: World) -> None:
    async with running(world, "polling") as tg:
        number = await filed(tg, world)
        await tg.send(message_update(ZHANG, f"/assign {number} 李雷"))
        assert "李雷" in tg.api.texts_to(2009)[-1]
        told = tg.api.texts_to(2001)[-1]
        assert number in told and "张总" in told and f"/note {number}" in told
        card = tg.api.sent("editMessageText", GROUPS["product"])[-1]["text"]
        assert "李雷" in card

        await tg.send(message_update(LI, "/away 2026-11-24 2026-11-25 张总"))
        assert "张总" in tg.api.texts_to(2001)[-1]
        await tg.send(button_update(CUSTOMER, 1001, f"add:{number}"))
        await tg.send(message_update(CUSTOMER, "补充：底座也裂了"))
        routed = [t for t in tg.api.texts_to(2009) if "底座也裂了" in t]
        assert routed and routed[0].startswith("代 李雷（外出）接收")
        assert not [t for t in tg.api.texts_to(2001) if "底座也裂了" in t]
