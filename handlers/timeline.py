"""Append a timeline event for every change: who, when, what, and who may see it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.actors import Actor
from storage.models import Case, CaseEvent


def record(
    session: AsyncSession,
    case: Case,
    actor: Actor,
    what: str,
    at: datetime,
    *,
    visible: bool,
    **data: Any,
) -> None:
    """Stamp the case as changed and append the event (append-only: never updated)."""
    case.updated_at = at
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            actor_kind=actor.kind,
            actor_id=actor.id,
            kind=what,
            customer_visible=visible,
            data=data,
        )
    )
