"""Customers found by the contact a staff member took down (first-contact filing, issue 13):
the same person calling again is the same customer, with the chat they have with the desk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Identity


@dataclass(frozen=True)
class Known:
    """A customer with this contact, and their newest chat with the desk if any."""

    customer: Customer
    chat: Identity | None


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_contact(self, contact: str) -> Known | None:
        """The customer whose stored phone (or email) is `contact`, not erased: one with a
        chat first (the receipt can reach them there), else the newest."""
        has_chat = exists().where(Identity.customer_id == Customer.id)
        customer = await self.session.scalar(
            select(Customer)
            .where(Customer.phone == contact, Customer.erased_at.is_(None))
            .order_by(has_chat.desc(), Customer.id.desc())
            .limit(1)
        )
        if customer is None:
            return None
        chat = await self.session.scalar(
            select(Identity)
            .where(Identity.customer_id == customer.id)
            .order_by(Identity.id.desc())
            .limit(1)
        )
        return Known(customer, chat)
