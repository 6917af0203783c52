"""Address and queue what the desk tells people: outbox rows, never direct sends.

Rows are written in the caller's transaction, so a rolled-back change announces nothing
(STYLE habit 5). Customers hear on the channel their case came from; departments and
managers in the group chats configured for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from gettext import NullTranslations
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import language_of, translation
from conversations.base.messages import Option, Reply
from conversations.base.policy import Language, Policy
from conversations.base.privacy import for_staff
from conversations.base.values import Via
from conversations.staff_filing import call_customer
from conversations.wording import status_label
from notifications.outgoing import document_payload
from storage.absences import stand_in
from storage.conversations import ConversationRepository
from storage.models import Case, OutboxMessage
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository

Extra = Mapping[str, object] | None  # more payload keys for a row (issue 13)


class Notifier:
    def __init__(self, session: AsyncSession, policy: Policy, now: datetime) -> None:
        self.session = session
        self.policy = policy
        self.now = now
        self._outbox = OutboxRepository(session)

    @property
    def staff_language(self) -> NullTranslations:
        return translation(self.policy.default_language)

    async def customer_language(self, case: Case) -> NullTranslations:
        return translation(await self.customer_language_code(case))

    async def customer_language_code(self, case: Case) -> Language:
        customer = await PeopleRepository(self.session).customer(case.customer_id)
        code = customer.language if customer else None
        return language_of(code, self.policy.default_language)

    async def customer(
        self,
        case: Case,
        text: str,
        choices: Sequence[Option] = (),
        template: str | None = None,
        *,
        extra: Extra = None,
        brief: str | None = None,
    ) -> bool:
        """Queue a message to the case's customer; False when they have no address.

        `template` names the update ('received', 'solution', 'resolved', 'closed') for
        channels that reach a customer outside a conversation only by template message;
        `brief` is what its short 'message' keyword shows, when not the whole text (a
        staff member's own words rather than their introduction, issue 13).
        `extra`: more payload keys (issue 13: "media", "topic", "in_topic")."""
        address = await self.customer_address(case)
        sent = await self.customer_at(
            address, case, text, choices, template, extra=extra, brief=brief
        )
        if not sent and case.channel in set(Via):
            await self._tell_by_hand(case, text, choices)
        return sent

    async def customer_address(self, case: Case) -> tuple[str, str] | None:
        """The customer's chat on the channel the case came from, if they have one; for a
        case staff filed for them (by phone, letter...: no chat), their newest chat."""
        people = PeopleRepository(self.session)
        chats = list(await people.identities_of_customer(case.customer_id))
        for identity in chats:
            if identity.channel == case.channel:
                return identity.channel, identity.external_id
        if chats and case.channel in set(Via):  # first-contact filing (issue 13)
            newest = max(chats, key=lambda identity: identity.id)
            return newest.channel, newest.external_id
        return None

    async def _tell_by_hand(self, case: Case, text: str, choices: Sequence[Option]) -> None:
        """A customer staff filed for who has no chat: the case's owner (the department
        while nobody has it) is asked to pass the message on (issue 13)."""
        told = call_customer(self.staff_language, case.number, text, choices)
        if case.handler_id is not None:
            await self.staff(case, case.handler_id, told)
        else:
            await self.department(case, case.department, told)

    async def customer_at(
        self,
        address: tuple[str, str] | None,
        case: Case,
        text: str,
        choices: Sequence[Option] = (),
        template: str | None = None,
        language: Language | None = None,
        *,
        extra: Extra = None,
        brief: str | None = None,
    ) -> bool:
        """`customer` with the address (and maybe the language) looked up beforehand, as
        handlers/file.py does to read nothing while it holds the month's counter row."""
        if address is None:
            return False
        channel, chat_id = address
        values = None
        if template is not None:
            values = await self.template_values(case, brief or text, language)
        await self._queue(
            case, channel, chat_id, text, choices, None, template, values, extra=extra
        )
        return True

    async def template_values(
        self, case: Case, text: str, language: Language | None = None
    ) -> dict[str, str]:
        """What a template message's keywords may show, in the customer's language, for
        channels that reach a customer outside a conversation only that way (WeChat)."""
        code = language or await self.customer_language_code(case)
        zone = ZoneInfo(self.policy.calendar.timezone)
        return {
            "number": case.number,
            "status": status_label(translation(code), case.status),
            "category": self.policy.category(case.category).names.get(code, case.category),
            "time": self.now.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "message": " ".join(text.split()),
            "solution": " ".join((case.solution or "").split()),
        }

    async def department(
        self,
        case: Case,
        department: str,
        text: str,
        choices: Sequence[Option] = (),
        purpose: str | None = None,
        *,
        extra: Extra = None,
    ) -> None:
        """Queue to each chat of the department; `purpose` names a card edited later.

        Group chats never see a full phone number, even one typed into a description."""
        shown = await self.shown_to_staff(case, text)
        for channel, chat_id in self.policy.department(department).chats.items():
            await self._queue(
                case, channel, chat_id, shown, choices, purpose, private=False, extra=extra
            )

    async def staff(self, case: Case, staff_id: int, text: str, *, extra: Extra = None) -> None:
        """Queue to a staff member's private chat on each channel they use; while they are
        away (/away, the desk's local date), to their substitute, saying for whom (issue 13)."""
        today = self.now.astimezone(self.policy.calendar.zone).date()
        away = await stand_in(self.session, staff_id, today)
        if away is not None:
            staff_id = away.substitute_id
            text = self.staff_language.gettext("For {name} (away): {text}").format(
                name=away.absent_name, text=text
            )
        shown = await self.shown_to_staff(case, text)
        for identity in await PeopleRepository(self.session).identities_of_staff(staff_id):
            await self._queue(
                case, identity.channel, identity.external_id, shown, (), None, extra=extra
            )

    async def shown_to_staff(self, case: Case, text: str) -> str:
        """Every message to staff about a case (cards, relays of the customer's words,
        reports) with numbers and addresses masked; a confidential filer's name and contacts
        removed (POLICY §8, issue 15), an anonymous filer's name (issue 19). Her row is
        usually in the session already."""
        name = phone = None
        if case.confidential or case.anonymous:
            customer = await PeopleRepository(self.session).customer(case.customer_id)
            name, phone = (customer.name, customer.phone) if customer else (None, None)
        return for_staff(
            text,
            confidential=case.confidential,
            known=(name, phone),
            regions=self.policy.privacy.phone_regions,
            withheld=(name,) if case.anonymous else (),
        )

    async def managers(self, case: Case, text: str, choices: Sequence[Option] = ()) -> None:
        await self.department(case, self.policy.manager_department, text, choices)

    async def _queue(
        self,
        case: Case,
        channel: str,
        chat_id: str,
        text: str,
        choices: Sequence[Option],
        purpose: str | None,
        template: str | None = None,
        values: dict[str, str] | None = None,
        *,
        private: bool = True,
        extra: Extra = None,
    ) -> None:
        body = payload(text, choices)
        if template is not None:
            body["template"] = template
            body["values"] = values or {}
        body.update(extra or {})
        self._outbox.enqueue(
            OutboxMessage(
                channel=channel,
                chat_id=chat_id,
                case_id=case.id,
                purpose=purpose,
                payload=body,
                not_before=self.now,
                created_at=self.now,
            )
        )
        if private:  # groups answer with buttons or commands, never with a number
            await remember_choices(self.session, channel, chat_id, choices, self.now)


