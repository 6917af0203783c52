"""Who sent an update: a staff member on the roster, or a customer (created on first
contact in a private chat). Strangers in group chats are nobody: they may not act.
A deactivated staff member (issue 13) is no customer either: nobody in a group, and in
private a person whose access was withdrawn, refused whatever they send.

The sender's rows come with the turn's joined read (storage/conversations.py); only what
changes is written: a new customer, or a known one who was unreachable or had no language.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.base.i18n import language_of
from conversations.base.messages import Inbound
from conversations.base.policy import Language, Policy
from conversations.base.values import ActorKind
from handlers.actors import Actor
from storage.conversations import Sender
from storage.people import PeopleRepository


@dataclass(frozen=True)
class Person:
    actor: Actor
    language: Language
    known_name: str | None
    withdrawn: bool = False  # staff no longer active: every intent is refused

    @property
    def is_staff(self) -> bool:
        return self.actor.kind is ActorKind.STAFF


def known_person(sender: Sender, inbound: Inbound, policy: Policy) -> Person | None:
    """The sender as read, when they are staff (active, or withdrawn and writing in
    private) or a known customer; None for anyone else, a withdrawn one in a group too."""
    if sender.staff_id is not None:
        assert sender.staff_name is not None
        if not sender.staff_active and inbound.is_group:
            return None
        actor = Actor(
            ActorKind.STAFF,
            sender.staff_id,
            sender.staff_name,
            sender.staff_role,
            sender.staff_department,
        )
        language = language_of(sender.staff_language or inbound.language, policy.default_language)
        return Person(actor, language, sender.staff_name, withdrawn=not sender.staff_active)
    if sender.customer_id is not None:
        spoken = sender.customer_language or _spoken(inbound, policy)
        language = language_of(spoken or inbound.language, policy.default_language)
        return Person(Actor.customer(sender.customer_id), language, sender.customer_name)
    return None


async def identify(
    people: PeopleRepository, sender: Sender, inbound: Inbound, policy: Policy
) -> Person | None:
    """The sender as a person, writing only what changed; None for a stranger in a group."""
    person = known_person(sender, inbound, policy)
    if person is not None and not person.is_staff:
        assert sender.customer_id is not None
        learnt = _spoken(inbound, policy) if sender.customer_language is None else None
        if sender.unreachable_since is not None or learnt is not None:
            await people.heard_from(sender.customer_id, learnt)
        return person
    if person is not None or inbound.is_group:
        return person
    spoken = _spoken(inbound, policy)
    customer_id = await people.new_customer(
        inbound.channel, inbound.sender_id, inbound.sender_name, spoken, inbound.received_at
    )
    language = language_of(spoken or inbound.language, policy.default_language)
    return Person(Actor.customer(customer_id), language, inbound.sender_name)


def _spoken(inbound: Inbound, policy: Policy) -> str | None:
    """The language the sender's app reports, as one we speak; None when it reports none."""
    if not inbound.language:
        return None
    return language_of(inbound.language, policy.default_language).value
