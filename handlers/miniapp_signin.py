"""One-time sign-in links for the desk's pages outside Telegram (issue 16): sent by the
bot to the person's private chats, bound to them, spent on first use."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.base.values import ActorKind, Role
from handlers.access import require_staff
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.refusals import Refusal
from storage.conversations import ConversationRepository
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

SPENT_LINKS = "miniapp-signin"  # nonces claimed like update ids: a second use finds it


@dataclass(frozen=True)
class SignedIn:
    staff_id: int
    manager: bool


async def send_link(uow: UnitOfWork, desk: Desk, actor: Actor, text: str) -> int:
    """Queue the link to each private chat the person has with the bot; how many."""
    require_staff(actor)
    assert actor.id is not None
    now = desk.clock.now()
    outbox = OutboxRepository(uow.session)
    identities = await PeopleRepository(uow.session).identities_of_staff(actor.id)
    for identity in identities:
        outbox.enqueue(
            OutboxMessage(
                channel=identity.channel,
                chat_id=identity.external_id,
                payload={"text": text, "choices": []},
                not_before=now,
                created_at=now,
            )
        )
    return len(identities)


async def redeem_link(uow: UnitOfWork, desk: Desk, staff_id: int, nonce: str) -> SignedIn:
    """The link's person, once: a second use, or a person no longer active, is refused.
    (bot/miniapp/auth.py has checked the link's signature and age.)"""
    spent = ConversationRepository(uow.session)
    if not await spent.claim_update(SPENT_LINKS, nonce, desk.clock.now()):
        raise Refusal("signin.spent")
    staff = await PeopleRepository(uow.session).staff(staff_id)
    if staff is None or not staff.active:
        raise Refusal("access.staff_only")
    actor = Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)
    return SignedIn(staff.id, actor.role is Role.MANAGER)
