"""The staff side is told what concerns them, in staff wording (issue 13): cards headed by
where the case stands and who has it, supporting departments' marked cards, customer
service told of work waiting for review, managers of solutions waiting for approval, the
handler of what happens to their case. On SQLite and PostgreSQL."""

from __future__ import annotations

from gettext import NullTranslations

import pytest

from conversations import notices
from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.values import CaseStatus, Role, Validity
from conversations.intents import AnswerSurvey, Findings
from conversations.notices import CaseSummary
from conversations.wording import refusal, staff_status_label, status_label
from handlers import customer, followup, investigate, resolution, solution
from handlers.actors import Actor
from handlers.identify import Person
from handlers.manage import regrade
from handlers.mine import staff_cases
from handlers.take import take
from handlers.views import staff_case
from storage.cases import CaseRepository
from storage.models import Case, OutboxMessage, Survey
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.chat import Chat, deliver
from tests.fakes.world import World
from tests.handlers.staff_people import (
    actions,
    first_line,
    last_card,
    member,
    rows_to,
    speaking,
)

LANGUAGES = [Language.ZH_HANS, Language.ZH_HANT, Language.EN]

# The card's first line after each step of a general complaint handled by 李雷.
HEADERS = {
    Language.ZH_HANS: [
        "新案件 · 待接单",
        "已接单 · 李雷",
        "方案已提出 · 待客户确认 · 李雷",
        "实施中 · 李雷",
        "已解决 · 待复核 · 李雷",
        "回访中 · 待客户评价 · 李雷",
    ],
    Language.ZH_HANT: [
        "新案件 · 待接單",
        "已接單 · 李雷",
        "方案已提出 · 待客戶確認 · 李雷",
        "實施中 · 李雷",
        "已解決 · 待覆核 · 李雷",
        "回訪中 · 待客戶評價 · 李雷",
    ],
    Language.EN: [
        "new, waiting to be taken",
        "taken on · 李雷",
        "solution offered, waiting for the customer · 李雷",
        "being carried out · 李雷",
        "resolved, waiting for review · 李雷",
        "in follow-up, waiting for the customer's survey · 李雷",
    ],
}
APPROVAL = {
    Language.ZH_HANS: ("待审批 · 李雷", "已审批 · 待客户确认 · 李雷"),
    Language.ZH_HANT: ("待審批 · 李雷", "已審批 · 待客戶確認 · 李雷"),
    Language.EN: ("waiting for approval · 李雷", "approved, waiting for the customer · 李雷"),
}
CLOSED = {
    Language.ZH_HANS: "已结案 · 李雷",
    Language.ZH_HANT: "已結案 · 李雷",
    Language.EN: "closed · 李雷",
}


async def investigated(world: World) -> tuple[Case, Actor, Actor]:
    """A general complaint filed, taken by 李雷 of product and found valid."""
    buyer = await world.customer()
    handler = await member(world, "李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "密封圈不良")
    )
    return case, buyer, handler


async def headers_through_the_work(world: World) -> tuple[list[str], Case, Actor]:
    """The product card's first line after filing, take, propose, start, resolve, review."""
    buyer = await world.customer()
    handler = await member(world, "李雷", "product")
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    case = await world.file(buyer)
    seen = [first_line(await last_card(world, "product"))]
    await world.act(take, handler, case.number)
    seen.append(first_line(await last_card(world, "product")))
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "密封圈不良")
    )
    await world.act(solution.propose, handler, case.number, "换新")
    seen.append(first_line(await last_card(world, "product")))
    await world.act(customer.accept, buyer, case.number)  # the customer's answer: helper A's
    await world.act(resolution.start_work, handler, case.number)
    seen.append(first_line(await last_card(world, "product")))
    await world.act(resolution.resolve, handler, case.number, "已换新")
    seen.append(first_line(await last_card(world, "product")))
    await world.act(resolution.review, service, case.number)
    seen.append(first_line(await last_card(world, "product")))
    return seen, case, handler


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_card_heads_with_where_the_case_stands_and_who_has_it(
    world: World, language: Language
) -> None:
    seen, _, _ = await headers_through_the_work(speaking(world, language))
    assert seen == HEADERS[language]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_card_says_waiting_for_approval_then_approved(
    world: World, language: Language
) -> None:
    world = speaking(world, language)
    case, _, handler = await investigated(world)
    manager = await member(world, "张总", "management", Role.MANAGER)
    await world.act(regrade, manager, case.number, "important", "实际损失")
    await world.act(solution.propose, handler, case.number, "退款并致歉")
    assert first_line(await last_card(world, "product")) == APPROVAL[language][0]
    await world.act(solution.approve, manager, case.number)
    assert first_line(await last_card(world, "product")) == APPROVAL[language][1]


