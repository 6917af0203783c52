"""Corrective and preventive action (纠正和预防措施, 举一反三; seeds 001 and 003).

On a valid case the handler records the root cause, the correction, the prevention, who
owns it and by when; a lead or manager later verifies whether it worked. The verification
is a deadline like any other: the watcher reminds and escalates if it is missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from conversations.base.policy import Step
from conversations.base.values import Role, Validity
from handlers import deadlines
from handlers.access import require_department, require_owner, require_role
from handlers.actors import Actor
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.timeline import record
from storage.deadlines import DeadlineRepository
from storage.models import Case, CorrectiveAction, Deadline
from storage.uow import UnitOfWork

END_OF_DAY = time(18, 0)
MAX_OWNER = 200  # corrective_actions.owner: longer failed on PostgreSQL only


@dataclass(frozen=True)
class ActionPlan:
    root_cause: str
    corrective: str
    preventive: str
    owner: str
    due_on: date

    @classmethod
    def parse(cls, text: str, today: date) -> ActionPlan:
        """'cause | correction | prevention | owner | YYYY-MM-DD' from a chat message."""
        parts = [part.strip() for part in text.split("|")]
        if len(parts) != 5 or not all(parts):
            raise Refusal("capa.format")
        try:
            due = date.fromisoformat(parts[4])
        except ValueError:
            raise Refusal("capa.format") from None
        if due < today:
            raise Refusal("capa.past_date", day=parts[4])
        cause, correction, prevention = (clean_text(p, 2000) for p in parts[:3])
        owner = clean_text(parts[3], MAX_OWNER)
        return cls(cause, correction, prevention, owner, due)


async def record_action(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, plan: ActionPlan | str
) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_owner(actor, case)
    if case.validity is not Validity.VALID:
        raise Refusal("capa.needs_valid", number=case.number)
    if isinstance(plan, str):
        plan = ActionPlan.parse(plan, now.astimezone(desk.calendar.zone).date())
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
        "corrective_action",
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
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, result: str, note: str = ""
) -> Case:
    """A lead or manager says whether the action worked ('effective' / 'ineffective')."""
    require_role(actor, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case)
    if result not in {"effective", "ineffective"}:
        raise Refusal("capa.result")
    action = await session.scalar(
        select(CorrectiveAction)
        .where(CorrectiveAction.case_id == case.id, CorrectiveAction.verified_at.is_(None))
        .order_by(CorrectiveAction.id)
        .limit(1)
    )
    if action is None:
        raise Refusal("capa.none_open", number=case.number)
    action.verified_at, action.verified_by = now, actor.id
    action.effective, action.verification_note = result == "effective", note.strip() or None
    await deadlines.meet(session, case, now, Step.VERIFY)
    record(
        session,
        case,
        actor,
        "action_verified",
        now,
        visible=False,
        effective=result,
        note=note.strip(),
    )
    return case
