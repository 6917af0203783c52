"""Danger phrases at filing and in the customer's later messages (issue 14): whole words,
each phrase alerted once per case, the alert proposing the grade rather than calling the
case general, urgency from the customer's own words."""

from __future__ import annotations

from conversations.base.values import Urgency
from conversations.intents import AnswerSurvey
from handlers import customer, danger, followup, resolution, solution
from storage.models import Case
from tests.fakes.policy import test_policy as policy
from tests.fakes.world import World
from tests.handlers.test_case_story import events, investigated, reload

MANAGERS = "management"


async def proposals(world: World, case: Case) -> list[list[str]]:
    return [e.data["words"] for e in await events(world, case) if e.kind == "grade_proposed"]


async def test_a_near_miss_at_filing_proposes_nothing_and_alerts_nobody(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, description="家里的烟雾报警器一直响，多媒体面板也坏了")
    assert case.proposed_severity is None
    assert await world.queued_texts(MANAGERS) == []


async def test_the_filing_alert_names_each_phrase_once_and_proposes_the_grade(
    world: World,
) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, description="再不处理就曝光，曝光！还要打12345")
    (alert,) = await world.queued_texts(MANAGERS)
    assert alert.count("曝光") == 1 and "12345" in alert
    assert "重大" in alert and f"/regrade {case.number} major" in alert
    assert "一般" not in alert  # not 'case N is general' while asking to raise it


async def test_a_later_message_alerts_once_per_phrase(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, description="水壶漏水")
    await world.act(customer.add_info, buyer, case.number, "我要投诉到市场监管局")
    stored = await reload(world, case)
    assert (stored.proposed_severity, stored.urgency) == ("major", Urgency.URGENT)
    assert "紧急" in (await world.queued_texts("product"))[-1].splitlines()[0]  # card redrawn
    assert len(await world.queued_texts(MANAGERS)) == 1
    await world.act(customer.add_info, buyer, case.number, "我说了，投诉到市场监管局")
    assert len(await world.queued_texts(MANAGERS)) == 1
    await world.act(customer.add_info, buyer, case.number, "市场监管局和记者都会知道")
    alerts = await world.queued_texts(MANAGERS)
    assert len(alerts) == 2 and "记者" in alerts[1] and "市场监管局" not in alerts[1]
    assert await proposals(world, case) == [["市场监管局"], ["记者"]]


async def test_a_phrase_alerted_at_filing_stays_quiet_later(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, description="店员推我，我要报警")
    await world.act(customer.add_info, buyer, case.number, "我已经报警了")
    assert len(await world.queued_texts(MANAGERS)) == 1
    assert await proposals(world, case) == [["报警"]]


async def test_a_refusal_reason_is_checked(world: World) -> None:
    case, buyer, handler = await investigated(world)
    await world.act(solution.propose, handler, case.number, "A voucher")
    await world.act(customer.refuse, buyer, case.number, "No. I will call my lawyer")
    assert await proposals(world, case) == [["lawyer"]]
    assert "lawyer" in (await world.queued_texts(MANAGERS))[-1]


async def test_a_survey_comment_is_checked(world: World) -> None:
    case, buyer, handler = await investigated(world)
    service = await world.staff("韩梅梅", "service")
    await world.act(solution.propose, handler, case.number, "Replace it")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "Replaced")
    await world.act(resolution.review, service, case.number)
    survey = AnswerSurvey(case.number, False, 1, "还是坏的，我要发微博")
    await world.act(followup.answer_survey, buyer, survey)
    assert await proposals(world, case) == [["发微博"]]


def test_urgency_comes_from_the_customer_s_words_and_danger_phrases() -> None:
    grading = policy().grading
    assert danger.urgency_of("很急，孩子明天要用", grading) is Urgency.URGENT
    assert danger.urgency_of("Please fix it ASAP", grading) is Urgency.URGENT
    assert danger.urgency_of("我要投诉到消协", grading) is Urgency.URGENT
    assert danger.urgency_of("颜色不对，不着急", grading) is Urgency.NORMAL


async def test_the_department_card_shows_an_urgent_case(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer, description="颜色不对")
    await world.file(buyer, description="很急，孩子明天要用", urgency=Urgency.URGENT)
    plain, urgent = await world.queued_texts("product")
    assert "紧急" not in plain
    assert "紧急" in urgent.splitlines()[0]