def payload(text: str, options: Sequence[Option]) -> dict[str, object]:
    return {"text": text, "choices": [{"label": o.label, "action": o.action} for o in options]}


_TURN_CHAT = "complaintdesk.turn_chat"  # session.info: the chat whose turn is running
_OFFERED = "complaintdesk.offered"  # session.info: what the turn's use cases offered there


def turn_in(session: AsyncSession, channel: str, chat_id: str) -> None:
    """An inbound turn runs for this chat: choices a use case offers there are handed to
    the turn, which saves them with the chat's state in its one UPDATE."""
    session.info[_TURN_CHAT] = (channel, chat_id)
    session.info.pop(_OFFERED, None)


def turn_over(session: AsyncSession) -> tuple[list[str] | None] | None:
    """End the turn; what its use cases offered in its chat, if anything (a 1-tuple, so
    'offered nothing' and 'forgot the choices' stay apart)."""
    session.info.pop(_TURN_CHAT, None)
    offered: tuple[list[str] | None] | None = session.info.pop(_OFFERED, None)
    return offered


async def remember_choices(
    session: AsyncSession, channel: str, chat_id: str, choices: Sequence[Option], now: datetime
) -> None:
    """The choices last offered in a chat, so a typed number can pick one (channels with
    no buttons show them numbered); a message without choices forgets them."""
    actions = [choice.action for choice in choices] or None
    if session.info.get(_TURN_CHAT) == (channel, chat_id):
        session.info[_OFFERED] = (actions,)
        return
    await ConversationRepository(session).remember_options(channel, chat_id, actions, now)


async def queue_reply(
    session: AsyncSession, channel: str, chat_id: str, reply: Reply, now: datetime
) -> None:
    """A direct answer to the person who wrote, in the chat they wrote from; its choices
    are remembered for a typed number."""
    await remember_choices(session, channel, chat_id, reply.options, now)
    await queue_replies(session, channel, chat_id, [reply], now)


async def queue_replies(
    session: AsyncSession, channel: str, chat_id: str, replies: Sequence[Reply], now: datetime
) -> None:
    """Answers to the person who wrote, in order, in one statement. The caller remembers
    the last one's choices (an inbound turn saves them with the conversation's state)."""
    await OutboxRepository(session).enqueue_rows(
        [
            {
                "channel": channel,
                "chat_id": chat_id,
                "payload": _with_document(payload(reply.text, reply.options), reply),
                "not_before": now,
                "created_at": now,
            }
            for reply in replies
        ]
    )


def _with_document(body: dict[str, object], reply: Reply) -> dict[str, object]:
    """A reply's file (/mydata, issue 15) travels in its outbox row's payload."""
    if reply.document is not None:
        body["document"] = document_payload(reply.document)
    return body
