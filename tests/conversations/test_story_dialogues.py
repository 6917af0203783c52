"""A complaint told in one message, filed through handlers.dispatch (issue 19), on SQLite
and PostgreSQL: what the story says is not asked again, the summary says what was
understood, a wrong guess corrected there routes the case where the customer said, and a
customer the platform does not name is asked once and may stay anonymous."""

from __future__ import annotations

from datetime import date

from conversations.base.values import EventKind, Wanted
from storage.models import Case, CaseEvent, Customer
from tests.fakes.chat import Chat, actions
from tests.fakes.world import World

TOLD = "快递昨天显示已签收，但我根本没收到包裹，我要退款。"  # delivery, refund, yesterday


async def test_a_story_that_says_everything_is_summed_up_at_once_and_filed(world: World) -> None:
    chat = Chat(world, "u1", name="王芳")  # the platform names the customer
    summary = await chat.send(TOLD)
    assert len(summary) == 1
    assert "类别：交付与物流（从您的描述判断）" in summary[0].text
    assert "您的诉求：退款（从您的描述判断）" in summary[0].text
    assert "发生时间：2026-11-23（从您的描述判断）" in summary[0].text
    assert actions(summary)[:4] == ["confirm:submit", "edit:category", "edit:wanted", "edit:when"]
    receipt = await chat.press("confirm:submit")
    case = await world.only(Case)
    assert case.number in receipt[0].text
    assert (case.category, case.wanted, case.occurred_on, case.department) == (
        "delivery",
        Wanted.REFUND,
        date(2026, 11, 23),
        "logistics",
    )
    assert len(chat.said()) == 2  # two bot turns: the summary and the receipt


async def test_a_wrong_guess_corrected_on_the_summary_routes_where_the_customer_said(
    world: World,
) -> None:
    chat = Chat(world, "u1", name="王芳")
    await chat.send(TOLD)
    asked = await chat.press("edit:category")
    assert len(asked) == 1 and actions(asked)[-1] == "category:delivery"  # the guess last
    summary = await chat.press("category:product_quality")
    assert "类别：产品质量\n" in summary[0].text  # the customer's own answer: not marked
    assert "您的诉求：退款（从您的描述判断）" in summary[0].text
    await chat.press("confirm:submit")
    case = await world.only(Case)
    assert (case.category, case.department, case.wanted) == (
        "product_quality",
        "product",
        Wanted.REFUND,
    )
    assert len(chat.said()) == 4  # summary, the one question, the summary again, receipt


async def test_without_a_name_from_the_platform_the_summary_offers_it(
    world: World,
) -> None:
    """Issue 19: no name question before the summary; a name replied to it is taken."""
    chat = Chat(world, "u1")  # the console and WeChat give no name
    shown = await chat.send(TOLD)
    assert "称呼：（未留，可直接回复您的称呼）" in shown[0].text
    assert "skip:name" not in actions(shown)
    summary = await chat.send("王芳")
    assert "称呼：王芳" in summary[0].text
    await chat.press("confirm:submit")
    case = await world.only(Case)
    customer = await world.only(Customer)
    assert (case.category, customer.name) == ("delivery", "王芳")
    assert len(chat.said()) == 3  # summary, summary with the name, receipt


async def test_a_filing_submitted_without_a_name_is_anonymous(world: World) -> None:
    chat = Chat(world, "u1")
    summary = await chat.send(TOLD)
    assert "称呼：（未留" in summary[0].text
    again = await chat.send(TOLD)  # the story typed again is not a name
    assert "称呼：（未留" in again[-1].text
    await chat.press("confirm:submit")
    assert len(chat.said()) == 4  # summary, please choose + summary, receipt
    case = await world.only(Case)
    customer = await world.only(Customer)
    assert case.customer_id == customer.id and customer.name is None
    filed = [e for e in await world.all(CaseEvent) if e.kind == EventKind.FILED]
    assert [e.data for e in filed] == [{"kind": "complaint", "anonymous": True}]


async def test_a_named_filing_event_does_not_say_anonymous(world: World) -> None:
    chat = Chat(world, "u1")
    await chat.send(TOLD)
    await chat.send("王芳")
    await chat.press("confirm:submit")
    filed = [e for e in await world.all(CaseEvent) if e.kind == EventKind.FILED]
    assert [e.data for e in filed] == [{"kind": "complaint"}]


HAZARD = "昨天在你们店买的充电宝，充电的时候鼓包冒烟，差点着火。我要退货。"  # read: safety


async def test_a_wrong_guess_corrected_in_one_tap_is_filed_in_three_turns(world: World) -> None:
    chat = Chat(world, "u1", name="王芳")
    summary = await chat.send(HAZARD)
    assert "类别：安全（从您的描述判断）" in summary[0].text
    assert actions(summary)[:3] == ["confirm:submit", "alt:product_quality", "edit:category"]
    assert summary[0].choices[1]["label"] == "改为：产品质量"
    again = await chat.press("alt:product_quality")
    assert len(again) == 1 and "类别：产品质量\n" in again[0].text  # chosen now: not marked
    assert "alt:product_quality" not in actions(again)
    await chat.press("confirm:submit")
    case = await world.only(Case)
    assert (case.category, case.department, case.wanted) == (
        "product_quality",
        "product",
        Wanted.REFUND,
    )
    assert len(chat.said()) == 3  # summary, the corrected summary, receipt


async def test_a_forged_or_stale_alternative_is_refused_and_nothing_changes(
    world: World,
) -> None:
    chat = Chat(world, "u1", name="王芳")
    await chat.send(HAZARD)
    forged = await chat.press("alt:contract")
    assert forged[0].text == "这个按钮在这里不可用（或已失效）。"
    assert "类别：安全（从您的描述判断）" in forged[-1].text
    await chat.press("alt:product_quality")
    stale = await chat.press("alt:product_quality")  # pressed again under the old summary
    assert stale[0].text == "这个按钮在这里不可用（或已失效）。"
    await chat.send("1")  # submit, typed
    case = await world.only(Case)
    assert case.category == "product_quality"


async def test_a_typed_number_picks_what_the_summary_shows(world: World) -> None:
    """WeChat and the console show the options numbered: 2 is the first correction."""
    chat = Chat(world, "u1", name="王芳")
    await chat.send(TOLD)
    asked = await chat.send("2")
    assert actions(asked)[-1] == "category:delivery"
    await chat.send("1")  # the first category shown: the story's guess is last
    await chat.send("1")  # submit
    case = await world.only(Case)
    assert case.category == "product_quality"
