"""Grading rules that raise severity (POLICY §2). A raise is never silent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.policy import Grading, Threshold
from handlers.actors import Actor
from handlers.timeline import record
from storage.cases import CaseRepository
from storage.models import Case


def danger_words_in(text: str, grading: Grading) -> list[str]:
    """The configured danger words found in `text` (case-insensitive)."""
    lowered = text.casefold()
    return [word for word in grading.danger_words if word.casefold() in lowered]


def threshold_grade(count: int, thresholds: list[Threshold], grading: Grading) -> str | None:
    """The highest grade whose threshold `count` reaches, if any."""
    reached = [t.grade for t in thresholds if count >= t.count]
    return max(reached, key=grading.rank) if reached else None


def set_grade(
    session: AsyncSession, case: Case, grade: str, reason: str, at: datetime, actor: Actor
) -> None:
    """Change the grade, with the old and new grade and the reason on the timeline."""
    record(
        session,
        case,
        actor,
        "regraded",
        at,
        visible=False,
        old=case.severity,
        new=grade,
        reason=reason,
    )
    case.severity = grade


def raise_grade(
    session: AsyncSession,
    case: Case,
    grading: Grading,
    floor: str,
    reason: str,
    at: datetime,
    actor: Actor | None = None,
) -> bool:
    """Lift the case to at least `floor`; record it on the timeline. True if it rose."""
    raised = grading.at_least(case.severity, floor)
    if raised == case.severity:
        return False
    set_grade(session, case, raised, reason, at, actor or Actor.system())
    return True


async def apply_collective_rule(
    session: AsyncSession, case: Case, grading: Grading, now: datetime
) -> list[Case]:
    """Same category and subject from several customers: raise every open case of it."""
    if case.subject_key is None:
        return []
    repository = CaseRepository(session)
    since = now - timedelta(days=grading.collective_window_days)
    customers = await repository.customers_on_subject(case.category, case.subject_key, since)
    floor = threshold_grade(customers, grading.collective, grading)
    if floor is None:
        return []
    reason = f"collective:{customers}"
    return [
        other
        for other in await repository.open_on_subject(case.category, case.subject_key)
        if raise_grade(session, other, grading, floor, reason, now)
    ]
