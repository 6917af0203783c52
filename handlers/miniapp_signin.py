"""One-time sign-in links for the desk's pages outside Telegram (issue 16): sent by the
bot to the person's private chats (from the page, or /signin), bound to them, spent on
first use; and /case N's button to the case page."""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations
from typing import Protocol

from conversations import intents as i
from conversations.actions import CaseVerb, case_button
from conversations.base.i18n import translation
from conversations.base.messages import Option, Reply
from conversations.base.values import ActorKind, Role
from handlers.access import require_staff
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from storage.conversations import ConversationRepository
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

SPENT_LINKS = "miniapp-signin"  # nonces claimed like update ids: a second use finds it


class MiniAppLinks(Protocol):
    """The Mini App's addresses when it is enabled with a url (bot/miniapp/links.py)."""

    @property
    def minutes(self) -> int: ...

    def signin_link(self, staff_id: int, case: str = "") -> str:
        """A one-time link, signed and bound to the person, valid `minutes`."""
        ...


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


@handles(i.SignIn)
async def on_signin(call: Call, intent: i.SignIn) -> list[Reply]:
    """/signin: the link goes to the person's private chats only, never to a group."""
    require_staff(call.actor)
    t = translation(call.person.language)
    links = call.desk.miniapp
    if links is None:
        return [Reply(t.gettext("The desk's pages are not switched on; ask your administrator."))]
    assert call.actor.id is not None
    text = link_text(t, links.minutes, links.signin_link(call.actor.id))
    await send_link(call.uow, call.desk, call.actor, text)
    return [Reply(t.gettext("A sign-in link is on its way to your private chat with the bot."))]


def link_text(t: NullTranslations, minutes: int, link: str) -> str:
    text = t.gettext("Your sign-in link for the desk, valid for {minutes} minutes, once: {link}")
    return text.format(minutes=minutes, link=link)


def case_page_option(call: Call, number: str) -> tuple[Option, ...]:
    """/case N offers the case page in Telegram when the Mini App is on (the sender turns
    Details into a web_app button in a private chat, issue 16)."""
    if call.desk.miniapp is None or call.channel != "telegram" or not call.person.is_staff:
        return ()
    label = translation(call.person.language).gettext("Open the case page")
    return (Option(label, case_button(CaseVerb.DETAILS, number)),)
