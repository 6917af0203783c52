"""A complaint taken by phone, filed by staff with /file through the real aiogram client
against the fake Bot API (seed 001 首问负责制, issue 13): the dialogue ends in a case
with a number, owned by the receiver; the department card follows; the department takes
it over and the receiver is told (both backends)."""

from __future__ import annotations

import pytest

from conversations.base.values import CaseStatus
from storage.models import Case, Staff
from tests.bot.telegram_harness import GROUPS, running
from tests.bot.test_telegram_story import buttons
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

HAN, LI = user(2002, "韩梅梅"), user(2001, "李雷")


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_staff_file_a_phone_complaint_on_telegram(world: World, mode: str) -> None:
    async with running(world, mode) as tg:
        api = tg.api
        await tg.send(message_update(HAN, "/file"))
        ask = api.sent("sendMessage", 2002)[-1]
        assert "via:phone" in buttons(ask) and "电话" in ask["text"] + str(ask["reply_markup"])
        await tg.send(button_update(HAN, 2002, "via:phone"))
        await tg.send(message_update(HAN, "王芳"))
        await tg.send(message_update(HAN, "1381234567"))  # a digit short
        assert "11 位" in api.texts_to(2002)[-2]
        await tg.send(message_update(HAN, "13812345678"))
        await tg.send(button_update(HAN, 2002, "category:product_quality"))
        await tg.send(message_update(HAN, "客户来电：电水壶底部漏水"))
        await tg.send(button_update(HAN, 2002, "skip:details"))
        await tg.send(button_update(HAN, 2002, "wanted:replacement"))
        summary = api.sent("sendMessage", 2002)[-1]
        assert "王芳" in summary["text"] and "confirm:submit" in buttons(summary)
        await tg.send(button_update(HAN, 2002, "confirm:submit"))

        case = await world.only(Case)
        han = next(s for s in await world.all(Staff) if s.name == "韩梅梅")
        assert (case.channel, case.handler_id, case.received_by_id) == ("phone", han.id, han.id)
        answer = api.texts_to(2002)[-1]
        assert case.number in answer and "读给客户" in answer  # the receipt to read out
        card = api.sent("sendMessage", GROUPS["product"])[-1]
        assert case.number in card["text"] and f"take:{case.number}" in buttons(card)

        await tg.send(button_update(LI, GROUPS["product"], f"take:{case.number}", 1))
        taken = await world.only(Case)
        assert taken.status is CaseStatus.ACKNOWLEDGED and taken.received_by_id == han.id
        assert f"{case.number}" in api.texts_to(2002)[-1] and "李雷" in api.texts_to(2002)[-1]
