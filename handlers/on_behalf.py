"""A customer with no chat with the desk (a case staff filed for them by phone, at the
counter, by letter: seed 001 首问负责制) cannot press Accept or Refuse nor answer the
survey; their answers, given by phone or in person, are recorded by staff: `/accepted N`,
`/refused N reason`, `/rated N solved|unsolved SCORE [comment]`.

Each goes through the customer's own use case (handlers/customer.py, handlers/followup.py),
so the lifecycle, clocks, measures and notices are those of a pressed button; the timeline
event names who recorded it and how the case came ("韩梅梅代客户确认接受方案（电话）")."""

from __future__ import annotations

from conversations import intents as i
from conversations import replies
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.policy import Policy
from conversations.base.values import CaseStatus, Role
from handlers.access import refuse_other_department, require_staff
from handlers.actors import Actor
from handlers.approval import needs_approval
from handlers.common import due_words, load_case
from handlers.customer import accept_case, refuse_case
from handlers.desk import Desk
from handlers.followup import check_answer, survey_answered
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from notifications.notices import Notifier
from storage.deadlines import DeadlineRepository
from storage.models import Case
from storage.uow import UnitOfWork


def require_recorder(actor: Actor, case: Case, policy: Policy, *, survey: bool = False) -> None:
    """Whoever received the case or handles it, their department's lead, managers; for the
    survey also customer service, who run the follow-up (POLICY §3). Others are refused
    as for any action on the case."""
    require_staff(actor)
    if actor.is_manager or actor.id in {case.received_by_id, case.handler_id}:
        return
    if survey and actor.department == policy.service_department:
        return
    if actor.department == case.department:
        if actor.role is Role.LEAD:
            return
        raise Refusal("access.not_handler", number=case.number)
    refuse_other_department(policy, case)


async def recordable(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, *, survey: bool = False
) -> tuple[Case, dict[str, str]]:
    """The case, when `actor` may answer for its customer and the customer has no chat the
    desk can reach (notifications/notices.py hands their messages to staff then); and
    what the timeline event adds: who recorded it and how the case came."""
    case = await load_case(uow.session, number)
    require_recorder(actor, case, desk.policy, survey=survey)
    notifier = Notifier(uow.session, desk.policy, desk.clock.now())
    if await notifier.customer_address(case) is not None:
        raise Refusal("on_behalf.has_chat", number=case.number)
    return case, {"recorded_by": actor.name, "via": case.channel}


def _offered(desk: Desk, case: Case) -> None:
    """Staff hear why a solution still waiting for approval is not the customer's yet
    (the customer's path names the status in their words)."""
    if case.status is CaseStatus.SOLUTION_PROPOSED and needs_approval(desk, case):
        raise Refusal("on_behalf.awaiting_approval", number=case.number)


async def accepted(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    case, recorded = await recordable(uow, desk, actor, number)
    _offered(desk, case)
    return await accept_case(uow, desk, actor, case, **recorded)


async def refused(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str) -> Case:
    case, recorded = await recordable(uow, desk, actor, number)
    _offered(desk, case)
    return await refuse_case(uow, desk, actor, case, reason, **recorded)


async def rated(uow: UnitOfWork, desk: Desk, actor: Actor, answer: i.AnswerSurvey) -> Case:
    check_answer(answer)
    case, recorded = await recordable(uow, desk, actor, answer.number, survey=True)
    return await survey_answered(uow, desk, actor, case, answer, **recorded)


# -- the staff's intents ---------------------------------------------------------------


@handles(i.RecordAccepted)
async def on_accepted(call: Call, intent: i.RecordAccepted) -> list[Reply]:
    case = await accepted(call.uow, call.desk, call.actor, intent.number)
    due = await DeadlineRepository(call.uow.session).next_due(case.id)
    language = call.person.language
    when = due_words(call.desk, language, due.due_at) if due else "-"
    return [Reply(replies.recorded_accepted(translation(language), case.number, when))]


@handles(i.RecordRefused)
async def on_refused(call: Call, intent: i.RecordRefused) -> list[Reply]:
    case = await refused(call.uow, call.desk, call.actor, intent.number, intent.reason)
    return [Reply(replies.recorded_refused(translation(call.person.language), case.number))]


@handles(i.RecordSurvey)
async def on_rated(call: Call, intent: i.RecordSurvey) -> list[Reply]:
    answer = i.AnswerSurvey(intent.number, intent.solved, intent.score, intent.comment)
    case = await rated(call.uow, call.desk, call.actor, answer)
    t = translation(call.person.language)
    closed = case.status is CaseStatus.CLOSED
    return [Reply(replies.recorded_survey(t, case.number, intent.score, closed=closed))]
