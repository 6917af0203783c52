"""Serious open cases tell customer service how they stand, at a regular interval.

POLICY §5: important cases report progress to customer service periodically while open
(seed 000 §6.2: 定期向客服部通报进展). Customer service is who the customer calls, so it
hears what happened since the last report; when nothing did, the handler is reminded,
unless the case is waiting for the customer's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import notices
from conversations.base.values import ActorKind, EventKind
from conversations.wording import event_label, staff_status_label
from handlers.actors import Actor
from handlers.approval import needs_approval
from handlers.common import local_time, staff_name, summary
from handlers.desk import Desk
from handlers.rows import Row, contained
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case, CaseEvent
from storage.uow import UnitOfWork

REPORTED = EventKind.PROGRESS_REPORTED
NOT_PROGRESS = {EventKind.VIEWED, EventKind.IDENTITY_REVEALED, EventKind.SURVEY_REMINDED, REPORTED}
SHOWN = 8  # the latest events a report lists; the rest are counted


async def report_progress(uow: UnitOfWork, desk: Desk) -> int:
    """Report each serious open case whose interval has passed since its last report (or
    its filing). Running it again at once reports nothing: the report is on the timeline.
    A case whose report fails is rolled back alone and logged once (issue 11)."""
    session, now, grading = uow.session, desk.clock.now(), desk.policy.grading
    serious = grading.grades[grading.rank(grading.progress_from) :]
    cases = await CaseRepository(session).open_since(now, serious)
    timeline = TimelineRepository(session)
    last = await timeline.latest([case.id for case in cases], REPORTED)
    reported = 0
    for case in cases:
        since = last.get(case.id, case.created_at)
        if desk.calendar.add(since, desk.policy.progress_report_every) > now:
            continue
        row = Row("report_progress", str(case.id), f"case={case.number}")
        reported += await contained(
            uow, desk.reported, row, partial(_report_one, session, desk, case)
        )
    return reported


async def _report_one(session: AsyncSession, desk: Desk, case: Case) -> bool:
    """One case's report, on the timeline as reported; rolled back alone if it fails."""
    events = _since_last_report(await TimelineRepository(session).of_case(case.id))
    await _report(session, desk, case, events)
    now = desk.clock.now()
    record(session, case, Actor.system(), REPORTED, now, visible=False, events=len(events))
    return True


def _since_last_report(timeline: Sequence[CaseEvent]) -> list[CaseEvent]:
    """The events after the last report (all of them before the first), progress only."""
    reports = [index for index, event in enumerate(timeline) if event.kind == REPORTED]
    after = timeline[reports[-1] + 1 :] if reports else timeline
    return [event for event in after if event.kind not in NOT_PROGRESS]


async def _report(session: AsyncSession, desk: Desk, case: Case, events: list[CaseEvent]) -> None:
    notifier = Notifier(session, desk.policy, desk.clock.now())
    t = notifier.staff_language
    lines = [await _line(session, desk, t, event) for event in events[-SHOWN:]]
    if len(events) > SHOWN:
        lines.insert(0, t.gettext("… and {count} earlier").format(count=len(events) - SHOWN))
    open_steps = await DeadlineRepository(session).open_for_case(case.id)
    waiting = any(step.paused_at is not None for step in open_steps)  # asked the customer
    text = notices.progress_report(
        t,
        await summary(session, desk, case),
        staff_status_label(t, case.status, approval=needs_approval(desk, case)),
        await staff_name(session, case.handler_id),
        lines,
        waiting=waiting,
    )
    await notifier.department(case, desk.policy.service_department, text)
    if not events and not waiting and case.handler_id is not None:
        await notifier.staff(case, case.handler_id, notices.progress_nudge(t, case.number))


async def _line(session: AsyncSession, desk: Desk, t: NullTranslations, event: CaseEvent) -> str:
    who = await staff_name(session, event.actor_id) if event.actor_kind is ActorKind.STAFF else None
    said = str(event.data.get("text") or event.data.get("reason") or "")
    line = f"· {local_time(desk, event.at)} {event_label(t, event.kind, event.data)}"
    if who:
        line += f" ({who})"
    if said:
        line += f": {_short(said)}"
    return line


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
