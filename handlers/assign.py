"""`/assign N person`: a lead (for their department's cases) or a manager gives a case to
a named person of its department or of a supporting one (issue 13). Someone away gets it
through their substitute, and the lead is told so."""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations

from conversations import intents as i
from conversations import notices
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.values import ActorKind, CaseStatus, EventKind, Role
from handlers.access import require_department, require_role
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import load_case, summary
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.roster import pick
from handlers.take import take
from handlers.timeline import record
from notifications.notices import Notifier
from storage.absences import StandIn, stand_in
from storage.cases import CaseRepository
from storage.models import Case, Staff
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

UNTAKEN = frozenset({CaseStatus.RECEIVED, CaseStatus.ASSIGNED})


@dataclass(frozen=True)
class Assigned:
    case: Case
    handler: Staff
    away: StandIn | None  # the chosen person was away: `handler` stands in for them


async def assign(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, name: str) -> Assigned:
    """The case's handler becomes the named person (or their substitute), the way /take
    makes it: status, acknowledged clock, card; the timeline says who gave it to whom."""
    require_role(actor, Role.LEAD, Role.MANAGER)
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_department(actor, case)
    if case.status is CaseStatus.CLOSED:
        raise Refusal("assign.closed", number=case.number)
    departments = [case.department, *await CaseRepository(session).supporting(case.id)]
    people = PeopleRepository(session)
    chosen = pick(await people.active_in(departments), name, "assign.unknown", number=case.number)
    away = await stand_in(session, chosen.id, now.astimezone(desk.policy.calendar.zone).date())
    handler = chosen if away is None else await people.staff(away.substitute_id)
    assert handler is not None
    if case.handler_id == handler.id and case.status not in UNTAKEN:
        raise Refusal("assign.already", number=case.number, person=handler.name)
    previous = case.handler_id
    standing_in = {"standing_in_for": away.absent_name} if away else {}
    record(
        session, case, actor, EventKind.ASSIGNED, now, visible=False, to=handler.name, **standing_in
    )
    if case.status in UNTAKEN:
        await take(uow, desk, as_actor(handler), case.number)  # status and clock as /take
    else:
        case.handler_id = handler.id
        await session.flush()  # the version check, as /take's
        await post_card(session, desk, case)
    done = Assigned(case, handler, away)
    await _tell(uow, desk, done, actor, previous)
    return done


def as_actor(person: Staff) -> Actor:
    return Actor(ActorKind.STAFF, person.id, person.name, person.role, person.department)


async def _tell(
    uow: UnitOfWork, desk: Desk, done: Assigned, by: Actor, previous: int | None
) -> None:
    """The new handler hears what the case is and what to do; the one it was taken from
    hears who has it now."""
    session, case = uow.session, done.case
    notifier = Notifier(session, desk.policy, desk.clock.now())
    t = notifier.staff_language
    card = notices.case_card(t, await summary(session, desk, case), done.handler.name)
    await notifier.staff(
        case, done.handler.id, f"{given(t, done, by.name)}\n{card}\n{todo(t, case)}"
    )
    if previous is not None and previous != done.handler.id:
        moved = t.gettext("Case {number} was given to {person} by {by}; you no longer handle it.")
        text = moved.format(number=case.number, person=done.handler.name, by=by.name)
        await notifier.staff(case, previous, text)


def given(t: NullTranslations, done: Assigned, by: str) -> str:
    number = done.case.number
    if done.away is None:
        return t.gettext("{by} assigned case {number} to you.").format(by=by, number=number)
    return t.gettext(
        "{by} assigned case {number} to {absent}, who is away until {until}: you stand in."
    ).format(by=by, number=number, absent=done.away.absent_name, until=done.away.ends_on)


def todo(t: NullTranslations, case: Case) -> str:
    return t.gettext(
        "Please contact the customer and record what you find with /note {number}; "
        "/case {number} shows everything."
    ).format(number=case.number)


def acknowledged(t: NullTranslations, done: Assigned) -> str:
    number, person = done.case.number, done.handler.name
    if done.away is None:
        return t.gettext("Case {number} is now with {person}, who has been told.").format(
            number=number, person=person
        )
    return t.gettext(
        "{absent} is away until {until}: case {number} went to their substitute {person}, "
        "who has been told."
    ).format(absent=done.away.absent_name, until=done.away.ends_on, number=number, person=person)


@handles(i.Assign)
async def on_assign(call: Call, intent: i.Assign) -> list[Reply]:
    done = await assign(call.uow, call.desk, call.actor, intent.number, intent.person)
    return [Reply(acknowledged(translation(call.person.language), done))]
