"""Set, meet, pause, resume and recompute service-level deadlines (POLICY §5).

A step's deadline is one row (escalation level 0); each warning rung of the ladder
(`before` a share of the step) is a row of its own, set with it, due at that share of the
step's length, so it fires once and meeting the step meets it too. Rungs after the breach
are set when the step goes overdue (handlers/overdue.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.policy import CaseFacts, Span, Step
from handlers.desk import Desk
from storage.deadlines import DeadlineRepository
from storage.models import Case, Deadline


def facts(desk: Desk, case: Case, grade: str | None = None) -> CaseFacts:
    """What the case's deadlines depend on: grade, category, kind, cross-department."""
    return desk.policy.facts(grade or case.severity, case.category, str(case.kind))


def span_for(desk: Desk, case: Case, step: Step, grade: str | None = None) -> Span | None:
    facts_ = facts(desk, case, grade)
    return desk.policy.deadline(facts_.grade, step, facts_)


def rows(desk: Desk, case: Case, step: Step, now: datetime) -> list[dict[str, Any]]:
    """The step's row and its warning rows (no case id), for `add_many` or `start`.
    Refused (LookupError) when the step has no deadline for this case."""
    span = span_for(desk, case, step)
    if span is None:
        msg = f"no deadline configured for {case.severity}.{step} ({case.kind} in {case.category})"
        raise LookupError(msg)
    due = desk.calendar.add(now, span)
    row = {
        "step": step.value,
        "due_at": due,
        "working": span.working,
        "set_at": now,
        "escalation_level": 0,
    }
    return [row, *warning_rows(desk, step, now, due, working=span.working)]


def warning_rows(
    desk: Desk, step: Step, set_at: datetime, due: datetime, *, working: bool
) -> list[dict[str, Any]]:
    """One row per warning rung, due at its share of [set_at, due)."""
    found = []
    for level, rung in enumerate(desk.policy.escalation.rungs(), start=1):
        if rung.before is not None:
            at = share_of(desk, set_at, due, rung.before, working=working)
            found.append(
                {
                    "step": step.value,
                    "due_at": at,
                    "working": working,
                    "set_at": set_at,
                    "escalation_level": level,
                }
            )
    return found


def share_of(
    desk: Desk, start: datetime, due: datetime, share: float, *, working: bool
) -> datetime:
    """The instant `share` of the way from start to due, in the step's own time."""
    if not working:
        return start + (due - start) * share
    length = desk.calendar.working_between(start, due)
    return desk.calendar.add_working(start, length * share)


def start(session: AsyncSession, desk: Desk, case: Case, step: Step, now: datetime) -> Deadline:
    """Start the clock on `step` for the case's grade, category and kind (and its warnings)."""
    step_row, *warnings = rows(desk, case, step, now)
    repository = DeadlineRepository(session)
    deadline = Deadline(case_id=case.id, **step_row)
    repository.add(deadline)
    for warning in warnings:
        repository.add(Deadline(case_id=case.id, **warning))
    return deadline


def start_if_configured(
    session: AsyncSession, desk: Desk, case: Case, step: Step, now: datetime
) -> Deadline | None:
    """Start an optional step (investigate, accept, resolve) only where one is configured."""
    if span_for(desk, case, step) is None:
        return None
    return start(session, desk, case, step, now)


async def meet(session: AsyncSession, case: Case, now: datetime, *steps: Step) -> None:
    """Mark the open deadlines of these steps as met (none open is fine)."""
    wanted = {step.value for step in steps}
    for deadline in await DeadlineRepository(session).open_for_case(case.id):
        if deadline.step in wanted:
            deadline.met_at = now
            deadline.paused_at = None


async def pause(session: AsyncSession, case: Case, now: datetime) -> None:
    """Stop the clocks while the case waits on the customer."""
    for deadline in await DeadlineRepository(session).open_for_case(case.id):
        if deadline.paused_at is None:
            deadline.paused_at = now


async def resume(session: AsyncSession, desk: Desk, case: Case, now: datetime) -> None:
    """Restart paused clocks, pushing each due time back by the time spent waiting."""
    for deadline in await DeadlineRepository(session).open_for_case(case.id):
        if deadline.paused_at is None:
            continue
        if deadline.working:
            waited = desk.calendar.working_between(deadline.paused_at, now)
            deadline.due_at = desk.calendar.add_working(deadline.due_at, waited)
        else:
            deadline.due_at += now - deadline.paused_at
        deadline.paused_at = None


async def recompute(
    session: AsyncSession, desk: Desk, case: Case, old_grade: str
) -> list[tuple[Deadline, datetime]]:
    """After a regrade: each open step not yet fired is due its new grade's span after the
    step started (its own `set_at`), plus the waiting it had been pushed back by; its
    unfired warnings move with it. Returns (step row, old due) for each that moved."""
    moved = []
    open_rows = await DeadlineRepository(session).open_for_case(case.id)
    for row in open_rows:
        if row.escalation_level != 0 or row.fired_at is not None:
            continue
        step = Step(row.step)
        new, old = span_for(desk, case, step), span_for(desk, case, step, old_grade)
        if new is None:
            continue
        due = _shifted(desk, desk.calendar.add(row.set_at, new), _waited(desk, row, old), new)
        if due != row.due_at:
            moved.append((row, row.due_at))
            row.due_at, row.working = due, new.working
            _move_warnings(desk, open_rows, row)
    return moved


def _waited(desk: Desk, row: Deadline, old: Span | None) -> timedelta:
    """How far waiting on the customer had pushed the row beyond its span."""
    if old is None:
        return timedelta()
    planned = desk.calendar.add(row.set_at, old)
    if row.working:
        return desk.calendar.working_between(planned, row.due_at)
    return max(row.due_at - planned, timedelta())


def _shifted(desk: Desk, due: datetime, waited: timedelta, span: Span) -> datetime:
    if not waited:
        return due
    return desk.calendar.add_working(due, waited) if span.working else due + waited


def _move_warnings(desk: Desk, open_rows: Sequence[Deadline], step_row: Deadline) -> None:
    rungs = desk.policy.escalation.rungs()
    for row in open_rows:
        if row.step != step_row.step or row.fired_at is not None or row.escalation_level == 0:
            continue
        share = (
            rungs[row.escalation_level - 1].before if row.escalation_level <= len(rungs) else None
        )
        if share is not None:
            row.due_at = share_of(
                desk, step_row.set_at, step_row.due_at, share, working=step_row.working
            )
            row.working = step_row.working
