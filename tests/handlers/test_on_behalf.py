"""Staff record the answers of a customer who has no chat with the desk (a case filed for
them by phone: seed 001 首问负责制): /accepted, /refused, /rated go through the customer's
own use cases (same lifecycle, clocks, notices, measures), the timeline names who took the
answer and how; customers with a chat, other staff and answers out of order are refused
(both backends)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from conversations import notices, relays, replies
from conversations.base.i18n import translation
from conversations.base.policy import Language, Step
from conversations.base.values import (
    ActorKind,
    CaseKind,
    CaseStatus,
    EventKind,
    Role,
    Validity,
    Wanted,
)
from conversations.intents import AnswerSurvey, FileCase, Findings
from conversations.staff_filing import call_customer
from conversations.wording import event_label, refusal
from handlers import customer, investigate, on_behalf, resolution, solution
from handlers.actors import Actor
from handlers.common import due_words
from handlers.desk import Desk
from handlers.manage import regrade
from handlers.miniapp_case import CasePage, case_page
from handlers.progress import report_progress
from handlers.refusals import Refusal
from handlers.staff_file import file_on_behalf
from handlers.take import take
from storage.measures import Dimension, Measures, Period, compute
from storage.models import Case, CaseEvent, Customer, Deadline, Identity, Survey
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.chat import Chat
from tests.fakes.world import World
from tests.handlers.staff_people import member

ZH, HANT, EN = (translation(language) for language in Language)
PHONE = "13812345678"


async def phone_case(world: World, **fields: Any) -> tuple[Case, Actor, Actor]:
    """A complaint 韩梅梅 of customer service took by phone for 王芳 (no chat), taken by
    李雷 of product, who found it valid: ready for a solution. The case, 韩梅梅, 李雷."""
    han = await member(world, "韩梅梅", "service")
    li = await member(world, "李雷", "product")
    filing = FileCase(
        kind=CaseKind.COMPLAINT,
        category="product_quality",
        description="电话投诉：电水壶底部漏水，想换新",
        wanted=Wanted.REPLACEMENT,
        name="王芳",
        phone=PHONE,
        **fields,
    )
    received = await world.act(file_on_behalf, han, "phone", filing, "console")
    number = received.case.number
    await world.act(take, li, number)
    await world.act(
        investigate.record_findings, li, Findings(number, Validity.VALID, "焊点开裂", "温度")
    )
    return received.case, han, li


async def proposed(world: World) -> tuple[Case, Actor, Actor]:
    case, han, li = await phone_case(world)
    await world.act(solution.propose, li, case.number, "换一个新壶")
    return case, han, li


async def in_follow_up(world: World) -> tuple[Case, Actor, Actor]:
    """Accepted for the customer, carried out, reviewed by 韩梅梅: the survey is out."""
    case, han, li = await proposed(world)
    await world.act(on_behalf.accepted, han, case.number)
    await world.act(resolution.resolve, li, case.number, "已换新")
    await world.act(resolution.review, han, case.number)
    return case, han, li


async def reloaded(world: World, case: Case) -> Case:
    return await world.read(lambda uow: _get(uow, case.id))


async def _get(uow: UnitOfWork, case_id: int) -> Case:
    found = await uow.session.get(Case, case_id)
    assert found is not None
    return found


async def timeline(world: World, case: Case) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        found = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        return list(await uow.session.scalars(found))

    return await world.read(query)


async def open_steps(world: World, case: Case) -> list[tuple[str, Any]]:
    async def query(uow: UnitOfWork) -> list[tuple[str, Any]]:
        rows = await uow.session.scalars(
            select(Deadline)
            .where(Deadline.case_id == case.id, Deadline.met_at.is_(None))
            .order_by(Deadline.id)
        )
        return [(row.step, row.due_at) for row in rows]

    return await world.read(query)


async def overall(world: World) -> Measures:
    now = world.clock.now()
    period = Period(now - timedelta(days=30), now + timedelta(days=1))

    async def query(uow: UnitOfWork) -> Measures:
        (record,) = await compute(uow.session, period, Dimension.OVERALL, now, 4)
        return record

    return await world.read(query)


# -- what is recorded, and that it is what the customer's own press would do ------------


async def test_accepted_moves_the_case_and_clocks_as_the_customers_own_press(
    world: World,
) -> None:
    case, han, li = await proposed(world)
    done = await world.act(on_behalf.accepted, han, case.number)
    assert done.status is CaseStatus.AGREED_BY_CUSTOMER
    last = (await timeline(world, case))[-1]
    assert (last.kind, last.actor_kind, last.actor_id) == (
        EventKind.SOLUTION_ACCEPTED,
        ActorKind.STAFF,
        han.id,
    )
    assert last.data == {"recorded_by": "韩梅梅", "via": "phone"} and last.customer_visible
    # a customer with a chat accepting the same solution at the same moment
    buyer = await world.customer("李四", "13900001111")
    own = await world.file(buyer)
    await world.act(take, li, own.number)
    await world.act(investigate.record_findings, li, Findings(own.number, Validity.VALID, "a", "b"))
    await world.act(solution.propose, li, own.number, "换一个新壶")
    await world.act(customer.accept, buyer, own.number)
    assert await open_steps(world, case) == await open_steps(world, own)
    due = dict(await open_steps(world, case))[Step.IMPLEMENT]
    # the handler hears it as from the customer, with the time to carry it out by
    language = world.desk.policy.default_language
    told = relays.customer_accepted(ZH, case.number, due_words(world.desk, language, due))
    assert told in await world.queued_texts(f"staff:{li.name}")


async def test_the_timeline_names_who_took_the_answer_and_how_in_each_language(
    world: World,
) -> None:
    case, han, _ = await proposed(world)
    await world.act(on_behalf.refused, han, case.number, "想要退款")
    refused = (await timeline(world, case))[-1]
    assert refused.data == {"reason": "想要退款", "recorded_by": "韩梅梅", "via": "phone"}
    assert event_label(ZH, refused.kind, refused.data) == "韩梅梅代客户拒绝方案（电话）"
    assert event_label(HANT, refused.kind, refused.data) == "韩梅梅代客戶拒絕方案（電話）"
    assert event_label(EN, refused.kind, refused.data) == (
        "韩梅梅 recorded the customer's refusal (by phone)"
    )
    accepted = {"recorded_by": "韩梅梅", "via": "phone"}
    assert (
        event_label(ZH, EventKind.SOLUTION_ACCEPTED, accepted) == "韩梅梅代客户确认接受方案（电话）"
    )
    counter = {"recorded_by": "李雷", "via": "counter", "score": 5}
    assert event_label(ZH, EventKind.SURVEY_ANSWERED, counter) == "李雷代客户填写满意度回访（柜台）"
    # events nobody recorded for a customer keep their usual words
    assert event_label(ZH, EventKind.SOLUTION_ACCEPTED, {}) == ZH.gettext(
        "customer accepted the solution"
    )


async def test_the_mini_app_timeline_names_who_took_the_answer(world: World) -> None:
    case, han, li = await proposed(world)
    await world.act(on_behalf.accepted, han, case.number)

    async def opened(uow: UnitOfWork, desk: Desk) -> CasePage:
        return await case_page(uow.session, desk, li, Language.ZH_HANT, case.number)

    entries = [(entry.label, entry.who) for entry in (await world.act(opened)).timeline]
    assert ("韩梅梅代客戶確認接受方案（電話）", "韩梅梅") in entries


async def test_the_progress_report_shows_who_took_the_answer(world: World) -> None:
    case, han, li = await phone_case(world)
    boss = await member(world, "张总", "management", Role.MANAGER)
    await world.act(regrade, boss, case.number, "important", "多次来电")  # reports progress
    await world.act(solution.propose, li, case.number, "换一个新壶")
    await world.act(solution.approve, boss, case.number)
    await world.act(on_behalf.accepted, han, case.number)
    world.clock.advance(days=3)
    assert await world.act(report_progress) == 1
    report = (await world.queued_texts("service"))[-1]
    assert "韩梅梅代客户确认接受方案（电话） (韩梅梅)" in report


async def test_refused_sends_the_reason_to_the_handler_and_restarts_the_proposal_clock(
    world: World,
) -> None:
    case, han, li = await proposed(world)
    done = await world.act(on_behalf.refused, han, case.number, "想要退款")
    assert done.status is CaseStatus.INVESTIGATING
    assert Step.PROPOSE in dict(await open_steps(world, case))
    told = relays.customer_refused(ZH, case.number, "想要退款")
    assert told in await world.queued_texts(f"staff:{li.name}")
    again = await world.act(solution.propose, li, case.number, "全额退款")  # revised
    assert again.status is CaseStatus.SOLUTION_PROPOSED


async def test_rated_closes_the_case_and_counts_in_the_measures(world: World) -> None:
    case, han, li = await in_follow_up(world)
    answer = AnswerSurvey(case.number, True, 5, "很满意，谢谢")
    done = await world.act(on_behalf.rated, han, answer)
    assert done.status is CaseStatus.CLOSED and done.solved is True
    survey = await world.only(Survey)
    assert (survey.solved, survey.score, survey.comment) == (True, 5, "很满意，谢谢")
    assert survey.answered_at == world.clock.now()
    answered = [e for e in await timeline(world, case) if e.kind == EventKind.SURVEY_ANSWERED]
    assert [(e.actor_id, e.data) for e in answered] == [
        (han.id, {"solved": True, "score": 5, "recorded_by": "韩梅梅", "via": "phone"})
    ]
    measures = await overall(world)
    assert (measures.answered, measures.satisfied, measures.mean_score) == (1, 1, 5)
    assert (measures.closed, measures.closed_solved) == (1, 1)
    # the closing notice goes to whoever owns the case, to pass on by phone
    closed = call_customer(ZH, case.number, notices.closed(ZH, case.number))
    assert closed in await world.queued_texts(f"staff:{li.name}")


async def test_the_owner_is_told_how_to_record_the_answer_the_message_asks_for(
    world: World,
) -> None:
    """The proposal's Accept/Refuse and the survey's buttons cannot reach a customer with
    no chat: the relay to whoever owns the case names the command that records the
    answer; a notice that asks nothing (the closing one) names none."""
    case, _, li = await in_follow_up(world)
    relayed = await world.queued_texts(f"staff:{li.name}")
    accept = [text for text in relayed if f"/accepted {case.number}" in text]
    assert accept and all(f"/refused {case.number}" in text for text in accept)
    assert any(f"/rated {case.number} solved|unsolved" in text for text in relayed)
    closed = notices.closed(ZH, case.number)
    assert call_customer(ZH, case.number, closed).endswith(closed)  # no buttons: no hint


async def test_an_unsatisfied_answer_reopens_the_case_with_the_grade_raised(
    world: World,
) -> None:
    case, han, _ = await in_follow_up(world)
    done = await world.act(on_behalf.rated, han, AnswerSurvey(case.number, False, 2, "还是漏"))
    assert done.status is CaseStatus.INVESTIGATING and done.reopen_count == 1
    assert done.severity == world.desk.policy.grading.second_complaint_grade
    assert (await overall(world)).satisfied == 0


# -- who may record, and for whom --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "department", "role"),
    [
        ("韩梅梅", "", Role.STAFF),  # the receiver
        ("李雷", "", Role.STAFF),  # the handler
        ("王主管", "product", Role.LEAD),
        ("张总", "management", Role.MANAGER),
    ],
)
async def test_the_receiver_handler_lead_and_managers_may_record(
    world: World, name: str, department: str, role: Role
) -> None:
    case, han, li = await proposed(world)
    actor = {"韩梅梅": han, "李雷": li}.get(name) or await member(world, name, department, role)
    done = await world.act(on_behalf.accepted, actor, case.number)
    assert done.status is CaseStatus.AGREED_BY_CUSTOMER


@pytest.mark.parametrize(
    ("name", "department", "role", "key"),
    [
        ("物流小刘", "logistics", Role.STAFF, "access.department"),
        ("物流主管", "logistics", Role.LEAD, "access.department"),
        ("产品小王", "product", Role.STAFF, "access.not_handler"),
        ("客服小赵", "service", Role.STAFF, "access.department"),  # not the receiver
    ],
)
async def test_other_staff_are_refused_and_nothing_changes(
    world: World, name: str, department: str, role: Role, key: str
) -> None:
    case, _, _ = await proposed(world)
    other = await member(world, name, department, role)
    before = await timeline(world, case)
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.accepted, other, case.number)
    assert refused.value.key == key
    assert (await reloaded(world, case)).status is CaseStatus.SOLUTION_PROPOSED
    assert len(await timeline(world, case)) == len(before)


async def test_customer_service_may_record_the_survey_it_runs(world: World) -> None:
    case, _, _ = await in_follow_up(world)
    service = await member(world, "客服小赵", "service")
    done = await world.act(on_behalf.rated, service, AnswerSurvey(case.number, True, 4))
    assert done.status is CaseStatus.CLOSED


async def test_a_customer_cannot_record_for_themselves(world: World) -> None:
    case, _, _ = await proposed(world)
    stranger = await world.customer("李四", "13900001111")
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.accepted, stranger, case.number)
    assert refused.value.key == "access.staff_only"


async def test_a_customer_with_a_chat_answers_there_themselves(world: World) -> None:
    li = await member(world, "李雷", "product")
    buyer = await world.customer()
    case = await world.file(buyer)
    await world.act(take, li, case.number)
    await world.act(investigate.record_findings, li, Findings(case.number, Validity.VALID, "a"))
    await world.act(solution.propose, li, case.number, "换一个新壶")
    for use_case, args in (
        (on_behalf.accepted, ()),
        (on_behalf.refused, ("想要退款",)),
    ):
        with pytest.raises(Refusal) as refused:
            await world.act(use_case, li, case.number, *args)
        assert refused.value.key == "on_behalf.has_chat"
    assert (await reloaded(world, case)).status is CaseStatus.SOLUTION_PROPOSED


async def test_a_phone_case_whose_customer_has_a_chat_now_is_theirs_to_answer(
    world: World,
) -> None:
    case, han, _ = await proposed(world)
    async with unit_of_work(world.db) as uow:  # 王芳 wrote to the desk since, same phone
        found = await uow.session.get(Customer, case.customer_id)
        assert found is not None
        uow.session.add(
            Identity(
                channel="telegram",
                external_id="1001",
                customer_id=found.id,
                created_at=world.clock.now(),
            )
        )
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.accepted, han, case.number)
    assert refused.value.key == "on_behalf.has_chat"


# -- out of order: the customer's answers, in staff words -------------------------------


def staff_words(refused: Refusal, t: Any = ZH) -> str:
    return refusal(t, refused.key, refused.params, staff=True)


async def test_no_solution_yet_is_refused_naming_the_status_in_staff_words(
    world: World,
) -> None:
    case, han, _ = await phone_case(world)
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.accepted, han, case.number)
    assert refused.value.key == "case.wrong_status"
    for t in (ZH, HANT, EN):
        said = staff_words(refused.value, t)
        assert t.gettext("under investigation") in said and "investigating" not in said


async def test_a_solution_awaiting_approval_is_not_the_customers_yet(world: World) -> None:
    case, han, li = await phone_case(world)
    boss = await member(world, "张总", "management", Role.MANAGER)
    await world.act(regrade, boss, case.number, "important", "多次来电")
    await world.act(solution.propose, li, case.number, "换一个新壶")
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.accepted, han, case.number)
    assert refused.value.key == "on_behalf.awaiting_approval"
    await world.act(solution.approve, boss, case.number)
    done = await world.act(on_behalf.accepted, han, case.number)
    assert done.status is CaseStatus.AGREED_BY_CUSTOMER


async def test_answering_twice_is_refused(world: World) -> None:
    case, han, _ = await proposed(world)
    await world.act(on_behalf.accepted, han, case.number)
    for use_case, args in (
        (on_behalf.accepted, ()),
        (on_behalf.refused, ("不要了",)),
    ):
        with pytest.raises(Refusal) as refused:
            await world.act(use_case, han, case.number, *args)
        assert refused.value.key == "case.wrong_status"
        said = staff_words(refused.value)
        assert ZH.gettext("agreed by the customer, to be carried out") in said


async def test_the_survey_before_follow_up_and_a_second_time_are_refused(
    world: World,
) -> None:
    case, han, li = await proposed(world)
    with pytest.raises(Refusal) as early:
        await world.act(on_behalf.rated, han, AnswerSurvey(case.number, True, 5))
    assert early.value.key == "survey.not_open"
    await world.act(on_behalf.accepted, han, case.number)
    await world.act(resolution.resolve, li, case.number, "已换新")
    await world.act(resolution.review, han, case.number)
    await world.act(on_behalf.rated, han, AnswerSurvey(case.number, True, 5))
    with pytest.raises(Refusal) as twice:
        await world.act(on_behalf.rated, han, AnswerSurvey(case.number, True, 4))
    assert twice.value.key == "survey.not_open"
    assert (await world.only(Survey)).score == 5
    with pytest.raises(Refusal) as after_close:
        await world.act(on_behalf.accepted, han, case.number)
    assert after_close.value.key == "case.wrong_status"
    assert ZH.gettext("closed") in staff_words(after_close.value)


@pytest.mark.parametrize("score", [0, 6, -1])
async def test_a_score_outside_the_surveys_range_is_refused(world: World, score: int) -> None:
    case, han, _ = await in_follow_up(world)
    with pytest.raises(Refusal) as refused:
        await world.act(on_behalf.rated, han, AnswerSurvey(case.number, True, score))
    assert refused.value.key == "survey.score_range"
    assert (await world.only(Survey)).answered_at is None


# -- through the staff member's chat -------------------------------------------------------


async def answer(chat: Chat, text: str) -> str:
    """The bot's one direct answer to what the staff member typed."""
    await chat.send(text)
    (reply,) = chat.answered
    return reply.text


