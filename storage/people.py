"""Queries about customers, staff and their platform identities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import CaseStatus, Role
from storage.models import Case, Customer, Identity, Staff, StaffInvite


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_customers = _table(Customer)
_NEW_CUSTOMER = insert(_customers).returning(_customers.c.id)
_NEW_IDENTITY = insert(_table(Identity))
_HEARD_FROM = (
    update(_customers)
    .where(_customers.c.id == bindparam("customer_id"))
    .values(unreachable_since=None)
)
_HEARD_FROM_IN = _HEARD_FROM.values(language=bindparam("language"))


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def customer(self, customer_id: int) -> Customer | None:
        return await self.session.get(Customer, customer_id)

    async def update_contact(self, customer_id: int, name: str | None, phone: str | None) -> None:
        """What the customer told us while filing replaces what we had; nothing is read,
        and nothing is written when they told us nothing new."""
        values = {k: v for k, v in (("name", name), ("phone", phone)) if v}
        if values:
            await self.session.execute(
                update(Customer).where(Customer.id == customer_id).values(**values),
                execution_options={"synchronize_session": False},
            )

    async def staff(self, staff_id: int) -> Staff | None:
        return await self.session.get(Staff, staff_id)

    async def staff_by_name(self, name: str) -> Staff | None:
        return await self.session.scalar(select(Staff).where(Staff.name == name))

    async def leads_of(self, department: str) -> list[int]:
        """The active leads of a department (an escalation rung tells them)."""
        rows = await self.session.scalars(
            select(Staff.id).where(
                Staff.department == department, Staff.role == Role.LEAD, Staff.active
            )
        )
        return list(rows)

    async def active_in(
        self, departments: Sequence[str], roles: Sequence[Role] = ()
    ) -> Sequence[Staff]:
        """Active staff of these departments (or of these roles anywhere), by name: who
        may be assigned a case or stand in for someone."""
        where: ColumnElement[bool] = Staff.department.in_(departments)
        if roles:
            where = where | Staff.role.in_(roles)
        rows = await self.session.scalars(
            select(Staff).where(Staff.active, where).order_by(Staff.name, Staff.id)
        )
        return rows.all()

    async def named(self, name: str) -> Sequence[Staff]:
        """Every staff member, active or not, with this name (ASCII case ignored)."""
        rows = await self.session.scalars(
            select(Staff).where(func.lower(Staff.name) == name.lower()).order_by(Staff.id)
        )
        return rows.all()

    async def all_staff(self) -> Sequence[Staff]:
        return (await self.session.scalars(select(Staff).order_by(Staff.name, Staff.id))).all()

    async def from_roster_missing(self, names: Sequence[str]) -> Sequence[Staff]:
        """Active staff not named in the config roster who did not join by an invitation
        code: the roster made them, so leaving the roster ends their access."""
        invited = exists().where(StaffInvite.used_by == Staff.id)
        rows = await self.session.scalars(
            select(Staff).where(Staff.active, Staff.name.not_in(names), ~invited).order_by(Staff.id)
        )
        return rows.all()

    async def open_cases_handled_by(self, staff_id: int) -> Sequence[Case]:
        """The cases this person handles that are not closed, oldest first."""
        rows = await self.session.scalars(
            select(Case)
            .where(Case.handler_id == staff_id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.created_at, Case.id)
        )
        return rows.all()

    async def add(self, person: Customer | Staff) -> None:
        self.session.add(person)
        await self.session.flush()

    async def new_customer(
        self, channel: str, external_id: str, name: str | None, language: str | None, at: datetime
    ) -> int:
        """A customer and their identity on the channel; the customer's id."""
        values = {"name": name, "language": language, "created_at": at}
        customer_id = int((await self.session.execute(_NEW_CUSTOMER, values)).scalar_one())
        identity = {"channel": channel, "external_id": external_id, "created_at": at}
        await self.session.execute(_NEW_IDENTITY, {**identity, "customer_id": customer_id})
        return customer_id

    async def heard_from(self, customer_id: int, language: str | None = None) -> None:
        """They wrote to us: reachable again, and (when given) the language they speak."""
        if language is None:
            await self.session.execute(_HEARD_FROM, {"customer_id": customer_id})
        else:
            values = {"customer_id": customer_id, "language": language}
            await self.session.execute(_HEARD_FROM_IN, values)

    async def identity(self, channel: str, external_id: str) -> Identity | None:
        return await self.session.scalar(
            select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
        )

    async def identities_of_customer(self, customer_id: int) -> Sequence[Identity]:
        rows = await self.session.scalars(
            select(Identity).where(Identity.customer_id == customer_id).order_by(Identity.id)
        )
        return rows.all()

    async def identities_of_staff(self, staff_id: int) -> Sequence[Identity]:
        rows = await self.session.scalars(
            select(Identity).where(Identity.staff_id == staff_id).order_by(Identity.id)
        )
        return rows.all()

    async def add_identity(self, identity: Identity) -> None:
        self.session.add(identity)
        await self.session.flush()


async def staff_names(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    """Names to show for these staff; two of one name are told apart by number (李雷 #3)."""
    rows = await session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids)))
    found = {int(row[0]): str(row[1]) for row in rows}
    shared = {name for name, count in Counter(found.values()).items() if count > 1}
    return {key: f"{name} #{key}" if name in shared else name for key, name in found.items()}


async def open_invite(session: AsyncSession, code: str) -> StaffInvite | None:
    """An unused invitation with this code, locked for redemption."""
    return await session.scalar(
        select(StaffInvite)
        .where(StaffInvite.code == code, StaffInvite.used_at.is_(None))
        .with_for_update()
    )
