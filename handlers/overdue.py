"""What a missed deadline calls for (POLICY §5 'Overdue'): the watcher's handler.

Level 0 (the step itself): the handler and the department group are alerted, and the
next rung of the ladder is set, `escalation.manager_after` later in working time.
Level 1 (the escalation): the managers are alerted. Meeting the step meets both rows,
so an escalation never fires for a step already done; a paused case pauses them too.
"""

from __future__ import annotations

from conversations import notices
from conversations.base.steps import step_label
from conversations.base.values import EventKind
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import local_time, staff_name
from handlers.desk import Desk
from handlers.timeline import record
from notifications.notices import Notifier
from storage.cases import CaseRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case, Deadline
from storage.uow import UnitOfWork


class FireDeadline:
    """The watcher's DeadlineHandler, wired in bot/app.py."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None:
        case = await CaseRepository(uow.session).get(deadline.case_id)
        if case is None or case.closed_at is not None:
            return
        if deadline.escalation_level == 0:
            await self._overdue(uow, case, deadline)
        else:
            await self._escalate(uow, case, deadline)

    async def _overdue(self, uow: UnitOfWork, case: Case, deadline: Deadline) -> None:
        now, desk = self.desk.clock.now(), self.desk
        record(
            uow.session,
            case,
            Actor.system(),
            EventKind.OVERDUE,
            now,
            visible=False,
            step=deadline.step,
        )
        notifier = Notifier(uow.session, desk.policy, now)
        t = notifier.staff_language
        text = notices.overdue(
            t, case.number, step_label(t, deadline.step), local_time(desk, deadline.due_at)
        )
        await notifier.department(case, case.department, text)
        if case.handler_id is not None:
            await notifier.staff(case, case.handler_id, text)
        DeadlineRepository(uow.session).add(
            Deadline(
                case_id=case.id,
                step=deadline.step,
                escalation_level=1,
                set_at=now,
                working=desk.policy.escalation.manager_after.working,
                due_at=desk.calendar.add(deadline.due_at, desk.policy.escalation.manager_after),
            )
        )
        await post_card(uow.session, desk, case)

    async def _escalate(self, uow: UnitOfWork, case: Case, deadline: Deadline) -> None:
        now, desk = self.desk.clock.now(), self.desk
        record(
            uow.session,
            case,
            Actor.system(),
            EventKind.ESCALATED,
            now,
            visible=False,
            step=deadline.step,
            level=deadline.escalation_level,
        )
        notifier = Notifier(uow.session, desk.policy, now)
        t = notifier.staff_language
        handler = await staff_name(uow.session, case.handler_id) or t.gettext("not taken yet")
        since = local_time(desk, deadline.set_at)  # set when the step went overdue
        text = notices.escalated(t, case.number, step_label(t, deadline.step), since, handler)
        await notifier.managers(case, text)