async def test_the_commands_in_chat_answer_in_staff_words(world: World) -> None:
    case, han, li = await phone_case(world)
    chat = Chat(world, f"staff:{han.name}")
    early = await answer(chat, f"/accepted {case.number}")
    assert early == refusal(
        ZH, "case.wrong_status", {"number": case.number, "status": "investigating"}, staff=True
    )
    assert "investigating" not in early  # the status in words, never its stored key
    await world.act(solution.propose, li, case.number, "换一个新壶")
    done = await answer(chat, f"/accepted {case.number}")
    due = dict(await open_steps(world, case))[Step.IMPLEMENT]
    when = due_words(world.desk, Language.ZH_HANS, due)
    assert done == replies.recorded_accepted(ZH, case.number, when)
    await world.act(resolution.resolve, li, case.number, "已换新")
    await world.act(resolution.review, han, case.number)
    bad = await answer(chat, f"/rated {case.number} solved 9")
    assert bad == refusal(ZH, "survey.score_range", {})
    rated = await answer(chat, f"/rated {case.number} solved 5 很满意")
    assert rated == replies.recorded_survey(ZH, case.number, 5, closed=True)
    assert (await reloaded(world, case)).status is CaseStatus.CLOSED


async def test_a_refusal_typed_in_chat_is_recorded_with_the_reason(world: World) -> None:
    case, han, _ = await proposed(world)
    chat = Chat(world, f"staff:{han.name}")
    ask = await answer(chat, f"/refused {case.number}")
    assert ask == ZH.gettext("Send the reason the customer gave.")
    done = await answer(chat, "想要退款，不要换新")
    assert done == replies.recorded_refused(ZH, case.number)
    last = (await timeline(world, case))[-1]
    assert last.kind == EventKind.SOLUTION_REFUSED and last.data["reason"] == "想要退款，不要换新"


async def test_a_customer_with_a_chat_is_named_politely_in_chat(world: World) -> None:
    li = await member(world, "李雷", "product")
    buyer = await world.customer()
    case = await world.file(buyer)
    await world.act(take, li, case.number)
    chat = Chat(world, f"staff:{li.name}")
    said = await answer(chat, f"/accepted {case.number}")
    assert said == refusal(ZH, "on_behalf.has_chat", {"number": case.number})
