"""A small world for use-case tests: a database, the policy, a fake clock, and people."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select

from conversations.base.values import ActorKind, CaseKind, Role, Wanted
from handlers.actors import Actor
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.file import NewCase, file_case
from storage.engine import Database
from storage.models import Case, Customer, Identity, OutboxMessage, Staff
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.clock import FakeClock
from tests.fakes.policy import test_policy

T = TypeVar("T")
M = TypeVar("M")


@dataclass
class World:
    db: Database
    desk: Desk
    clock: FakeClock
    _orders: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    @classmethod
    def make(cls, db: Database, clock: FakeClock) -> World:
        return cls(db, Desk.build(test_policy(), clock), clock)

    async def act(self, use_case: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run one use case in its own transaction, as dispatch will."""
        return await perform(self.db, lambda uow: use_case(uow, self.desk, *args))

    async def customer(self, name: str = "王芳", phone: str = "13812345678") -> Actor:
        async with unit_of_work(self.db) as uow:
            person = Customer(name=name, phone=phone, created_at=self.clock.now())
            uow.session.add(person)
            await uow.session.flush()
            uow.session.add(
                Identity(
                    channel="console",
                    external_id=f"cust-{person.id}",
                    customer_id=person.id,
                    created_at=self.clock.now(),
                )
            )
        return Actor.customer(person.id)

    async def staff(self, name: str, department: str, role: Role = Role.STAFF) -> Actor:
        async with unit_of_work(self.db) as uow:
            person = Staff(name=name, department=department, role=role, created_at=self.clock.now())
            uow.session.add(person)
            await uow.session.flush()
        return Actor(ActorKind.STAFF, person.id, name, role, department)

    async def file(self, customer: Actor, **fields: Any) -> Case:
        fields.setdefault("order_ref", f"ORD-{next(self._orders)}")  # repeats only when asked
        new = NewCase(**{**DEFAULT_CASE, **fields})
        assert customer.id is not None
        return await self.act(file_case, customer.id, new)

    async def read(self, query: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        async with unit_of_work(self.db, readonly=True) as uow:
            return await query(uow)

    async def all(self, model: type[M]) -> list[M]:
        """Every row of a table, as stored now."""

        async def query(uow: UnitOfWork) -> list[M]:
            return list(await uow.session.scalars(select(model)))

        return await self.read(query)

    async def queued_texts(self, chat: str) -> list[str]:
        """What was queued to a chat, oldest first, whether or not it was sent yet."""

        async def query(uow: UnitOfWork) -> list[str]:
            rows = await uow.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat)
                .order_by(OutboxMessage.id)
            )
            return [str(row.payload["text"]) for row in rows]

        return await self.read(query)

    async def only(self, model: type[M]) -> M:
        """The single row of a table (the test made exactly one)."""
        (row,) = await self.all(model)
        return row


DEFAULT_CASE: dict[str, Any] = {
    "kind": CaseKind.COMPLAINT,
    "category": "product_quality",
    "description": "The kettle I bought leaks from the bottom.",
    "channel": "console",
    "wanted": Wanted.REPLACEMENT,
}


async def enrol(world: World, name: str, department: str, role: str = "staff") -> str:
    """Put a staff member on the roster with a console account; returns their sender id."""
    from conversations.base.policy import RosterEntry
    from handlers.staffing import sync_roster

    account = f"staff:{name}"
    entry = RosterEntry(name=name, department=department, role=role, accounts={"console": account})
    async with unit_of_work(world.db) as uow:
        await sync_roster(uow, world.desk, [entry])
    return account
