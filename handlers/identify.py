"""Who sent an update: a staff member on the roster, or a customer (created on first
contact in a private chat). Strangers in group chats are nobody: they may not act."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import language_of
from conversations.base.messages import Inbound
from conversations.base.policy import Language, Policy
from conversations.base.values import ActorKind
from handlers.actors import Actor
from storage.models import Customer, Identity
from storage.people import PeopleRepository


@dataclass(frozen=True)
class Person:
    actor: Actor
    language: Language
    known_name: str | None

    @property
    def is_staff(self) -> bool:
        return self.actor.kind is ActorKind.STAFF


async def identify(session: AsyncSession, inbound: Inbound, policy: Policy) -> Person | None:
    people = PeopleRepository(session)
    identity = await people.identity(inbound.channel, inbound.sender_id)
    if identity is not None and identity.staff_id is not None:
        staff = await people.staff(identity.staff_id)
        if staff is not None and staff.active:
            actor = Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)
            language = language_of(staff.language or inbound.language, policy.default_language)
            return Person(actor, language, staff.name)
    if identity is not None and identity.customer_id is not None:
        customer = await people.customer(identity.customer_id)
        assert customer is not None
        customer.unreachable_since = None  # they wrote to us: reachable again
        if customer.language is None and inbound.language:
            customer.language = language_of(inbound.language, policy.default_language).value
        return _customer(customer, inbound, policy)
    if inbound.is_group:
        return None
    spoken = (
        language_of(inbound.language, policy.default_language).value if inbound.language else None
    )
    customer = Customer(name=inbound.sender_name, language=spoken, created_at=inbound.received_at)
    await people.add(customer)
    await people.add_identity(
        Identity(
            channel=inbound.channel,
            external_id=inbound.sender_id,
            customer_id=customer.id,
            created_at=inbound.received_at,
        )
    )
    return _customer(customer, inbound, policy)


def _customer(customer: Customer, inbound: Inbound, policy: Policy) -> Person:
    language = language_of(customer.language or inbound.language, policy.default_language)
    return Person(Actor.customer(customer.id), language, customer.name)
