"""The satisfaction survey and what follows it: closed, or reopened (POLICY §4)."""

from __future__ import annotations

from sqlalchemy import select

from conversations import intents as i
from conversations import notices, replies
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.policy import Step
from conversations.base.values import CaseStatus, EventKind, Role
from handlers import danger, deadlines
from handlers.access import require_customer_of, require_role
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import load_case
from handlers.desk import Desk
from handlers.grading import raise_grade
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.resolution import tell_survey_answer
from handlers.timeline import record
from notifications.notices import Notifier
from storage.models import Case, Survey
from storage.uow import UnitOfWork

MAX_COMMENT = 2000


async def answer_survey(uow: UnitOfWork, desk: Desk, actor: Actor, answer: i.AnswerSurvey) -> Case:
    """Satisfied -> closed; not satisfied -> second rectification with the grade raised."""
    check_answer(answer)
    case = await load_case(uow.session, answer.number)
    require_customer_of(actor, case)
    return await survey_answered(uow, desk, actor, case, answer)


def check_answer(answer: i.AnswerSurvey) -> None:
    if not 1 <= answer.score <= 5:
        raise Refusal("survey.score_range")
    if len(answer.comment) > MAX_COMMENT:
        raise Refusal("input.too_long", limit=MAX_COMMENT)


async def survey_answered(
    uow: UnitOfWork, desk: Desk, actor: Actor, case: Case, answer: i.AnswerSurvey, **recorded: str
) -> Case:
    """The checked answer on the open survey, then closed or reopened; `recorded`: on the
    timeline too (staff who took it for a customer with no chat, handlers/on_behalf.py)."""
    session, now = uow.session, desk.clock.now()
    survey = await _open_survey(uow, case)
    survey.answered_at, survey.solved, survey.score = now, answer.solved, answer.score
    survey.comment = answer.comment.strip() or None
    record(
        session,
        case,
        actor,
        EventKind.SURVEY_ANSWERED,
        now,
        visible=True,
        solved=answer.solved,
        score=answer.score,
        **recorded,
    )
    await danger.check_later(session, desk, case, answer.comment)
    await tell_survey_answer(session, desk, case, survey)
    if answer.solved and answer.score >= desk.policy.measures.satisfied_from:
        await _close(uow, desk, case, solved=True)
    else:
        await _reopen(uow, desk, case, actor, "dissatisfied")
    return case


async def close_unanswered(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    """Customer service closes a case whose survey got no answer after the reminder: its
    outcome is 'no answer' (solved unknown), never 'solved' (issue 14: the resolution rate
    counted these as solved)."""
    require_role(actor, Role.STAFF, Role.LEAD, Role.MANAGER)
    case = await load_case(uow.session, number)
    if actor.department != desk.policy.service_department and not actor.is_manager:
        raise Refusal(
            "access.department", number=case.number, department=desk.policy.service_department
        )
    record(
        uow.session, case, actor, EventKind.CLOSED_WITHOUT_ANSWER, desk.clock.now(), visible=False
    )
    await _close(uow, desk, case, solved=None)
    return case


async def reopen(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str) -> Case:
    """The customer complains again about the same case (second complaint)."""
    case = await load_case(uow.session, number)
    require_customer_of(actor, case)
    await _reopen(uow, desk, case, actor, reason.strip()[:500] or "complained_again")
    await danger.check_later(uow.session, desk, case, reason)
    return case


async def _open_survey(uow: UnitOfWork, case: Case) -> Survey:
    if case.status is not CaseStatus.FOLLOW_UP:
        raise Refusal("survey.not_open", number=case.number)
    survey = await uow.session.scalar(
        select(Survey).where(Survey.case_id == case.id, Survey.answered_at.is_(None))
    )
    if survey is None:
        raise Refusal("survey.not_open", number=case.number)
    return survey


async def _close(uow: UnitOfWork, desk: Desk, case: Case, *, solved: bool | None) -> None:
    now = desk.clock.now()
    advance(case, Action.CLOSE)
    case.closed_at, case.solved = now, solved
    record(uow.session, case, Actor.system(), EventKind.CLOSED, now, visible=True, solved=solved)
    await post_card(uow.session, desk, case)
    notifier = Notifier(uow.session, desk.policy, now)
    language = await notifier.customer_language(case)
    await notifier.customer(case, notices.closed(language, case.number), template="closed")


async def _reopen(uow: UnitOfWork, desk: Desk, case: Case, actor: Actor, reason: str) -> None:
    """Second rectification (二次整改): back to the handler, grade raised (POLICY §2)."""
    session, now = uow.session, desk.clock.now()
    advance(case, Action.REOPEN)
    case.reopen_count += 1
    case.is_repeat = True
    case.closed_at = case.resolved_at = case.solved = None
    record(session, case, actor, EventKind.REOPENED, now, visible=True, reason=reason)
    grading = desk.policy.grading
    raise_grade(session, case, grading, grading.second_complaint_grade, "second_complaint", now)
    deadlines.start(session, desk, case, Step.PROPOSE, now)
    notifier = Notifier(session, desk.policy, now)
    grade = grading.label(case.severity, desk.policy.default_language)
    message = notices.reopened(notifier.staff_language, case.number, grade)
    await notifier.department(case, case.department, message)
    await notifier.managers(case, message)
    await post_card(session, desk, case)


@handles(i.AnswerSurvey)
async def on_survey(call: Call, intent: i.AnswerSurvey) -> list[Reply]:
    """Closed: the closing notice says it all. Reopened: we say sorry at once."""
    case = await answer_survey(call.uow, call.desk, call.actor, intent)
    if case.closed_at:
        return []
    return [Reply(replies.reopened(translation(call.person.language), case.number))]


@handles(i.CloseUnanswered)
async def on_close(call: Call, intent: i.CloseUnanswered) -> list[Reply]:
    return await staff_done(call, close_unanswered, intent.number)
