"""`/away FIRST LAST substitute` and `/away off` (issue 13): a staff member records their
own absence; meanwhile their alerts (notifications/notices.Notifier.staff) and new
assignments (handlers/assign.py) go to the substitute. A later absence that shares a day
with an earlier one replaces it."""

from __future__ import annotations

from datetime import date

from conversations import intents as i
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.values import Role
from handlers.access import require_staff
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.roster import pick, tell_staff
from storage.absences import AbsenceRepository, cancel
from storage.models import StaffAbsence
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


async def go_away(
    uow: UnitOfWork, desk: Desk, actor: Actor, first: date, last: date, name: str
) -> StaffAbsence:
    """Record the absence; the substitute is active staff of the same department, or a
    manager, and not the person themself. They are told."""
    require_staff(actor)
    assert actor.id is not None and actor.department is not None
    session, now = uow.session, desk.clock.now()
    if last < first or last < today(desk):
        raise Refusal("away.dates")
    if " ".join(name.split()).casefold() == actor.name.casefold():
        raise Refusal("away.self")
    people = await PeopleRepository(session).active_in([actor.department], roles=(Role.MANAGER,))
    others = [p for p in people if p.id != actor.id]
    substitute = pick(others, name, "away.unknown")
    absences = AbsenceRepository(session)
    cancel(await absences.overlapping(actor.id, first, last), now)
    absence = StaffAbsence(
        staff_id=actor.id,
        substitute_id=substitute.id,
        starts_on=first,
        ends_on=last,
        created_at=now,
        created_by_id=actor.id,
    )
    absences.add(absence)
    t = translation(desk.policy.default_language)
    text = t.gettext(
        "{person} is away from {first} to {last} and asked you to stand in: their alerts "
        "and new assignments come to you meanwhile."
    ).format(person=actor.name, first=first, last=last)
    await tell_staff(session, substitute.id, text, now)
    return absence


async def come_back(uow: UnitOfWork, desk: Desk, actor: Actor) -> StaffAbsence:
    """`/away off`: the absence running today, or else the next one, is cancelled."""
    require_staff(actor)
    assert actor.id is not None
    session, now = uow.session, desk.clock.now()
    absence = await AbsenceRepository(session).current_or_next(actor.id, today(desk))
    if absence is None:
        raise Refusal("away.none")
    cancel([absence], now)
    t = translation(desk.policy.default_language)
    text = t.gettext(
        "{person} is no longer away ({first} to {last}): their alerts go to them again."
    ).format(person=actor.name, first=absence.starts_on, last=absence.ends_on)
    await tell_staff(session, absence.substitute_id, text, now)
    return absence


def today(desk: Desk) -> date:
    """The desk's local date now (absences are days of its calendar)."""
    return desk.clock.now().astimezone(desk.policy.calendar.zone).date()


@handles(i.Away)
async def on_away(call: Call, intent: i.Away) -> list[Reply]:
    t = translation(call.person.language)
    if intent.cancel:
        ended = await come_back(call.uow, call.desk, call.actor)
        said = t.gettext("Your absence from {first} to {last} is cancelled; alerts come to you.")
        return [Reply(said.format(first=ended.starts_on, last=ended.ends_on))]
    first, last = intent.starts_on, intent.ends_on
    absence = await go_away(call.uow, call.desk, call.actor, first, last, intent.substitute)
    name = await PeopleRepository(call.uow.session).staff(absence.substitute_id)
    said = t.gettext(
        "You are away from {first} to {last}: {substitute} gets your alerts and new "
        "assignments meanwhile. /away off cancels it."
    )
    substitute = name.name if name else "?"
    return [Reply(said.format(first=first, last=last, substitute=substitute))]