async def test_managers_are_asked_to_approve_and_the_handler_hears_the_answer(
    world: World,
) -> None:
    case, _, handler = await investigated(world)
    manager = await member(world, "张总", "management", Role.MANAGER)
    await world.act(regrade, manager, case.number, "important", "实际损失")
    await world.act(solution.propose, handler, case.number, "退款并致歉")
    (asked,) = [r for r in await rows_to(world, "management") if "退款并致歉" in r.payload["text"]]
    assert case.number in asked.payload["text"]
    assert actions(asked) == [f"approve:{case.number}", f"send_back:{case.number}"]
    await world.act(solution.approve, manager, case.number)
    told = [r.payload["text"] for r in await rows_to(world, "staff:李雷")]
    assert told[-1] == f"张总已审批案件 {case.number} 的方案，已请客户确认。"  # after the regrade's


async def test_a_solution_sent_back_reaches_the_handler_in_private(world: World) -> None:
    case, _, handler = await investigated(world)
    manager = await member(world, "张总", "management", Role.MANAGER)
    await world.act(regrade, manager, case.number, "important", "实际损失")
    await world.act(solution.propose, handler, case.number, "送优惠券")
    await world.act(solution.send_back, manager, case.number, "补偿力度不够")
    told = str((await rows_to(world, "staff:李雷"))[-1].payload["text"])
    assert case.number in told and "补偿力度不够" in told
    assert first_line(await last_card(world, "product")) == "调查中 · 李雷"


async def test_a_supporting_department_gets_a_marked_card_without_take_edited_in_place(
    world: World,
) -> None:
    """Billing: finance leads, customer service supports (POLICY §3)."""
    buyer = Chat(world, "u1", name="王芳")
    case = await world.file(await world.customer(), category="billing")
    await deliver(world, buyer.sender)
    first = await last_card(world, "service")
    assert first_line(first) == "协办 · 新案件 · 待接单"
    assert actions(first) == [f"details:{case.number}"]
    lead_card = await last_card(world, "finance")
    assert first_line(lead_card) == "新案件 · 待接单"
    assert f"take:{case.number}" in actions(lead_card)

    handler = await member(world, "钱会计", "finance")
    await world.act(take, handler, case.number)
    second = await last_card(world, "service")
    assert first_line(second) == "协办 · 已接单 · 钱会计"
    assert actions(second) == [f"details:{case.number}"]
    await deliver(world, buyer.sender)
    sent = buyer.sender.sent
    to_service = [n for n, m in enumerate(sent, start=1) if m.chat_id == "service"]
    assert len(to_service) == 2  # the first card, then its edit in place
    assert sent[to_service[1] - 1].edit_of == f"m{to_service[0]}"


async def test_customer_service_is_told_in_its_group_when_work_waits_for_review(
    world: World,
) -> None:
    case, buyer, handler = await investigated(world)
    await member(world, "韩梅梅", "service", Role.LEAD)
    await world.act(solution.propose, handler, case.number, "换新")
    await world.act(customer.accept, buyer, case.number)
    assert [r for r in await rows_to(world, "service") if r.purpose is None] == []
    await world.act(resolution.resolve, handler, case.number, "已上门换新")
    (told,) = [r for r in await rows_to(world, "service") if r.purpose is None]
    text = str(told.payload["text"])
    assert case.number in text and "李雷" in text and "已上门换新" in text and "复核" in text
    assert actions(told) == [f"review:{case.number}"]

    service = Chat(world, "staff:韩梅梅")
    answer = await service.press(f"review:{case.number}")
    assert case.number in answer[0].text
    stored = await world.read(lambda uow: CaseRepository(uow.session).get(case.id))
    assert stored is not None and stored.status is CaseStatus.FOLLOW_UP


async def test_the_handler_hears_when_customer_service_sends_the_work_back(world: World) -> None:
    case, buyer, handler = await investigated(world)
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    await world.act(solution.propose, handler, case.number, "换新")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "已换新")
    await world.act(resolution.reject_resolution, service, case.number, "客户说还没收到")
    told = str((await rows_to(world, "staff:李雷"))[-1].payload["text"])
    assert f"客服部退回了案件 {case.number}：客户说还没收到" in told
    assert first_line(await last_card(world, "product")) == "实施中 · 李雷"


async def in_follow_up(world: World) -> tuple[Case, Actor]:
    case, buyer, handler = await investigated(world)
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    await world.act(solution.propose, handler, case.number, "换新")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "已换新")
    await world.act(resolution.review, service, case.number)
    return case, buyer


