"""Address and queue what the desk tells people: outbox rows, never direct sends.

Rows are written in the caller's transaction, so a rolled-back change announces nothing
(STYLE habit 5). Customers hear on the channel their case came from; departments and
managers in the group chats configured for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.i18n import language_of, translation
from conversations.messages import Option, Reply
from conversations.policy import Language, Policy
from conversations.privacy import mask_phones_in
from storage.models import Case, OutboxMessage
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository


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

    async def customer(self, case: Case, text: str, choices: Sequence[Option] = ()) -> bool:
        """Queue a message to the case's customer; False when they have no address."""
        people = PeopleRepository(self.session)
        for identity in await people.identities_of_customer(case.customer_id):
            if identity.channel == case.channel:
                self._queue(case, identity.channel, identity.external_id, text, choices, None)
                return True
        return False

    def department(
        self,
        case: Case,
        department: str,
        text: str,
        choices: Sequence[Option] = (),
        purpose: str | None = None,
    ) -> None:
        """Queue to each chat of the department; `purpose` names a card edited later.

        Group chats never see a full phone number, even one typed into a description."""
        for channel, chat_id in self.policy.department(department).chats.items():
            self._queue(case, channel, chat_id, mask_phones_in(text), choices, purpose)

    async def staff(self, case: Case, staff_id: int, text: str) -> None:
        """Queue to a staff member's private chat on each channel they use."""
        for identity in await PeopleRepository(self.session).identities_of_staff(staff_id):
            self._queue(case, identity.channel, identity.external_id, text, (), None)

    def managers(self, case: Case, text: str, choices: Sequence[Option] = ()) -> None:
        self.department(case, self.policy.manager_department, text, choices)

    def _queue(
        self,
        case: Case,
        channel: str,
        chat_id: str,
        text: str,
        choices: Sequence[Option],
        purpose: str | None,
    ) -> None:
        self._outbox.enqueue(
            OutboxMessage(
                channel=channel,
                chat_id=chat_id,
                case_id=case.id,
                purpose=purpose,
                payload=payload(text, choices),
                not_before=self.now,
                created_at=self.now,
            )
        )


def payload(text: str, options: Sequence[Option]) -> dict[str, object]:
    return {"text": text, "choices": [{"label": o.label, "action": o.action} for o in options]}


def queue_reply(
    session: AsyncSession, channel: str, chat_id: str, reply: Reply, now: datetime
) -> None:
    """A direct answer to the person who wrote, in the chat they wrote from."""
    OutboxRepository(session).enqueue(
        OutboxMessage(
            channel=channel,
            chat_id=chat_id,
            payload=payload(reply.text, reply.options),
            not_before=now,
            created_at=now,
        )
    )
