"""Corrective and preventive action (纠正和预防措施, 举一反三; seeds 001 and 003).

On a valid case the handler records the root cause, the correction, the prevention, who
owns it and by when; a lead or manager later verifies whether it worked. The verification
is a deadline like any other: the watcher reminds and escalates if it is missed.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from conversations import intents as i
from conversations.base.messages import Reply
from conversations.base.policy import Step
from conversations.base.values import EventKind, Role, Validity
from handlers import deadlines
from handlers.access import require_department, require_owner, require_role
from handlers.actors import Actor
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from storage.deadlines import DeadlineRepository
from storage.models import Case, CorrectiveAction, Deadline
from storage.uow import UnitOfWork

END_OF_DAY = time(18, 0)
MAX_OWNER = 200  # corrective_actions.owner: longer failed on PostgreSQL only


async def record_action(uow: UnitOfWork, desk: Desk, actor: Actor, plan: i.RecordCapa) -> Case:
    """The plan comes parsed from the chat (conversations/commands.py)."""
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, plan.number)
    require_owner(actor, case)
    if case.validity is not Validity.VALID:
        raise Refusal("capa.needs_valid", number=case.number)
    if plan.due_on < now.astimezone(desk.calendar.zone).date():
        raise Refusal("capa.past_date", day=plan.due_on.isoformat())
    for part in (plan.root_cause, plan.corrective, plan.preventive):
        clean_text(part, 2000)
    clean_text(plan.owner, MAX_OWNER)
    session.add(
        CorrectiveAction(
            case_id=case.id,
            root_cause=plan.root_cause,
            corrective=plan.corrective,
            preventive=plan.preventive,
            owner=plan.owner,
            due_on=plan.due_on,
            recorded_by=actor.id,
            created_at=now,
        )
    )
    span = desk.policy.corrective.verify_after
    done_by = datetime.combine(plan.due_on, END_OF_DAY, tzinfo=desk.calendar.zone)
    DeadlineRepository(session).add(
        Deadline(
            case_id=case.id,
            step=Step.VERIFY.value,
            due_at=desk.calendar.add(done_by, span),
            working=span.working,
            set_at=now,
        )
    )
    record(
        session,
        case,
        actor,
        EventKind.CORRECTIVE_ACTION,
        now,
        visible=False,
        root_cause=plan.root_cause,
        corrective=plan.corrective,
        preventive=plan.preventive,
        owner=plan.owner,
        due_on=plan.due_on.isoformat(),
    )
    return case


async def verify_action(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, result: i.Verification, note: str = ""
) -> Case:
    """A lead or manager says whether the action worked ('effective' / 'ineffective')."""
    require_role(actor, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case)
    action = await session.scalar(
        select(CorrectiveAction)
        .where(CorrectiveAction.case_id == case.id, CorrectiveAction.verified_at.is_(None))
        .order_by(CorrectiveAction.id)
        .limit(1)
    )
    if action is None:
        raise Refusal("capa.none_open", number=case.number)
    action.verified_at, action.verified_by = now, actor.id
    action.effective = result is i.Verification.EFFECTIVE
    action.verification_note = note.strip() or None
    await deadlines.meet(session, case, now, Step.VERIFY)
    record(
        session,
        case,
        actor,
        EventKind.ACTION_VERIFIED,
        now,
        visible=False,
        effective=result.value,
        note=note.strip(),
    )
    return case


@handles(i.RecordCapa)
async def on_capa(call: Call, intent: i.RecordCapa) -> list[Reply]:
    return await staff_done(call, record_action, intent)


@handles(i.Verify)
async def on_verify(call: Call, intent: i.Verify) -> list[Reply]:
    return await staff_done(call, verify_action, intent.number, intent.result, intent.note)
