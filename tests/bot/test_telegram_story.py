"""The whole story on Telegram with the real aiogram client, in polling and webhook mode:
filed in private chat -> card in the department group -> Take (card edited) -> proposal
-> manager approval -> accepted -> resolved -> survey -> closed (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.base.values import CaseStatus
from storage.models import Attachment, Case, CaseEvent
from storage.uow import UnitOfWork
from tests.bot.telegram_harness import GROUPS, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

CUSTOMER = user(1001, "王<b>芳</b>")
LI, HAN, ZHANG = user(2001, "李雷"), user(2002, "韩梅梅"), user(2009, "张总")


def buttons(params: dict[str, object]) -> list[str]:
    markup = params.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_the_whole_story_on_telegram(world: World, mode: str) -> None:
    async with running(world, mode) as tg:
        api = tg.api
        await tg.send(message_update(CUSTOMER, "/start store42"))
        assert "我要投诉" in str(api.sent("sendMessage", 1001)[-1]["reply_markup"])
        await tg.send(message_update(CUSTOMER, "水壶<script>漏水</script>，想换新", photo="ph-1"))
        await tg.send(button_update(CUSTOMER, 1001, "category:product_quality"))
        await tg.send(button_update(CUSTOMER, 1001, "skip:details"))
        await tg.send(button_update(CUSTOMER, 1001, "wanted:replacement"))
        summary = api.sent("sendMessage", 1001)[-1]
        assert "&lt;script&gt;" in summary["text"] and "<script>" not in summary["text"]
        assert summary["parse_mode"] == "HTML"
        assert "王&lt;b&gt;芳&lt;/b&gt;" in summary["text"]
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)
        assert case.number in api.texts_to(1001)[-1] and case.source == "store42"

        async def photos(uow: UnitOfWork) -> list[str]:
            return list(await uow.session.scalars(select(Attachment.file_ref)))

        assert await world.read(photos) == ["ph-1"]  # the largest size of the photo

        # the card, then the photos sent while filing (which a card cannot carry)
        card, photos_sent = api.sent("sendMessage", GROUPS["product"])[-2:]
        assert f"take:{case.number}" in buttons(card)
        assert case.number in photos_sent["text"] and "1" in photos_sent["text"]
        await tg.send(button_update(LI, GROUPS["product"], f"take:{case.number}", 1))
        edit = api.sent("editMessageText", GROUPS["product"])[-1]
        assert "李雷" in edit["text"] and f"take:{case.number}" not in buttons(edit)
        assert api.sent("answerCallbackQuery")[-1].get("text", "").startswith("已完成")

        await tg.send(message_update(LI, f"/regrade {case.number} important 有损失"))
        assert "角色" in api.texts_to(2001)[-1]  # staff may not regrade
        await tg.send(message_update(ZHANG, f"/regrade {case.number} important 有实际损失"))
        await tg.send(message_update(LI, f"/valid {case.number} 密封圈缺陷 | 来料不良"))
        await tg.send(message_update(LI, f"/propose {case.number} 今天上门换新"))
        approval = api.sent("sendMessage", GROUPS["management"])[-1]
        assert f"approve:{case.number}" in buttons(approval)
        await tg.send(button_update(ZHANG, GROUPS["management"], f"approve:{case.number}", 2))
        offer = api.sent("sendMessage", 1001)[-1]
        assert "今天上门换新" in offer["text"] and f"accept:{case.number}" in buttons(offer)
        await tg.send(button_update(CUSTOMER, 1001, f"accept:{case.number}"))
        await tg.send(message_update(LI, f"/resolve {case.number} 已换新"))
        await tg.send(message_update(HAN, f"/review {case.number}"))
        survey = api.sent("sendMessage", 1001)[-1]
        assert f"solved:{case.number}:yes" in buttons(survey)
        await tg.send(button_update(CUSTOMER, 1001, f"solved:{case.number}:yes"))
        await tg.send(button_update(CUSTOMER, 1001, "score:5"))
        await tg.send(button_update(CUSTOMER, 1001, "skip:comment"))
        assert "已结案" in api.texts_to(1001)[-1]

        final = await world.only(Case)
        assert (final.status, final.severity, final.solved) == (
            CaseStatus.CLOSED,
            "important",
            True,
        )

        async def kinds(uow: UnitOfWork) -> list[str]:
            rows = await uow.session.scalars(select(CaseEvent.kind).order_by(CaseEvent.id))
            return list(rows)

        assert await world.read(kinds) == [
            "filed",
            "routed",
            "taken",
            "regraded",
            "findings",
            "solution_proposed",
            "approved",
            "solution_offered",
            "solution_accepted",
            "resolved",
            "survey_sent",
            "survey_answered",
            "closed",
        ]
        assert {c.method for c in api.calls} >= {
            "sendMessage",
            "editMessageText",
            "answerCallbackQuery",
        }
