"""Withdrawing a staff member's access (issue 13): `complaintdesk staff deactivate NAME`
or removal from the config roster; `staff activate NAME` undoes it. From that moment
handlers/identify.py treats them as withdrawn: every command and button is refused."""

from __future__ import annotations

from conversations.base.i18n import translation
from conversations.wording import status_label
from handlers.desk import Desk
from handlers.roster import labels, listed, tell_department, tell_staff
from storage.audit import STAFF_ACTIVATED, STAFF_DEACTIVATED, AuditLog
from storage.models import Staff
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

OPERATOR, ROSTER = "operator", "roster"  # who changed a person's access, for the audit log


class NoSuchStaff(LookupError):
    """No one, or more than one person, has the name an operator typed."""


async def find_staff(uow: UnitOfWork, name: str) -> Staff:
    """The one staff member (active or not) of this name, or `name #id` when shared."""
    people = PeopleRepository(uow.session)
    wanted = " ".join(name.split())
    found = list(await people.named(wanted))
    if not found and "#" in wanted:
        base, _, number = wanted.rpartition("#")
        found = [p for p in await people.named(base.strip()) if str(p.id) == number.strip()]
    if len(found) == 1:
        return found[0]
    if found:
        which = ", ".join(labels(found))
        msg = f"{len(found)} staff members are named {wanted!r}; say which: {which}"
        raise NoSuchStaff(msg)
    msg = f"no staff member named {wanted!r}; staff: {listed(await people.all_staff())}"
    raise NoSuchStaff(msg)


async def deactivate(uow: UnitOfWork, desk: Desk, name: str, by: str = OPERATOR) -> Staff:
    """`complaintdesk staff deactivate NAME`: access ends at once (identify.py)."""
    staff = await find_staff(uow, name)
    if staff.active:
        await withdraw(uow, desk, staff, by)
    return staff


async def activate(uow: UnitOfWork, desk: Desk, name: str, by: str = OPERATOR) -> Staff:
    """`complaintdesk staff activate NAME`: undoes a deactivation."""
    staff = await find_staff(uow, name)
    if not staff.active:
        staff.active = True
        AuditLog(uow.session).add(desk.clock.now(), STAFF_ACTIVATED, by, f"staff:{staff.id}")
    return staff


async def withdraw(uow: UnitOfWork, desk: Desk, staff: Staff, by: str) -> None:
    """Deactivate, audit, and list the person's open cases to their department's leads
    and group for reassignment."""
    session, now = uow.session, desk.clock.now()
    staff.active = False
    AuditLog(session).add(now, STAFF_DEACTIVATED, by, f"staff:{staff.id}")
    people = PeopleRepository(session)
    cases = await people.open_cases_handled_by(staff.id)
    if not cases:
        return
    t = translation(desk.policy.default_language)
    lines = [f"{case.number} · {status_label(t, case.status)}" for case in cases]
    text = "\n".join(
        [
            t.gettext(
                "{person} no longer has access to the desk. Their open cases need a new handler:"
            ).format(person=staff.name),
            *lines,
            t.gettext("To give one to someone: /assign {number} NAME").format(
                number=cases[0].number
            ),
        ]
    )
    for lead in await people.leads_of(staff.department):
        if lead != staff.id:
            await tell_staff(session, lead, text, now)
    if staff.department in {d.key for d in desk.policy.departments}:
        await tell_department(session, desk.policy, staff.department, text, now)
