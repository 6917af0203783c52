"""A phone customer's case from filing to closing through the real aiogram client against
the fake Bot API (both backends): 韩梅梅 files it with /file, 李雷 takes it and proposes a
solution, the customer (no chat) answers by phone and 韩梅梅 records it with /accepted and,
after the review, the survey with /rated; the survey row and the measures count it as the
customer's own answer. Another department's staff and a bad score are refused."""

from __future__ import annotations

from conversations import relays, replies
from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.values import CaseStatus, EventKind
from conversations.wording import refusal
from storage.models import Case, CaseEvent, Survey
from tests.bot.telegram_harness import GROUPS, Telegram, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World
from tests.handlers.test_on_behalf import overall

HAN, LI, LIU = user(2002, "韩梅梅"), user(2001, "李雷"), user(2003, "物流小刘")
ZH = translation(Language.ZH_HANS)


async def file_by_phone(tg: Telegram) -> None:
    """韩梅梅 files 王芳's phone call (she has no chat with the desk)."""
    await tg.send(message_update(HAN, "/file"))
    await tg.send(button_update(HAN, 2002, "via:phone"))
    await tg.send(message_update(HAN, "王芳"))
    await tg.send(message_update(HAN, "13812345678"))
    await tg.send(button_update(HAN, 2002, "category:product_quality"))
    await tg.send(message_update(HAN, "客户来电：电水壶底部漏水"))
    await tg.send(button_update(HAN, 2002, "skip:details"))
    await tg.send(button_update(HAN, 2002, "wanted:replacement"))
    await tg.send(button_update(HAN, 2002, "confirm:submit"))


async def said_to(tg: Telegram, sender: dict[str, object], text: str) -> str:
    """What the bot answered last in the sender's private chat after `text`."""
    await tg.send(message_update(sender, text))
    return tg.api.texts_to(int(str(sender["id"])))[-1]


DUE = "\0"  # where a due time goes in a sentence


def before_due(text: str) -> str:
    return text.split(DUE)[0]


async def test_a_phone_customers_answers_recorded_by_staff_on_telegram(world: World) -> None:
    async with running(world, "polling") as tg:
        await file_by_phone(tg)
        number = (await world.only(Case)).number
        await tg.send(button_update(LI, GROUPS["product"], f"take:{number}", 1))
        await said_to(tg, LI, f"/valid {number} 壶底焊点开裂 | 焊接温度不够")
        await said_to(tg, LI, f"/propose {number} 换一个新壶")
        assert (await world.only(Case)).status is CaseStatus.SOLUTION_PROPOSED
        assert any("换一个新壶" in text for text in tg.api.texts_to(2001))  # to call her

        outsider = await said_to(tg, LIU, f"/accepted {number}")
        product = world.desk.policy.department("product").names[Language.ZH_HANS]
        assert outsider == refusal(
            ZH, "access.department", {"number": number, "department": product}, staff=True
        )
        assert (await world.only(Case)).status is CaseStatus.SOLUTION_PROPOSED

        accepted = await said_to(tg, HAN, f"/accepted {number}")
        assert accepted.startswith(before_due(replies.recorded_accepted(ZH, number, DUE)))
        assert (await world.only(Case)).status is CaseStatus.AGREED_BY_CUSTOMER
        told = before_due(relays.customer_accepted(ZH, number, DUE))  # as if she pressed it
        assert tg.api.texts_to(2001)[-1].startswith(told)

        await said_to(tg, LI, f"/implement {number}")
        await said_to(tg, LI, f"/resolve {number} 已上门换新壶")
        await said_to(tg, HAN, f"/review {number}")
        assert (await world.only(Case)).status is CaseStatus.FOLLOW_UP

        bad = await said_to(tg, HAN, f"/rated {number} solved 9")
        assert bad == refusal(ZH, "survey.score_range", {})
        rated = await said_to(tg, HAN, f"/rated {number} solved 5 很满意，谢谢")
        assert rated == replies.recorded_survey(ZH, number, 5, closed=True)
        again = await said_to(tg, HAN, f"/rated {number} solved 4")
        assert again == refusal(ZH, "survey.not_open", {"number": number})

    case = await world.only(Case)
    assert (case.status, case.solved) == (CaseStatus.CLOSED, True)
    survey = await world.only(Survey)
    assert (survey.solved, survey.score, survey.comment) == (True, 5, "很满意，谢谢")
    measures = await overall(world)
    assert (measures.answered, measures.satisfied, measures.closed_solved) == (1, 1, 1)
    recorded = [e for e in await world.all(CaseEvent) if e.data.get("recorded_by")]
    assert [(e.kind, e.data["recorded_by"], e.data["via"]) for e in recorded] == [
        (EventKind.SOLUTION_ACCEPTED, "韩梅梅", "phone"),
        (EventKind.SURVEY_ANSWERED, "韩梅梅", "phone"),
    ]
