"""Append a timeline event for every change: who, when, what, and who may see it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.values import EventKind
from handlers.actors import Actor
from storage.models import Case, CaseEvent
from storage.timeline_chain import seal


def record(
    session: AsyncSession,
    case: Case,
    actor: Actor,
    what: EventKind,
    at: datetime,
    *,
    visible: bool,
    **data: Any,
) -> None:
    """Stamp the case as changed and append the event (append-only: never updated)."""
    case.updated_at = at
    event = CaseEvent(
        case_id=case.id,
        at=at,
        actor_kind=actor.kind,
        actor_id=actor.id,
        kind=what,
        customer_visible=visible,
        data=data,
    )
    seal(case, event)  # chained to the case's last event; the case row keeps the head
    session.add(event)
