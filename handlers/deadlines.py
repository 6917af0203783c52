"""Set, meet, pause and resume service-level deadlines (POLICY §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.policy import Step
from handlers.desk import Desk
from storage.deadlines import DeadlineRepository
from storage.models import Case, Deadline


def start(session: AsyncSession, desk: Desk, case: Case, step: Step, now: datetime) -> Deadline:
    """Start the clock on `step` for the case's current grade (or kind, for inquiries)."""
    span = desk.policy.deadline(case.severity, step)
    if span is None:
        msg = f"no deadline configured for {case.severity}.{step}"
        raise LookupError(msg)
    deadline = Deadline(
        case_id=case.id,
        step=step.value,
        due_at=desk.calendar.add(now, span),
        working=span.working,
        set_at=now,
    )
    DeadlineRepository(session).add(deadline)
    return deadline


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
