"""A department member takes a case and becomes its handler (assigned -> acknowledged).

A case staff filed for a customer belongs to whoever received it until then (seed 001
首问负责制, handlers/staff_file.py): the department takes it over, and they are told."""

from __future__ import annotations

from conversations import intents as i
from conversations import notices, staff_filing
from conversations.base.messages import Reply
from conversations.base.policy import Step
from conversations.base.values import CaseStatus, EventKind
from handlers import deadlines
from handlers.access import require_department
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import load_case, staff_name
from handlers.desk import Desk
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository
from storage.models import Case
from storage.uow import UnitOfWork


async def take(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case, await CaseRepository(session).supporting(case.id))
    if case.handler_id is not None and case.status is not CaseStatus.ASSIGNED:
        owner = await staff_name(session, case.handler_id)
        raise Refusal("case.already_taken", number=case.number, owner=owner or "?")
    receiver = case.handler_id if case.handler_id == case.received_by_id else None
    advance(case, Action.TAKE)
    case.handler_id = actor.id
    case.acknowledged_at = case.acknowledged_at or now
    await deadlines.meet(session, case, now, Step.ACKNOWLEDGE)
    record(session, case, actor, EventKind.TAKEN, now, visible=True, handler=actor.name)
    await session.flush()  # the version check: a concurrent take fails here
    notifier = Notifier(session, desk.policy, now)
    language = await notifier.customer_language(case)
    status = language.gettext("a specialist is now handling it")
    await notifier.customer(case, notices.status_changed(language, case.number, status))
    await post_card(session, desk, case)
    if receiver is not None and receiver != actor.id:
        told = staff_filing.handed_over(notifier.staff_language, case.number, actor.name)
        await notifier.staff(case, receiver, told)
    return case


@handles(i.Take)
async def on_take(call: Call, intent: i.Take) -> list[Reply]:
    return await staff_done(call, take, intent.number)
