"""How long each kind of personal data is kept (issue 15); `[policy.retention]` in the config."""

from __future__ import annotations

from calendar import monthrange
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field


class Retention(BaseModel):
    """Ages after which the retention sweep anonymises or deletes. Open cases are never
    touched: a case's age counts from its closing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    closed_case_months: int = Field(24, ge=1, description="closed cases' names and words")
    media_months: int = Field(12, ge=1, description="closed cases' photo and file references")
    conversation_days: int = Field(30, ge=1, description="a chat's dialogue state")
    processed_update_days: int = Field(7, ge=1, description="inbound update ids (dedup)")
    delivered_outbox_days: int = Field(30, ge=1, description="messages already delivered")
    batch: int = Field(500, ge=1, description="rows per kind per sweep")


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier, or that month's last day
    when it is shorter (31 March less one month: the end of February)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    last = monthrange(year, month + 1)[1]
    return now.replace(year=year, month=month + 1, day=min(now.day, last))


def days_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
