"""A staff member's /mine: what waits for them, by role (issue 13). Everyone sees the open
cases they handle and their department's untaken ones (anyone there may take them);
customer service also what waits for its review; managers the solutions waiting for their
approval and the escalated cases. Each group is headed with its count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.actions import CaseVerb, case_button
from conversations.base.i18n import translation
from conversations.base.messages import Option, Reply
from conversations.base.policy import Audience
from conversations.wording import staff_status_label
from handlers.approval import approval_grades, needs_approval
from handlers.common import local_time
from handlers.desk import Desk
from handlers.identify import Person
from storage.models import Case
from storage.worklists import Listed, WorklistRepository

GROUP_LIMIT = 10  # lines shown per group; the header still counts them all
BUTTON_LIMIT = 20  # one Details button per case shown, at most


@dataclass(frozen=True)
class Group:
    heading: str  # translated, with {count} and maybe {department} still to fill
    cases: Listed
    department: str = ""


async def staff_cases(session: AsyncSession, desk: Desk, person: Person) -> Reply:
    t = translation(person.language)
    groups = await _groups(session, desk, person, t)
    shown = [group for group in groups if group.cases]
    if not shown:
        return Reply("\n".join(_nothing(desk, person, t)))
    lines: list[str] = []
    numbers: list[str] = []
    for group in shown:
        lines.append(group.heading.format(count=len(group.cases), department=group.department))
        for case, due in group.cases[:GROUP_LIMIT]:
            lines.append(_line(desk, person, t, case, due))
            if case.number not in numbers:
                numbers.append(case.number)
        if len(group.cases) > GROUP_LIMIT:
            more = len(group.cases) - GROUP_LIMIT
            lines.append(t.gettext("…and {count} more").format(count=more))
    options = tuple(
        Option(number, case_button(CaseVerb.DETAILS, number)) for number in numbers[:BUTTON_LIMIT]
    )
    return Reply("\n".join(lines), options)


async def _groups(
    session: AsyncSession, desk: Desk, person: Person, t: NullTranslations
) -> list[Group]:
    """Work waiting on this person first (approvals, escalations, reviews, untaken ones),
    then the cases they handle; each group soonest due first."""
    actor, policy, lists = person.actor, desk.policy, WorklistRepository(session)
    assert actor.id is not None
    groups: list[Group] = []
    if actor.is_manager:
        heading = t.gettext("Solutions waiting for your approval ({count}):")
        groups.append(Group(heading, await lists.waiting_approval(approval_grades(desk))))
        heading = t.gettext("Escalated to managers, still overdue ({count}):")
        groups.append(Group(heading, await lists.escalated(manager_levels(desk))))
    if actor.department == policy.service_department:
        heading = t.gettext("Waiting for your review ({count}):")
        groups.append(Group(heading, await lists.waiting_review(actor.id)))
    if actor.department:
        name = policy.department(actor.department).names.get(person.language, actor.department)
        heading = t.gettext("Not taken yet in {department} ({count}):")
        groups.append(Group(heading, await lists.untaken(actor.department), name))
    heading = t.gettext("Your open cases ({count}):")
    groups.append(Group(heading, await lists.handled_by(actor.id)))
    return groups


def manager_levels(desk: Desk) -> list[int]:
    """The escalation levels whose firing told the managers: a rung after the breach that
    notifies them (its rows carry its place in the ladder), or the breach itself (level 0)
    when a rung at the breach does."""
    levels = []
    for level, rung in enumerate(desk.policy.escalation.rungs(), start=1):
        if rung.after is not None and Audience.MANAGERS in rung.notify:
            levels.append(0 if rung.at_breach else level)
    return levels


def _line(desk: Desk, person: Person, t: NullTranslations, case: Case, due: datetime | None) -> str:
    return t.gettext("{number} · {severity} · {status} · due {due}").format(
        number=case.number,
        severity=desk.policy.grading.label(case.severity, person.language),
        status=staff_status_label(t, case.status, approval=needs_approval(desk, case)),
        due=local_time(desk, due) if due else "-",
    )


def _nothing(desk: Desk, person: Person, t: NullTranslations) -> list[str]:
    """Nothing waits: said for each thing this person would be shown."""
    lines = [t.gettext("You have no open cases.")]
    if person.actor.department == desk.policy.service_department:
        lines.append(t.gettext("No case waits for your review."))
    if person.actor.is_manager:
        lines.append(t.gettext("No solution waits for your approval, and no case is escalated."))
    return lines
