"""A case, its timeline, deadlines, attachments, survey, and the monthly number counter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from conversations.base.values import ActorKind, CaseKind, CaseStatus, Urgency, Validity, Wanted
from storage.base import Base
from storage.models.types import Json, stored_enum


class Case(Base):
    """One matter raised by one customer (POLICY §1).

    `version` is the optimistic-concurrency counter: a stale update fails instead of
    overwriting another person's change (two staff taking one case at once).
    """

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_subject", "category", "subject_key", "created_at"),
        Index("ix_cases_status_department", "status", "department"),
        # The period measures (issue 18): open at a period's end, closed in or after it.
        Index("ix_cases_closed_created", "closed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind))
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(32))
    proposed_severity: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[Urgency] = mapped_column(stored_enum(Urgency), default=Urgency.NORMAL)
    validity: Mapped[Validity | None] = mapped_column(stored_enum(Validity))
    status: Mapped[CaseStatus] = mapped_column(stored_enum(CaseStatus))
    department: Mapped[str] = mapped_column(String(64))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    subject_key: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    wanted: Mapped[Wanted | None] = mapped_column(stored_enum(Wanted))
    order_ref: Mapped[str | None] = mapped_column(String(200))
    occurred_on: Mapped[date | None]
    channel: Mapped[str] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(64))
    solution: Mapped[str | None] = mapped_column(Text)
    waiting_on_customer: Mapped[bool] = mapped_column(default=False)
    is_repeat: Mapped[bool] = mapped_column(default=False)
    solved: Mapped[bool | None]
    complainant_type: Mapped[str] = mapped_column(
        String(32), default="customer", server_default="customer"
    )
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Filed without a name (issue 19): staff never see the customer's stored name on it,
    # managers included; set once at filing, read by every staff view (migration 0013).
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    reopen_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    # First-contact ownership (seed 001 首问负责制, issue 13): the staff member who took
    # the complaint by phone, at the counter or by letter and filed it for the customer.
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The hash of the newest timeline event (storage/timeline_chain.py, issue 15).
    timeline_head: Mapped[str | None] = mapped_column(String(64))
    # Names, contacts and the customer's words replaced by the retention sweep (issue 15).
    anonymised_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own form)


class SupportingDepartment(Base):
    """A department helping the lead department on a cross-department case (POLICY §3)."""

    __tablename__ = "case_departments"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(64), primary_key=True)


class CaseEvent(Base):
    """Append-only timeline entry: who did what, when, and whether the customer sees it.
    Database triggers refuse UPDATE and DELETE (migration 0009, issue 15)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    actor_kind: Mapped[ActorKind] = mapped_column(stored_enum(ActorKind))
    actor_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(48))
    customer_visible: Mapped[bool]
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # The chain (issue 15): the previous event's hash ('' for the first) and this one's.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class Deadline(Base):
    """A service-level step's due time (POLICY §5); met, fired and paused are recorded."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open_due", "met_at", "paused_at", "due_at"),
        # The watcher's question, "what falls due next?", reads only this small index.
        Index(
            "ix_deadlines_to_fire",
            "due_at",
            postgresql_where=text("met_at IS NULL AND paused_at IS NULL AND fired_at IS NULL"),
            sqlite_where=text("met_at IS NULL AND paused_at IS NULL AND fired_at IS NULL"),
        ),
        # The period measures' timeliness: the steps due in a period (issue 18).
        Index("ix_deadlines_due", "due_at", "escalation_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    working: Mapped[bool]
    escalation_level: Mapped[int] = mapped_column(default=0)
    set_at: Mapped[datetime]
    met_at: Mapped[datetime | None]
    fired_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    # Firing raised an unexpected error: stamped (with the error's name) so the watcher
    # goes on to the next deadline instead of failing on this one forever.
    failed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class Attachment(Base):
    """A photo, file, voice note or video on a case, from the customer or from staff.
    `file_ref` is the platform's id (it dies with the bot token); `stored_path` is the
    copy in the desk's file store, relative to it (issue 13)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    file_ref: Mapped[str] = mapped_column(String(500))
    media_kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    stored_path: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int | None]
    file_name: Mapped[str | None] = mapped_column(String(200))
    # Who sent it: the customer (None) or a staff member replying (issue 13).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Survey(Base):
    """The satisfaction follow-up of one resolution round (POLICY §4)."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    sent_at: Mapped[datetime]
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    solved: Mapped[bool | None]
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)


class CaseCounter(Base):
    """Last serial used per prefix and month; its row lock makes numbering gapless."""

    __tablename__ = "case_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    period: Mapped[str] = mapped_column(String(6), primary_key=True)
    last_serial: Mapped[int]


class Review(Base):
    """Where a review case came from; (platform, source_key) finds a re-imported one."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("platform", "source_key"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(500))
    rating: Mapped[int | None]
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))


class CorrectiveAction(Base):
    """Corrective and preventive action on a valid case (纠正和预防措施, 举一反三)."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    root_cause: Mapped[str] = mapped_column(Text)
    corrective: Mapped[str] = mapped_column(Text)
    preventive: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    effective: Mapped[bool | None]
    verification_note: Mapped[str | None] = mapped_column(Text)


class TypicalCase(Base):
    """A closed case a manager marked for training, with the lesson learned."""

    __tablename__ = "typical_cases"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    lesson: Mapped[str] = mapped_column(Text)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    marked_at: Mapped[datetime]
