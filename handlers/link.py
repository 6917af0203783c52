"""/link N M: staff mark two cases as one subject (POLICY §2, issue 14).

Linked cases share a subject key, so the collective rule counts them with the cases about
the same order; the subject's open cases rise when the count reaches a threshold. Two
cases of one customer on one subject make the later a repeat complaint: one grade up.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations.base.messages import Reply
from conversations.base.values import EventKind, Role
from handlers import deadlines
from handlers.access import require_department, require_role
from handlers.actors import Actor
from handlers.common import load_case
from handlers.desk import Desk
from handlers.grading import (
    announce_raise,
    collective_reason,
    raise_grade,
    raise_on_subject,
    threshold_grade,
)
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from storage.links import customers_on_subject, move_subject
from storage.models import Case
from storage.uow import UnitOfWork

REPEAT = "repeat"


async def link(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, other: str) -> Case:
    """Mark `other` as the same subject as `number`; answers with `number`'s state."""
    require_role(actor, Role.STAFF, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    first, second = await load_case(session, number), await load_case(session, other)
    for case in (first, second):
        require_department(actor, case)
    if first.id == second.id:
        raise Refusal("link.same_case", number=first.number)
    key = first.subject_key or f"case:{first.number.casefold()}"
    if second.subject_key == key:
        raise Refusal("link.already", number=first.number, other=second.number)
    if second.subject_key is not None:
        await move_subject(session, second.subject_key, key)
    first.subject_key = second.subject_key = key
    for case, linked in ((first, second), (second, first)):
        record(session, case, actor, EventKind.LINKED, now, visible=False, other=linked.number)
    if first.customer_id == second.customer_id:
        await _repeat(session, desk, max((first, second), key=lambda c: c.created_at))
    await _collective(session, desk, first, key)
    return first


async def _repeat(session: AsyncSession, desk: Desk, later: Case) -> None:
    """The same customer again on the same subject: one grade up (POLICY §2)."""
    grading, now = desk.policy.grading, desk.clock.now()
    later.is_repeat = True
    if later.closed_at is not None:
        return
    higher = grading.grades[min(grading.rank(later.severity) + 1, len(grading.grades) - 1)]
    old = later.severity
    if raise_grade(session, later, grading, higher, REPEAT, now):
        await deadlines.recompute(session, desk, later, old)
        await announce_raise(session, desk, later, REPEAT)


async def _collective(session: AsyncSession, desk: Desk, case: Case, key: str) -> None:
    grading = desk.policy.grading
    since = desk.clock.now() - timedelta(days=grading.collective_window_days)
    customers = await customers_on_subject(session, case.category, key, since)
    floor = threshold_grade(customers, grading.collective, grading)
    if floor is not None:
        reason = collective_reason(customers)
        await raise_on_subject(session, desk, case.category, key, floor, reason)


@handles(i.Link)
async def on_link(call: Call, intent: i.Link) -> list[Reply]:
    return await staff_done(call, link, intent.number, intent.other)
