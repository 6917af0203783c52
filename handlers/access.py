"""Who may act on a case (POLICY §3, §8). Never trust a button: check the roster."""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn

from conversations.base.policy import Policy
from conversations.base.values import ActorKind, Role
from handlers.actors import Actor
from handlers.identify import Person
from handlers.refusals import Refusal
from storage.models import Case


def require_access(person: Person) -> None:
    """Staff whose access was withdrawn (deactivated, issue 13) act on nothing, at once."""
    if person.withdrawn:
        raise Refusal("access.withdrawn")


def require_staff(actor: Actor) -> None:
    if actor.kind is not ActorKind.STAFF:
        raise Refusal("access.staff_only")


def require_role(actor: Actor, *roles: Role) -> None:
    require_staff(actor)
    if actor.role not in roles:
        raise Refusal("access.role", roles=roles)


def require_department(actor: Actor, case: Case, supporting: Collection[str] = ()) -> None:
    """Managers see every case; other staff only their department's (lead or supporting)."""
    require_staff(actor)
    if actor.is_manager or actor.department == case.department:
        return
    if actor.department in supporting:
        return
    raise Refusal("access.department", number=case.number, department=case.department)


def refuse_other_department(policy: Policy, case: Case) -> NoReturn:
    """The case belongs to another department, named in the desk's language."""
    names = policy.department(case.department).names
    department = names.get(policy.default_language, case.department)
    raise Refusal("access.department", number=case.number, department=department)


def require_owner(actor: Actor, case: Case) -> None:
    """The handler acts on the case; their department's lead and managers may step in."""
    require_staff(actor)
    if actor.is_manager or actor.id == case.handler_id:
        return
    if actor.role is Role.LEAD and actor.department == case.department:
        return
    raise Refusal("access.not_handler", number=case.number)


def require_customer_of(actor: Actor, case: Case) -> None:
    """A customer only ever acts on their own case; others learn nothing about it."""
    if actor.kind is not ActorKind.CUSTOMER or actor.id != case.customer_id:
        raise Refusal("case.not_found")
