"""Investigation: internal notes, findings with validity, and asking the customer."""

from __future__ import annotations

from conversations import intents as i
from conversations import notices
from conversations.base.messages import Reply
from conversations.base.policy import Step
from conversations.base.values import CaseStatus, EventKind
from handlers import deadlines
from handlers.access import require_department, require_owner
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository
from storage.models import Case
from storage.uow import UnitOfWork


async def add_note(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, text: str) -> Case:
    """An internal note: the customer never sees it (POLICY §4)."""
    case = await load_case(uow.session, number)
    require_department(actor, case, await CaseRepository(uow.session).supporting(case.id))
    record(
        uow.session,
        case,
        actor,
        EventKind.NOTE,
        desk.clock.now(),
        visible=False,
        text=clean_text(text),
    )
    return case


async def record_findings(uow: UnitOfWork, desk: Desk, actor: Actor, findings: i.Findings) -> Case:
    """What was found, whose fault it is (validity) and why (POLICY §4, investigating)."""
    case = await load_case(uow.session, findings.number)
    require_owner(actor, case)
    advance(case, Action.INVESTIGATE)
    await deadlines.meet(uow.session, case, desk.clock.now(), Step.INVESTIGATE)
    case.validity = findings.validity
    record(
        uow.session,
        case,
        actor,
        EventKind.FINDINGS,
        desk.clock.now(),
        visible=False,
        summary=clean_text(findings.summary),
        validity=findings.validity.value,
        root_cause=findings.root_cause.strip(),
    )
    await post_card(uow.session, desk, case)
    return case


async def ask_customer(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, question: str
) -> Case:
    """Ask the customer for more; the deadlines pause until they answer (POLICY §5)."""
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_owner(actor, case)
    if case.status is CaseStatus.CLOSED:
        raise Refusal("case.wrong_status", number=case.number, action="ask", status="closed")
    case.waiting_on_customer = True
    await deadlines.pause(session, case, now)
    record(
        session, case, actor, EventKind.ASKED_CUSTOMER, now, visible=True, text=clean_text(question)
    )
    notifier = Notifier(session, desk.policy, now)
    language = await notifier.customer_language(case)
    await notifier.customer(case, notices.question(language, case.number, question.strip()))
    return case


@handles(i.AddNote)
async def on_note(call: Call, intent: i.AddNote) -> list[Reply]:
    return await staff_done(call, add_note, intent.number, intent.text)


@handles(i.Findings)
async def on_findings(call: Call, intent: i.Findings) -> list[Reply]:
    return await staff_done(call, record_findings, intent)


@handles(i.AskCustomer)
async def on_ask(call: Call, intent: i.AskCustomer) -> list[Reply]:
    return await staff_done(call, ask_customer, intent.number, intent.question)
