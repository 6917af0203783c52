"""What a due deadline row calls for (POLICY §5 'Overdue'): the watcher's handler.

Rows follow the configured ladder (`policy.escalation`, see `Escalation.rungs`): level 0 is
the step itself; a level n row is rung n. A warning rung (`before`) fires before the breach
and tells its audience the step is due soon. When the step itself falls due it is recorded
overdue, the rungs `after` "0" are told at once, and each later rung gets a row of its own,
due that long after the breach. Each row fires once; meeting the step meets them all, so no
warning or escalation fires for a step already done, and a paused case pauses them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from gettext import NullTranslations

from conversations import notices
from conversations.base.policy import Audience, Rung
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
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

_OPEN_STEPS = "overdue.open_steps"  # session.info key: this batch's open steps, if read


class FireDeadline:
    """The watcher's DeadlineHandler (a BatchHandler), wired in bot/app.py."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def prepare(self, uow: UnitOfWork, due: Sequence[Deadline]) -> None:
        """The batch's warnings need their steps' due times: read them in one query (the
        cases came with the due rows), kept for this transaction only (issue 18)."""
        warned = [d.case_id for d in due if self._is_warning(d)]
        steps = await DeadlineRepository(uow.session).open_step_dues(warned)
        uow.session.info[_OPEN_STEPS] = (set(warned), steps)

    def _is_warning(self, deadline: Deadline) -> bool:
        rungs = self.desk.policy.escalation.rungs()
        level = deadline.escalation_level
        return level > 0 and bool(rungs) and rungs[min(level, len(rungs)) - 1].before is not None

    async def __call__(self, uow: UnitOfWork, deadline: Deadline) -> None:
        case = await CaseRepository(uow.session).get(deadline.case_id)
        if case is None or case.closed_at is not None:
            return
        rungs = self.desk.policy.escalation.rungs()
        if deadline.escalation_level == 0:
            await self._overdue(uow, case, deadline, rungs)
            return
        rung = rungs[min(deadline.escalation_level, len(rungs)) - 1]
        if rung.before is not None:
            await self._warn(uow, case, deadline, rung)
        else:
            await self._escalate(uow, case, deadline, rung)

    async def _warn(self, uow: UnitOfWork, case: Case, deadline: Deadline, rung: Rung) -> None:
        """Before the breach: the step is due soon (its own row says when)."""
        desk = self.desk
        due = await _open_step_due(uow, case.id, deadline.step)
        if due is None:
            return
        notifier = self._noted(uow, case, deadline, EventKind.DEADLINE_WARNED)
        t = notifier.staff_language
        text = warning(t, case.number, step_label(t, deadline.step), local_time(desk, due))
        await self._tell(uow, notifier, case, rung.notify, text)

    async def _overdue(
        self, uow: UnitOfWork, case: Case, deadline: Deadline, rungs: list[Rung]
    ) -> None:
        now, desk = self.desk.clock.now(), self.desk
        notifier = self._noted(uow, case, deadline, EventKind.OVERDUE)
        t = notifier.staff_language
        text = notices.overdue(
            t, case.number, step_label(t, deadline.step), local_time(desk, deadline.due_at)
        )
        audience = [a for rung in rungs if rung.at_breach for a in rung.notify]
        await self._tell(uow, notifier, case, audience, text)
        for level, rung in enumerate(rungs, start=1):
            if rung.after is None or rung.at_breach:
                continue
            DeadlineRepository(uow.session).add(
                Deadline(
                    case_id=case.id,
                    step=deadline.step,
                    escalation_level=level,
                    set_at=now,
                    working=rung.after.working,
                    due_at=desk.calendar.add(deadline.due_at, rung.after),
                )
            )
        await post_card(uow.session, desk, case)

    async def _escalate(self, uow: UnitOfWork, case: Case, deadline: Deadline, rung: Rung) -> None:
        desk = self.desk
        notifier = self._noted(uow, case, deadline, EventKind.ESCALATED)
        t = notifier.staff_language
        handler = await staff_name(uow.session, case.handler_id) or t.gettext("not taken yet")
        since = local_time(desk, deadline.set_at)  # set when the step went overdue
        text = notices.escalated(t, case.number, step_label(t, deadline.step), since, handler)
        await self._tell(uow, notifier, case, rung.notify, text)

    def _noted(self, uow: UnitOfWork, case: Case, deadline: Deadline, kind: EventKind) -> Notifier:
        """The rung's timeline entry (staff only), and the notifier to tell people with."""
        now = self.desk.clock.now()
        level = {} if kind is EventKind.OVERDUE else {"level": deadline.escalation_level}
        record(
            uow.session, case, Actor.system(), kind, now, visible=False, step=deadline.step, **level
        )
        return Notifier(uow.session, self.desk.policy, now)

    async def _tell(
        self,
        uow: UnitOfWork,
        notifier: Notifier,
        case: Case,
        audience: list[Audience],
        text: str,
    ) -> None:
        """Each audience once: the handler (the group while nobody took the case), the
        department's leads (the group if it has none), the group, the managers."""
        groups: set[str] = set()
        people: set[int] = set()
        for who in dict.fromkeys(audience):
            if who is Audience.MANAGERS:
                groups.add(self.desk.policy.manager_department)
            elif who is Audience.DEPARTMENT:
                groups.add(case.department)
            elif who is Audience.HANDLER:
                if case.handler_id is None:
                    groups.add(case.department)
                else:
                    people.add(case.handler_id)
            else:
                leads = await PeopleRepository(uow.session).leads_of(case.department)
                people.update(leads) if leads else groups.add(case.department)
        for group in sorted(groups):
            await notifier.department(case, group, text)
        for person in sorted(people):
            await notifier.staff(case, person, text)


async def _open_step_due(uow: UnitOfWork, case_id: int, step: str) -> datetime | None:
    """When this open step is due: from the batch's read when it covered the case."""
    cases, steps = uow.session.info.get(_OPEN_STEPS, (set(), {}))
    if case_id in cases:
        return steps.get((case_id, step))  # type: ignore[no-any-return]
    rows = await DeadlineRepository(uow.session).open_for_case(case_id)
    return next((r.due_at for r in rows if r.step == step and r.escalation_level == 0), None)


def warning(t: NullTranslations, number: str, step: str, due: str) -> str:
    return t.gettext("Reminder: case {number}, step “{step}” is due {due}.").format(
        number=number, step=step, due=due
    )
