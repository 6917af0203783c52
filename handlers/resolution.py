"""Implementing, resolving, and customer service's review before the survey (POLICY §4);
who is told at each of these steps, in staff wording (issue 13)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations import notices, staff_notices
from conversations.actions import CaseVerb, case_button
from conversations.base.messages import Option, Reply
from conversations.base.policy import Step
from conversations.base.values import CaseKind, CaseStatus, EventKind, Validity
from handlers import deadlines
from handlers.access import require_owner, require_staff
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import clean_text, load_case, staff_name
from handlers.desk import Desk
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from handlers.told import tell_handler
from notifications.notices import Notifier
from storage.models import Case, Survey
from storage.uow import UnitOfWork


async def start_work(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    case = await load_case(uow.session, number)
    require_owner(actor, case)
    advance(case, Action.START)
    record(uow.session, case, actor, EventKind.IMPLEMENTING, desk.clock.now(), visible=True)
    await post_card(uow.session, desk, case)
    return case


def _may_skip_agreement(case: Case) -> bool:
    """Invalid cases are explained; inquiries and suggestions answered (no agreement)."""
    return case.validity is Validity.INVALID or case.kind is not CaseKind.COMPLAINT


async def resolve(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, summary: str) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_owner(actor, case)
    if case.status is CaseStatus.INVESTIGATING and not _may_skip_agreement(case):
        raise Refusal("case.needs_agreement", number=case.number)
    advance(case, Action.RESOLVE)
    case.resolved_at = now
    await deadlines.meet(
        session,
        case,
        now,
        Step.IMPLEMENT,
        Step.PROPOSE,
        Step.ANSWER,
        Step.INVESTIGATE,
        Step.RESOLVE,
    )
    text = clean_text(summary)
    record(session, case, actor, EventKind.RESOLVED, now, visible=True, text=text)
    deadlines.start(session, desk, case, Step.FOLLOW_UP, now)
    await session.flush()
    await post_card(session, desk, case)
    await _ask_for_review(session, desk, case, text)
    return case


async def _ask_for_review(session: AsyncSession, desk: Desk, case: Case, summary: str) -> None:
    """Customer service is told in its group that the work waits for its review, with the
    Review button (issue 13: her /mine said nothing while one waited)."""
    notifier = Notifier(session, desk.policy, desk.clock.now())
    t = notifier.staff_language
    handler = await staff_name(session, case.handler_id) or "-"
    text = staff_notices.review_waiting(t, case.number, handler, summary)
    button = Option(t.gettext("Review"), case_button(CaseVerb.REVIEW, case.number))
    await notifier.department(case, desk.policy.service_department, text, [button])


async def review(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    """Customer service confirms the work and sends the satisfaction survey."""
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    _require_service(desk, actor, case)
    advance(case, Action.FOLLOW_UP)
    await deadlines.meet(session, case, now, Step.FOLLOW_UP)
    await post_card(session, desk, case)
    if case.kind is CaseKind.REVIEW:  # no survey: the follow-up result is recorded instead
        record(session, case, actor, EventKind.FOLLOW_UP_STARTED, now, visible=False)
        return case
    remind_at = desk.calendar.add(now, desk.policy.survey_reminder_after)
    session.add(Survey(case_id=case.id, sent_at=now, remind_at=remind_at))
    record(session, case, actor, EventKind.SURVEY_SENT, now, visible=True)
    notifier = Notifier(session, desk.policy, now)
    language = await notifier.customer_language(case)
    await notifier.customer(
        case,
        notices.survey(language, case.number),
        notices.solved_options(language, case.number),
        template="resolved",
    )
    return case


async def reject_resolution(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str
) -> Case:
    """Customer service sends the work back to the handler with reasons."""
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    _require_service(desk, actor, case)
    advance(case, Action.REJECT_RESOLUTION)
    case.resolved_at = None
    await deadlines.meet(session, case, now, Step.FOLLOW_UP)
    record(
        session,
        case,
        actor,
        EventKind.RESOLUTION_REJECTED,
        now,
        visible=False,
        reason=clean_text(reason),
    )
    deadlines.start(session, desk, case, Step.IMPLEMENT, now)
    await post_card(session, desk, case)
    notifier = Notifier(session, desk.policy, now)
    text = staff_notices.resolution_rejected(notifier.staff_language, case.number, reason.strip())
    await tell_handler(notifier, case, text)
    return case


async def tell_survey_answer(session: AsyncSession, desk: Desk, case: Case, survey: Survey) -> None:
    """The handler hears the customer's survey answer (issue 13), before it closes or
    reopens the case; handlers/followup.py calls it once the answer is recorded."""
    notifier = Notifier(session, desk.policy, desk.clock.now())
    text = staff_notices.survey_answered(
        notifier.staff_language,
        case.number,
        solved=bool(survey.solved),
        score=survey.score or 0,
        comment=survey.comment,
    )
    await tell_handler(notifier, case, text)


def _require_service(desk: Desk, actor: Actor, case: Case) -> None:
    """Review and follow-up belong to customer service or managers (POLICY §3); nobody
    reviews their own work."""
    require_staff(actor)
    if not actor.is_manager and actor.department != desk.policy.service_department:
        raise Refusal(
            "access.department", number=case.number, department=desk.policy.service_department
        )
    if actor.id == case.handler_id and not actor.is_manager:
        raise Refusal("access.own_work", number=case.number)


@handles(i.StartWork)
async def on_start_work(call: Call, intent: i.StartWork) -> list[Reply]:
    return await staff_done(call, start_work, intent.number)


@handles(i.Resolve)
async def on_resolve(call: Call, intent: i.Resolve) -> list[Reply]:
    return await staff_done(call, resolve, intent.number, intent.summary)


@handles(i.Review)
async def on_review(call: Call, intent: i.Review) -> list[Reply]:
    return await staff_done(call, review, intent.number)


@handles(i.RejectResolution)
async def on_reject(call: Call, intent: i.RejectResolution) -> list[Reply]:
    return await staff_done(call, reject_resolution, intent.number, intent.reason)
