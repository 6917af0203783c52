"""What a customer does on their own case: accept or refuse a solution, add information."""

from __future__ import annotations

from conversations import notices
from conversations.base.policy import Step
from conversations.base.values import CaseStatus
from handlers import deadlines
from handlers.access import require_customer_of
from handlers.actors import Actor
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.solution import needs_approval
from handlers.timeline import record
from notifications.notices import Notifier
from storage.models import Case
from storage.uow import UnitOfWork


async def _own_case(uow: UnitOfWork, actor: Actor, number: str) -> Case:
    """The customer's case; another person's number is 'not found', never 'not yours'."""
    case = await load_case(uow.session, number)
    require_customer_of(actor, case)
    return case


def _offered(desk: Desk, case: Case) -> None:
    """A solution awaiting approval is not the customer's to answer yet."""
    if case.status is CaseStatus.SOLUTION_PROPOSED and needs_approval(desk, case):
        raise Refusal(
            "case.wrong_status", number=case.number, action="accept", status=case.status.value
        )


async def accept(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await _own_case(uow, actor, number)
    _offered(desk, case)
    advance(case, Action.ACCEPT)
    record(session, case, actor, "solution_accepted", now, visible=True)
    deadlines.start(session, desk, case, Step.IMPLEMENT, now)
    return case


async def refuse(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str) -> Case:
    """The reason goes back to the handler, who revises the solution (POLICY §4)."""
    session, now = uow.session, desk.clock.now()
    case = await _own_case(uow, actor, number)
    _offered(desk, case)
    advance(case, Action.REFUSE)
    record(session, case, actor, "solution_refused", now, visible=True, reason=clean_text(reason))
    deadlines.start(session, desk, case, Step.PROPOSE, now)
    await _tell_department(uow, desk, case, reason)
    return case


MAX_ADDED = 10_000  # as long as a filed story: a story added to an open case is not cut


async def add_info(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, text: str) -> Case:
    """More words (or photos, recorded by the caller) on an open case; clocks resume."""
    session, now = uow.session, desk.clock.now()
    case = await _own_case(uow, actor, number)
    if case.status is CaseStatus.CLOSED:
        raise Refusal("case.closed", number=case.number)
    record(
        session, case, actor, "customer_added", now, visible=True, text=clean_text(text, MAX_ADDED)
    )
    if case.waiting_on_customer:
        case.waiting_on_customer = False
        await deadlines.resume(session, desk, case, now)
    await _tell_department(uow, desk, case, text)
    return case


async def _tell_department(uow: UnitOfWork, desk: Desk, case: Case, text: str) -> None:
    """The department's group hears of it, and the handler in private, if there is one."""
    notifier = Notifier(uow.session, desk.policy, desk.clock.now())
    message = notices.customer_added(notifier.staff_language, case.number, text.strip())
    await notifier.department(case, case.department, message)
    if case.handler_id is not None:
        await notifier.staff(case, case.handler_id, message)
