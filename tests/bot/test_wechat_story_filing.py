"""A complaint told in one message on WeChat, over real signed and encrypted callbacks
(issue 19). WeChat gives no name: no question comes before the summary, which says what
was understood, numbered, and that the name is optional (a name replied to it is taken);
"1" files it, anonymously without a name. A wrong category guess
corrected by number sends the case to the department the customer chose."""

from __future__ import annotations

import re

from storage.models import Case, Customer
from tests.bot.wechat_harness import ROBOTS, running
from tests.fakes.world import World

CUSTOMER = "o-customer-019"
TOLD = "快递昨天显示已签收，但我根本没收到包裹，我要退款。"


def number_of(text: str, label: str) -> str:
    """The number WeChat shows before an option's label."""
    found = re.search(rf"^(\d+)\. {re.escape(label)}$", text, re.MULTILINE)
    assert found is not None, text
    return found.group(1)


async def test_a_story_that_says_everything_is_filed_in_two_bot_turns(world: World) -> None:
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, TOLD)
        summary = wx.api.texts_to(CUSTOMER)[-1]
        assert "请问怎么称呼您" not in summary
        assert "类别：交付与物流（从您的描述判断）" in summary
        assert "发生时间：2026-11-23（从您的描述判断）" in summary
        assert "称呼：（未留，可直接回复您的称呼）" in summary
        assert number_of(summary, "提交") == "1"
        await wx.customer_says(CUSTOMER, "1")
        case = await world.only(Case)
        said = wx.api.texts_to(CUSTOMER)
        assert len(said) == 2 and case.number in said[-1]  # summary, receipt
        assert (case.category, case.department) == ("delivery", "logistics")
        assert (await world.only(Customer)).name is None  # filed anonymously


async def test_a_name_replied_to_the_summary_is_the_customers(world: World) -> None:
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, TOLD)
        await wx.customer_says(CUSTOMER, "王芳")
        summary = wx.api.texts_to(CUSTOMER)[-1]
        assert "称呼：王芳" in summary
        await wx.customer_says(CUSTOMER, number_of(summary, "提交"))
        case = await world.only(Case)
        said = wx.api.texts_to(CUSTOMER)
        assert len(said) == 3 and case.number in said[-1]  # summary x2, receipt
        assert (case.category, case.department) == ("delivery", "logistics")
        assert (await world.only(Customer)).name == "王芳"


async def test_a_wrong_guess_corrected_by_number_and_an_anonymous_filing(world: World) -> None:
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, TOLD)
        await wx.customer_says(CUSTOMER, TOLD)  # told again: not a name
        summary = wx.api.texts_to(CUSTOMER)[-1]
        assert "称呼：（未留" in summary
        await wx.customer_says(CUSTOMER, number_of(summary, "更正类别"))
        question = wx.api.texts_to(CUSTOMER)[-1]
        await wx.customer_says(CUSTOMER, number_of(question, "产品质量"))
        summary = wx.api.texts_to(CUSTOMER)[-1]
        assert "类别：产品质量\n" in summary
        await wx.customer_says(CUSTOMER, number_of(summary, "提交"))
        case = await world.only(Case)
        assert (case.category, case.department) == ("product_quality", "product")
        card = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]
        assert case.number in card["markdown"]["content"]
        assert (await world.only(Customer)).name is None  # filed anonymously


HAZARD = "昨天在你们店买的充电宝，充电的时候鼓包冒烟，差点着火。我要退货。"  # read: safety


async def test_a_wrong_guess_corrected_by_its_number_is_filed_in_three_bot_turns(
    world: World,
) -> None:
    """Summary (numbered, the next likely category offered as 改为), the corrected summary
    after one number, receipt."""
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, HAZARD)
        summary = wx.api.texts_to(CUSTOMER)[-1]
        assert "类别：安全（从您的描述判断）" in summary
        assert number_of(summary, "改为：产品质量") == "2"
        await wx.customer_says(CUSTOMER, "2")
        again = wx.api.texts_to(CUSTOMER)[-1]
        assert "类别：产品质量\n" in again and "改为：" not in again
        await wx.customer_says(CUSTOMER, number_of(again, "提交"))
        case = await world.only(Case)
        said = wx.api.texts_to(CUSTOMER)
        assert len(said) == 3 and case.number in said[-1]  # summary, corrected, receipt
        assert (case.category, case.department) == ("product_quality", "product")
        card = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]
        assert case.number in card["markdown"]["content"]
