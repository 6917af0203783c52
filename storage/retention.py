"""What the retention sweep and a customer's erasure change, in SQL (issue 15).

Anonymising keeps a case, its number, dates, grades, deadlines, survey scores and every
measure; it replaces the customer's words, order reference and the solution text, drops
survey comments, reviewer names and file references, and rewrites the timeline's free
text. The timeline is append-only (migration 0009): the one documented way to rewrite it
is `timeline_unlocked`, inside the transaction, which re-chains the hashes it changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus, OutboxStatus
from storage.models import (
    Attachment,
    Case,
    CaseEvent,
    Conversation,
    Customer,
    Identity,
    OutboxMessage,
    ProcessedUpdate,
    Review,
    ServiceWindow,
    Survey,
    TimelineUnlock,
)
from storage.timeline_chain import GENESIS, event_hash

# Timeline data kept as it is: grades, steps, outcomes, numbers. Every other text is a
# person's words (added information, reasons, notes, summaries) and is blanked.
STRUCTURAL_KEYS = frozenset(
    {"kind", "step", "old", "new", "severity", "validity", "level", "template", "platform",
     "outcome", "number", "channel", "solved", "score", "rating", "effective", "department",
     "from", "to", "handler", "urgency", "category"}
)  # fmt: skip


@asynccontextmanager
async def timeline_unlocked(session: AsyncSession, reason: str) -> AsyncIterator[None]:
    """Let this transaction rewrite case events: a row the triggers look for, removed
    before the work commits (a rollback removes it too), so no other transaction sees it."""
    unlock = TimelineUnlock(reason=reason)
    session.add(unlock)
    await session.flush()
    yield
    await session.delete(unlock)
    await session.flush()


def scrubbed(data: dict[str, Any]) -> dict[str, Any]:
    """The event's data without a person's words: structural keys and numbers stay."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key in STRUCTURAL_KEYS or isinstance(value, bool | int | float) or value is None:
            kept[key] = value
        else:
            kept[key] = "" if isinstance(value, str) else type(value)()
    return kept


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def closed_to_anonymise(self, closed_before: datetime, limit: int) -> Sequence[Case]:
        """Closed cases past their retention, not yet anonymised, locked (others skip them)."""
        return (
            await self.session.scalars(
                select(Case)
                .where(
                    Case.status == CaseStatus.CLOSED,
                    Case.closed_at < closed_before,
                    Case.anonymised_at.is_(None),
                )
                .order_by(Case.closed_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def cases_of(self, customer_id: int) -> Sequence[Case]:
        query = select(Case).where(Case.customer_id == customer_id).order_by(Case.id)
        return (await self.session.scalars(query.with_for_update())).all()

    async def forgetting(self, limit: int) -> Sequence[Customer]:
        """Customers who asked to be forgotten and still wait for a case to close."""
        query = select(Customer).where(
            Customer.forget_requested_at.is_not(None), Customer.erased_at.is_(None)
        )
        return (await self.session.scalars(query.limit(limit).with_for_update())).all()

    async def anonymise(self, case: Case, now: datetime) -> int:
        """Replace the case's personal fields and its timeline's words; how many events."""
        case.description, case.order_ref, case.solution, case.anonymised_at = "", None, None, now
        session = self.session
        await session.execute(update(Survey).where(Survey.case_id == case.id).values(comment=None))
        await session.execute(
            update(Review).where(Review.case_id == case.id).values(reviewer="", link=None)
        )
        await session.execute(delete(Attachment).where(Attachment.case_id == case.id))
        events = (
            await session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
        ).all()
        prev = GENESIS
        for event in events:
            event.data = scrubbed(event.data or {})
            event.prev_hash = prev
            event.hash = prev = event_hash(case.number, event, prev)
        case.timeline_head = prev if events else case.timeline_head
        return len(events)

    async def erase(self, customer: Customer, now: datetime) -> int:
        """The customer's name, phone and chat identities gone; how many identities."""
        customer.name = customer.phone = None
        customer.erased_at = now
        chats = (
            await self.session.execute(
                select(Identity.channel, Identity.external_id).where(
                    Identity.customer_id == customer.id
                )
            )
        ).all()
        if chats:
            pairs = [tuple(chat) for chat in chats]
            # The chat's state is blanked, not deleted: the turn that asked is saving it.
            await self.session.execute(
                update(Conversation)
                .where(tuple_(Conversation.channel, Conversation.chat_id).in_(pairs))
                .values(data={}, last_options=None)
            )
            await self.session.execute(
                delete(ServiceWindow).where(
                    tuple_(ServiceWindow.channel, ServiceWindow.chat_id).in_(pairs)
                )
            )
            # What was already sent to them (receipts, a /mydata file) is their data too;
            # what still waits to go (this erasure's own answer) is sent first.
            await self.session.execute(
                delete(OutboxMessage).where(
                    tuple_(OutboxMessage.channel, OutboxMessage.chat_id).in_(pairs),
                    OutboxMessage.status == OutboxStatus.SENT,
                )
            )
        await self.session.execute(delete(Identity).where(Identity.customer_id == customer.id))
        return len(chats)

    async def delete_conversations(self, before: datetime) -> int:
        """Dialogue state untouched since `before` (the next message starts afresh)."""
        result = await self.session.execute(
            delete(Conversation).where(Conversation.updated_at < before)
        )
        return _count(result)

    async def delete_processed_updates(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
        )
        return _count(result)

    async def delete_delivered(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < before
            )
        )
        return _count(result)

    async def delete_media(self, closed_before: datetime) -> int:
        """File references of cases closed before `closed_before` (open cases keep theirs)."""
        closed = select(Case.id).where(
            Case.status == CaseStatus.CLOSED, Case.closed_at < closed_before
        )
        result = await self.session.execute(
            delete(Attachment).where(Attachment.case_id.in_(closed.scalar_subquery()))
        )
        return _count(result)

    async def customer_by(
        self, customer_id: int | None = None, phone: str | None = None, chat: str | None = None
    ) -> Customer | None:
        """A customer by internal id, by phone, or by `channel:account` (operator requests)."""
        query = select(Customer)
        if customer_id is not None:
            query = query.where(Customer.id == customer_id)
        elif phone is not None:
            query = query.where(Customer.phone == phone)
        elif chat is not None:
            channel, _, account = chat.partition(":")
            query = query.join(Identity, Identity.customer_id == Customer.id).where(
                Identity.channel == channel, Identity.external_id == account
            )
        else:
            return None
        return (await self.session.scalars(query.order_by(Customer.id).limit(1))).first()

    async def open_cases(self, customer_id: int) -> int:
        query = select(func.count()).where(
            Case.customer_id == customer_id, Case.status != CaseStatus.CLOSED
        )
        return int(await self.session.scalar(query.select_from(Case)) or 0)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
