"""A complaint told in one message on Telegram, with the real aiogram client against the
fake Bot API (issue 19): Telegram names the customer, so a story that says the category,
the wish and the date is answered with the summary, and filed; a wrong category guess
corrected on the summary sends the case to the department the customer chose."""

from __future__ import annotations

from typing import Any

import pytest

from storage.models import Case
from tests.bot.telegram_harness import GROUPS, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

CUSTOMER = user(1001, "王芳")
ENGLISH = user(1002, "Fang", language="en")
TOLD = "快递昨天显示已签收，但我根本没收到包裹，我要退款。"
TOLD_EN = (
    "Yesterday the tracking said my parcel was delivered, but I never received it. I want a refund."
)


def buttons(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_story_that_says_everything_is_filed_after_the_summary(
    world: World, mode: str
) -> None:
    async with running(world, mode) as tg:
        await tg.send(message_update(CUSTOMER, TOLD))
        summary = tg.api.sent("sendMessage", 1001)[-1]
        assert "交付与物流（从您的描述判断）" in summary["text"]
        assert buttons(summary)[:2] == ["confirm:submit", "edit:category"]
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)
        said = tg.api.texts_to(1001)
        assert len(said) == 2 and case.number in said[-1]  # summary and receipt
        assert case.department == "logistics"
        assert case.number in tg.api.texts_to(GROUPS["logistics"])[-1]


async def test_a_wrong_guess_corrected_on_the_summary_goes_to_the_chosen_department(
    world: World,
) -> None:
    async with running(world, "polling") as tg:
        await tg.send(message_update(ENGLISH, TOLD_EN))
        said = tg.api.texts_to(1002)[-1]  # HTML: & is &amp;
        assert "Delivery &amp; logistics (from your description)" in said
        await tg.send(button_update(ENGLISH, 1002, "edit:category"))
        question = tg.api.sent("sendMessage", 1002)[-1]
        assert buttons(question)[-1] == "category:delivery"  # the wrong guess, last
        await tg.send(button_update(ENGLISH, 1002, "category:product_quality"))
        summary = tg.api.sent("sendMessage", 1002)[-1]
        assert "About: Product quality\n" in summary["text"]
        assert "Refund (from your description)" in summary["text"]
        await tg.send(button_update(ENGLISH, 1002, "confirm:submit"))
        case = await world.only(Case)
        assert (case.category, case.department) == ("product_quality", "product")
        assert case.number in tg.api.texts_to(GROUPS["product"])[-1]
        assert not tg.api.texts_to(GROUPS["logistics"])
        # summary, the one question, the summary again, the receipt
        assert len(tg.api.texts_to(1002)) == 4


HAZARD = "昨天在你们店买的充电宝，充电的时候鼓包冒烟，差点着火。我要退货。"  # read: safety


async def test_a_wrong_guess_corrected_with_one_tap_is_filed_in_three_bot_turns(
    world: World,
) -> None:
    """The summary offers the next likely category as a button: one tap corrects it."""
    async with running(world, "polling") as tg:
        await tg.send(message_update(CUSTOMER, HAZARD))
        summary = tg.api.sent("sendMessage", 1001)[-1]
        assert "类别：安全（从您的描述判断）" in summary["text"]
        assert buttons(summary)[:3] == ["confirm:submit", "alt:product_quality", "edit:category"]
        labels = [b["text"] for row in summary["reply_markup"]["inline_keyboard"] for b in row]
        assert "改为：产品质量" in labels
        await tg.send(button_update(CUSTOMER, 1001, "alt:product_quality"))
        again = tg.api.sent("sendMessage", 1001)[-1]
        assert "类别：产品质量\n" in again["text"]  # the customer's choice now: not marked
        assert "alt:product_quality" not in buttons(again)
        await tg.send(button_update(CUSTOMER, 1001, "alt:product_quality"))  # the old one
        assert "不可用" in tg.api.texts_to(1001)[-2]  # refused: nothing changed
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)
        assert (case.category, case.department) == ("product_quality", "product")
        assert case.number in tg.api.texts_to(GROUPS["product"])[-1]
        said = tg.api.texts_to(1001)
        # summary, corrected summary, (the stale press's answer and summary), receipt
        assert len(said) == 5 and case.number in said[-1]


async def test_one_tap_then_submit_is_three_bot_turns(world: World) -> None:
    async with running(world, "webhook") as tg:
        await tg.send(message_update(CUSTOMER, HAZARD))
        await tg.send(button_update(CUSTOMER, 1001, "alt:product_quality"))
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)
        said = tg.api.texts_to(1001)
        assert len(said) == 3 and case.number in said[-1]  # summary, corrected, receipt
        assert (case.category, case.department) == ("product_quality", "product")