async def test_the_handler_is_told_the_survey_answer(world: World) -> None:
    """resolution.tell_survey_answer, as handlers/followup.py calls it once the answer is
    recorded; a phone number in the comment stays masked."""
    case, _ = await in_follow_up(world)

    async def answered(uow: UnitOfWork) -> None:
        stored = await CaseRepository(uow.session).get(case.id)
        assert stored is not None
        survey = Survey(case_id=case.id, sent_at=world.clock.now(), solved=False, score=2)
        survey.comment = "还是漏水，打我电话13812345678"
        await resolution.tell_survey_answer(uow.session, world.desk, stored, survey)

    async with unit_of_work(world.db) as uow:
        await answered(uow)
    told = str((await rows_to(world, "staff:李雷"))[-1].payload["text"])
    assert f"案件 {case.number} 的客户已答复回访：问题未解决，满意度 2/5。" in told
    assert "还是漏水" in told and "13812345678" not in told


async def test_a_survey_answer_reaches_the_handler_and_the_closed_card(world: World) -> None:
    case, buyer = await in_follow_up(world)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 5, "很好"))
    told = str((await rows_to(world, "staff:李雷"))[-1].payload["text"])
    assert "问题已解决，满意度 5/5" in told and "很好" in told
    assert first_line(await last_card(world, "product")) == CLOSED[Language.ZH_HANS]


def customer_only(t: NullTranslations) -> set[str]:
    """The customer's words for statuses that staff never read."""
    staff = {staff_status_label(t, s, approval=a) for s in CaseStatus for a in (False, True)}
    return {status_label(t, s) for s in CaseStatus} - staff


def summary(number: str) -> CaseSummary:
    return CaseSummary(
        number, "complaint", "产品质量", "一般", "product", "漏水", "138****5678", "-"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_words_for_every_status_are_not_the_customers(language: Language) -> None:
    t = translation(language)
    forbidden = customer_only(t)
    assert status_label(t, CaseStatus.FOLLOW_UP) in forbidden  # "waiting for your feedback"
    for status in CaseStatus:
        for approval in (False, True):
            for supporting in (False, True):
                card = notices.case_card(
                    t, summary("TS1"), "李雷", status, approval=approval, supporting=supporting
                )
                assert not [label for label in forbidden if label in card], (status, card)
        refused = refusal(t, "case.wrong_status", {"number": "TS1", "status": status}, staff=True)
        assert staff_status_label(t, status) in refused


async def staff_texts(world: World) -> list[str]:
    """Every queued text to a department group or a staff member's private chat."""
    chats = {chat for d in world.desk.policy.departments for chat in d.chats.values()}

    async def query(uow: UnitOfWork) -> list[str]:
        from sqlalchemy import select

        rows = await uow.session.scalars(select(OutboxMessage))
        return [
            str(r.payload["text"])
            for r in rows
            if r.chat_id in chats or r.chat_id.startswith("staff:")
        ]

    return await world.read(query)


@pytest.mark.parametrize("language", [Language.ZH_HANS, Language.ZH_HANT])
async def test_no_staff_bound_text_carries_a_customer_status_label(
    world: World, language: Language
) -> None:
    """A case walked through every status a use case of this part moves it to, a second
    one through approval and a sent-back resolution; every card, notice, /mine and /case
    staff read on the way is in staff wording."""
    world = speaking(world, language)
    t = translation(language)
    _, case, handler = await headers_through_the_work(world)
    other = await world.file(await world.customer("赵女士", "13900000001"))
    await world.act(take, handler, other.number)
    await world.act(investigate.record_findings, handler, Findings(other.number, summary="破损"))
    manager = await member(world, "张总", "management", Role.MANAGER)
    service = await member(world, "韩梅", "service")
    await world.act(regrade, manager, other.number, "important", "实际损失")
    await world.act(solution.propose, handler, other.number, "退款")
    views = [await view(world, manager, staff_cases), await view(world, handler, staff_cases)]
    await world.act(solution.approve, manager, other.number)
    await world.act(customer.accept, Actor.customer(other.customer_id), other.number)
    await world.act(resolution.resolve, handler, other.number, "已退款")
    views += [await view(world, service, staff_cases), await view(world, handler, staff_cases)]
    await world.act(resolution.reject_resolution, service, other.number, "未到账")
    for number in (case.number, other.number):
        views.append(await view(world, manager, staff_case, number))
    texts = [*await staff_texts(world), *views]
    assert len(texts) > 15
    forbidden = customer_only(t)
    assert [(label, text) for text in texts for label in forbidden if label in text] == []


async def view(world: World, actor: Actor, show: object, *args: str) -> str:
    person = Person(actor, world.desk.policy.default_language, actor.name)

    async def query(uow: UnitOfWork) -> str:
        reply = await show(uow.session, world.desk, person, *args)  # type: ignore[operator]
        return str(reply.text)

    async with unit_of_work(world.db) as uow:
        return await query(uow)
