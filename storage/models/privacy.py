"""The audit log of personal-data actions, and the timeline's one unlock (issue 15)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.models.types import Json


class AuditEntry(Base):
    """One personal-data action (export, erasure, retention sweep, operator view): what,
    by whom (a role, never a name), about which internal id, and counts; no personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class TimelineUnlock(Base):
    """While a transaction holds a row here, the case_events triggers let it rewrite
    events: only the anonymising path writes one, and deletes it before it commits."""

    __tablename__ = "timeline_unlocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(64))
