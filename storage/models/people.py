"""Who talks to the desk: customers, staff, and their platform identities."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conversations.base.values import Role
from storage.base import Base
from storage.models.types import stored_enum


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    unreachable_since: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # /forgetme with cases still open: finished by the retention sweep once they close.
    forget_requested_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[Role] = mapped_column(stored_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


class StaffAbsence(Base):
    """`/away`: a staff member is away for these days (inclusive, the desk's local dates)
    and `substitute_id` gets their alerts and new assignments meanwhile (issue 13)."""

    __tablename__ = "staff_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cancelled_at: Mapped[datetime | None]


class StaffInvite(Base):
    """A one-time code a manager hands out; whoever redeems it joins the roster."""

    __tablename__ = "staff_invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(stored_enum(Role))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Identity(Base):
    """One platform account (channel + external id) of a customer or a staff member."""

    __tablename__ = "identities"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        CheckConstraint("(customer_id IS NULL) <> (staff_id IS NULL)", name="exactly_one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
