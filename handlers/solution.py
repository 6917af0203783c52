"""Proposing a solution, and the manager's approval for serious cases (POLICY §4)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations import notices, staff_notices
from conversations.actions import CaseVerb, case_button
from conversations.base.messages import Option, Reply
from conversations.base.policy import Step
from conversations.base.values import CaseStatus, EventKind, Role
from handlers import deadlines
from handlers.access import require_owner, require_role
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.approval import needs_approval as needs_approval  # its old home
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.lifecycle import Action, advance, check
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from handlers.told import tell_handler
from notifications.notices import Notifier
from storage.models import Case
from storage.uow import UnitOfWork


async def propose(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, solution: str) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_owner(actor, case)
    advance(case, Action.PROPOSE)
    case.solution = clean_text(solution)
    record(
        session, case, actor, EventKind.SOLUTION_PROPOSED, now, visible=False, text=case.solution
    )
    notifier = Notifier(session, desk.policy, now)
    if needs_approval(desk, case):
        language = notifier.staff_language
        await notifier.managers(
            case,
            notices.approval_request(language, case.number, case.solution),
            [
                Option(language.gettext("Approve"), case_button(CaseVerb.APPROVE, case.number)),
                Option(language.gettext("Send back"), case_button(CaseVerb.SEND_BACK, case.number)),
            ],
        )
    else:
        await _offer(session, desk, case, actor)
    await post_card(session, desk, case)
    return case


async def approve(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    require_role(actor, Role.MANAGER)
    case = await load_case(uow.session, number)
    if not needs_approval(desk, case):
        raise Refusal("case.no_approval_needed", number=case.number)
    advance(case, Action.APPROVE)
    record(uow.session, case, actor, EventKind.APPROVED, desk.clock.now(), visible=False)
    await _offer(uow.session, desk, case, actor)
    await post_card(uow.session, desk, case)
    notifier = Notifier(uow.session, desk.policy, desk.clock.now())
    told = staff_notices.solution_approved(notifier.staff_language, case.number, actor.name)
    await tell_handler(notifier, case, told)
    return case


async def send_back(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str) -> Case:
    """The manager returns the solution to the handler with a reason."""
    require_role(actor, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    if case.status is not CaseStatus.SOLUTION_PROPOSED or not needs_approval(desk, case):
        check(case, Action.APPROVE)  # names the status that makes it stale
        raise Refusal("case.no_approval_needed", number=case.number)
    advance(case, Action.SEND_BACK)
    record(session, case, actor, EventKind.SENT_BACK, now, visible=False, reason=clean_text(reason))
    notifier = Notifier(session, desk.policy, now)
    told = notices.sent_back(notifier.staff_language, case.number, reason.strip())
    await notifier.department(case, case.department, told)
    if case.handler_id is not None:  # the group may be busy: the handler hears it in private
        await notifier.staff(case, case.handler_id, told)
    await post_card(session, desk, case)
    return case


async def _offer(session: AsyncSession, desk: Desk, case: Case, actor: Actor) -> None:
    """Show the customer the solution with accept / refuse; the propose clock is met."""
    now = desk.clock.now()
    await deadlines.meet(session, case, now, Step.PROPOSE, Step.INVESTIGATE)
    deadlines.start_if_configured(session, desk, case, Step.ACCEPT, now)
    assert case.solution is not None
    record(session, case, actor, EventKind.SOLUTION_OFFERED, now, visible=True, text=case.solution)
    notifier = Notifier(session, desk.policy, now)
    language = await notifier.customer_language(case)
    await notifier.customer(
        case,
        notices.solution_offer(language, case.number, case.solution),
        [
            Option(language.gettext("Accept"), case_button(CaseVerb.ACCEPT, case.number)),
            Option(language.gettext("Refuse"), case_button(CaseVerb.REFUSE, case.number)),
        ],
        template="solution",
    )


@handles(i.Propose)
async def on_propose(call: Call, intent: i.Propose) -> list[Reply]:
    return await staff_done(call, propose, intent.number, intent.solution)


@handles(i.Approve)
async def on_approve(call: Call, intent: i.Approve) -> list[Reply]:
    return await staff_done(call, approve, intent.number)


@handles(i.SendBack)
async def on_send_back(call: Call, intent: i.SendBack) -> list[Reply]:
    return await staff_done(call, send_back, intent.number, intent.reason)
