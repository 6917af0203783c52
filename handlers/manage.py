"""Leads and managers: reassign with a reason, regrade, confirm a proposed grade."""

from __future__ import annotations

from datetime import datetime

from conversations import intents as i
from conversations import notices
from conversations.base.messages import Reply
from conversations.base.policy import Step
from conversations.base.steps import step_label
from conversations.base.values import EventKind, Role
from handlers import deadlines
from handlers.access import require_department, require_role
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import clean_text, load_case, local_time
from handlers.desk import Desk
from handlers.grading import set_grade
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from notifications.notices import Notifier
from storage.models import Case, Deadline
from storage.uow import UnitOfWork


async def reassign(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, department: str, reason: str
) -> Case:
    """Move a case to another department; never silent, always with a reason (不得推诿)."""
    require_role(actor, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case)
    try:
        desk.policy.department(department)
    except KeyError:
        raise Refusal("manage.unknown_department", department=department) from None
    if department == case.department:
        raise Refusal("manage.same_department", department=department)
    advance(case, Action.REASSIGN)
    previous, case.department, case.handler_id = case.department, department, None
    record(
        session,
        case,
        actor,
        EventKind.REASSIGNED,
        now,
        visible=False,
        old=previous,
        new=department,
        reason=clean_text(reason),
    )
    await deadlines.meet(session, case, now, Step.ACKNOWLEDGE)
    deadlines.start(session, desk, case, Step.ACKNOWLEDGE, now)
    await session.flush()
    await post_card(session, desk, case)
    notifier = Notifier(session, desk.policy, now)
    await notifier.department(
        case, department, notices.reassigned(notifier.staff_language, case.number, reason.strip())
    )
    return case


async def regrade(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, grade: str, reason: str
) -> Case:
    """Set the grade by hand (up or down), e.g. to confirm a danger-word proposal."""
    require_role(actor, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case)
    grading = desk.policy.grading
    if grade not in grading.grades:
        raise Refusal("manage.unknown_grade", grade=grade, grades=", ".join(grading.grades))
    reason = clean_text(reason)
    if grade != case.severity:
        old = case.severity
        set_grade(session, case, grade, reason, now, actor)
        moved = await deadlines.recompute(session, desk, case, old)
        await announce_regrade(uow, desk, case, old, reason, moved)
    case.proposed_severity = None
    return case


async def announce_regrade(
    uow: UnitOfWork,
    desk: Desk,
    case: Case,
    old: str,
    reason: str,
    moved: list[tuple[Deadline, datetime]],
) -> None:
    """Never silent (POLICY §2): the handler, the group and, when either grade alerts
    managers, the managers hear the new grade and the deadlines it moved."""
    session, grading = uow.session, desk.policy.grading
    notifier = Notifier(session, desk.policy, desk.clock.now())
    t, code = notifier.staff_language, desk.policy.default_language
    due = "; ".join(f"{step_label(t, row.step)} {local_time(desk, row.due_at)}" for row, _ in moved)
    text = t.gettext(
        "Case {number} was regraded from {old} to {new} ({reason}). Deadlines now: {due}."
    ).format(
        number=case.number,
        old=grading.label(old, code),
        new=grading.label(case.severity, code),
        reason=reason or "-",
        due=due or t.gettext("unchanged"),
    )
    await notifier.department(case, case.department, text)
    if case.handler_id is not None:
        await notifier.staff(case, case.handler_id, text)
    floor = grading.rank(grading.managers_alerted_from)
    if max(grading.rank(old), grading.rank(case.severity)) >= floor:
        await notifier.managers(case, text)
    await post_card(session, desk, case)


@handles(i.Reassign)
async def on_reassign(call: Call, intent: i.Reassign) -> list[Reply]:
    return await staff_done(call, reassign, intent.number, intent.department, intent.reason)


@handles(i.Regrade)
async def on_regrade(call: Call, intent: i.Regrade) -> list[Reply]:
    return await staff_done(call, regrade, intent.number, intent.grade, intent.reason)
