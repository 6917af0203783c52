"""Joining the roster: one-time invitation codes, and the roster in the config file;
leaving it: deactivation by the operator or by removal from the roster (issue 13)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from conversations import intents as i
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.policy import RosterEntry
from conversations.base.values import Role
from handlers.desk import Desk
from handlers.identify import Person
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.withdraw import ROSTER, withdraw
from storage.audit import STAFF_ACTIVATED, STAFF_DEACTIVATED, AuditLog
from storage.models import Identity, Staff, StaffInvite
from storage.people import PeopleRepository, open_invite
from storage.uow import UnitOfWork

CODE_BYTES = 6


async def create_invite(uow: UnitOfWork, desk: Desk, department: str, role: Role) -> str:
    """A code a manager passes on; `complaintdesk staff invite` prints it."""
    desk.policy.department(department)  # KeyError for an unknown department
    code = secrets.token_hex(CODE_BYTES)
    uow.session.add(
        StaffInvite(code=code, department=department, role=role, created_at=desk.clock.now())
    )
    return code


async def redeem(uow: UnitOfWork, desk: Desk, person: Person, channel: str, code: str) -> Reply:
    """The sender becomes staff of the invite's department; the code is spent."""
    if person.is_staff:
        raise Refusal("staff.already_registered")
    invite = await open_invite(uow.session, code.strip())
    if invite is None:
        raise Refusal("staff.bad_invite")
    people = PeopleRepository(uow.session)
    identity = await _customer_identity(uow, person, channel)
    staff = Staff(
        name=person.known_name or f"staff-{invite.code[:4]}",
        department=invite.department,
        role=invite.role,
        created_at=desk.clock.now(),
    )
    await people.add(staff)
    identity.customer_id, identity.staff_id = None, staff.id
    invite.used_at, invite.used_by = desk.clock.now(), staff.id
    t = translation(person.language)
    return Reply(
        t.gettext("Welcome, {name}. You are now staff of {department}.").format(
            name=staff.name, department=invite.department
        )
    )


async def _customer_identity(uow: UnitOfWork, person: Person, channel: str) -> Identity:
    people = PeopleRepository(uow.session)
    for identity in await people.identities_of_customer(person.actor.id or 0):
        if identity.channel == channel:
            return identity
    raise Refusal("staff.bad_invite")


async def sync_roster(
    uow: UnitOfWork, desk: Desk, roster: Sequence[RosterEntry], *, complete: bool | None = None
) -> int:
    """Make the staff table match the config roster (by name); returns how many changed.

    `complete`: `roster` is the whole roster, so people it made earlier and no longer
    names are deactivated (those who joined by invitation code are not the roster's to
    remove). By default it is complete when it is the desk's configured roster, as at
    start-up; a partial list (a test, the console) only adds and updates."""
    people, changed = PeopleRepository(uow.session), 0
    for entry in roster:
        staff = await people.staff_by_name(entry.name)
        if staff is None:
            staff = Staff(
                name=entry.name,
                department=entry.department,
                role=Role(entry.role),
                created_at=desk.clock.now(),
            )
            await people.add(staff)
            changed += 1
        elif (staff.department, staff.role) != (entry.department, Role(entry.role)):
            staff.department, staff.role = entry.department, Role(entry.role)
            changed += 1
        changed += await _back_on_roster(uow, desk, staff)
        for channel, external_id in entry.accounts.items():
            await _link(uow, channel, external_id, staff, desk)
    if complete is None:
        complete = list(roster) == list(desk.policy.staff)
    if complete:
        for gone in await people.from_roster_missing([entry.name for entry in roster]):
            await withdraw(uow, desk, gone, ROSTER)
            changed += 1
    return changed


async def _back_on_roster(uow: UnitOfWork, desk: Desk, staff: Staff) -> int:
    """Someone the roster removed and names again is active again; someone an operator
    deactivated stays so until `complaintdesk staff activate`."""
    if staff.active:
        return 0
    audit = AuditLog(uow.session)
    last = await audit.last_about(f"staff:{staff.id}", (STAFF_DEACTIVATED, STAFF_ACTIVATED))
    if last is None or (last.action, last.actor) != (STAFF_DEACTIVATED, ROSTER):
        return 0
    staff.active = True
    audit.add(desk.clock.now(), STAFF_ACTIVATED, ROSTER, f"staff:{staff.id}")
    return 1


async def _link(uow: UnitOfWork, channel: str, external_id: str, staff: Staff, desk: Desk) -> None:
    people = PeopleRepository(uow.session)
    identity = await people.identity(channel, external_id)
    if identity is None:
        await people.add_identity(
            Identity(
                channel=channel,
                external_id=external_id,
                staff_id=staff.id,
                created_at=desk.clock.now(),
            )
        )
    elif identity.staff_id != staff.id:
        identity.customer_id, identity.staff_id = None, staff.id


@handles(i.Register)
async def on_register(call: Call, intent: i.Register) -> list[Reply]:
    return [await redeem(call.uow, call.desk, call.person, call.channel, intent.code)]
