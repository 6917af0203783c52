"""Grading rules that raise severity (POLICY §2). A raise is never silent."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.base.policy import Grading, Threshold
from conversations.base.values import EventKind
from handlers import deadlines
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.rows import Row, contained
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository, TimelineRepository
from storage.models import Case
from storage.uow import UnitOfWork


def danger_words_in(text: str, grading: Grading) -> list[str]:
    """The danger phrases in `text`, each once, whole words only (conversations/base/phrases)."""
    return grading.danger_phrases.find(text)


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
        EventKind.REGRADED,
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


def collective_reason(customers: int) -> str:
    return f"collective:{customers}"


async def raise_on_subject(
    session: AsyncSession, desk: Desk, category: str, subject_key: str, floor: str, reason: str
) -> list[Case]:
    """Same category and subject from several customers: raise every open case of it to
    `floor`, each raise announced (a new case being filed is not among them: its own card
    and alerts show its grade)."""
    now, grading = desk.clock.now(), desk.policy.grading
    raised = []
    for other in await CaseRepository(session).open_on_subject(category, subject_key):
        old = other.severity
        if raise_grade(session, other, grading, floor, reason, now):
            await deadlines.recompute(session, desk, other, old)
            raised.append(other)
    for other in raised:
        await announce_raise(session, desk, other, reason)
    return raised


def reason_words(t: NullTranslations, reason: str) -> str:
    """A stored raise reason ('collective:3', 'unresolved:7', ...) in words."""
    kind, _, count = reason.partition(":")
    if kind == "collective":
        return t.gettext("{count} customers raised the same issue").format(count=count)
    if kind == "unresolved":
        return t.gettext("still open after {days} days").format(days=count)
    if kind == "second_complaint":
        return t.gettext("a second complaint")
    if kind == "repeat":
        return t.gettext("the same customer again on the same subject")
    return reason


async def announce_raise(session: AsyncSession, desk: Desk, case: Case, reason: str) -> None:
    """A raise is never silent: the department hears, and managers from their grade up."""
    notifier = Notifier(session, desk.policy, desk.clock.now())
    t, grading = notifier.staff_language, desk.policy.grading
    grade = grading.label(case.severity, desk.policy.default_language)
    text = notices.grade_raised(t, case.number, grade, reason_words(t, reason))
    await notifier.department(case, case.department, text)
    if case.handler_id is not None:
        await notifier.staff(case, case.handler_id, text)
    if grading.rank(case.severity) >= grading.rank(grading.managers_alerted_from):
        await notifier.managers(case, text)


async def raise_long_open(uow: UnitOfWork, desk: Desk) -> int:
    """Cases still open N days after filing rise to the configured grade (POLICY §2).

    Narrowed by the query (old, open, below the grade, not found invalid); each raise is
    re-checked by `raise_grade`, so running it again changes nothing. A case whose raise
    fails is rolled back alone and logged once (issue 11); the others still rise."""
    now, grading, raised = desk.clock.now(), desk.policy.grading, 0
    for threshold in sorted(grading.unresolved_days, key=lambda t: t.count):
        below = grading.grades[: grading.rank(threshold.grade)]
        cutoff = now - timedelta(days=threshold.count)
        reason = f"unresolved:{threshold.count}"
        for case in await CaseRepository(uow.session).open_since(cutoff, below):
            row = Row("raise_long_open", str(case.id), f"case={case.number}")
            work = partial(_raise_old, uow.session, desk, case, threshold, reason)
            raised += await contained(uow, desk.reported, row, work)
    return raised


async def _raise_old(
    session: AsyncSession, desk: Desk, case: Case, threshold: Threshold, reason: str
) -> bool:
    """Only if open that long *through our fault*: time spent waiting on the customer
    does not count toward the age (issue 14)."""
    now = desk.clock.now()
    if case.created_at + timedelta(days=threshold.count) + await waited(session, case, now) > now:
        return False
    return await _raise_one(session, desk, case, threshold.grade, reason)


async def waited(session: AsyncSession, case: Case, now: datetime) -> timedelta:
    """How long the case waited on the customer: from each question put to them to their
    next message (up to now while still waiting)."""
    total, since = timedelta(), None
    for event in await TimelineRepository(session).of_case(case.id):
        if event.kind == EventKind.ASKED_CUSTOMER and since is None:
            since = event.at
        elif event.kind == EventKind.CUSTOMER_ADDED and since is not None:
            total, since = total + (event.at - since), None
    return total + (now - since if since is not None else timedelta())


async def _raise_one(
    session: AsyncSession, desk: Desk, case: Case, grade: str, reason: str
) -> bool:
    old = case.severity
    if not raise_grade(session, case, desk.policy.grading, grade, reason, desk.clock.now()):
        return False
    await deadlines.recompute(session, desk, case, old)  # the new grade's steps (issue 14)
    await announce_raise(session, desk, case, reason)
    return True
