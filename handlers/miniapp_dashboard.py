"""The managers' dashboard as data: a period's measures per department, category, grade
and handler (the report's queries), the overdue list and the cases waiting for approval
(issue 16). Managers only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.steps import step_label
from conversations.base.values import CaseStatus, Role
from handlers.access import require_role
from handlers.actors import Actor
from handlers.common import local_time
from handlers.desk import Desk
from handlers.solution import needs_approval
from notifications.reports import ranking
from storage.cases import CaseFilter, CaseRepository
from storage.measures import Dimension, Measures, Period, compute_all
from storage.people import staff_names
from storage.trends import overdue_cases

DIMENSIONS = (Dimension.DEPARTMENT, Dimension.CATEGORY, Dimension.GRADE, Dimension.HANDLER)
OVERDUE_SHOWN = 20


@dataclass(frozen=True)
class Row:
    name: str
    measures: Measures


@dataclass(frozen=True)
class Late:
    number: str
    department: str
    severity: str
    step: str
    due: str


@dataclass(frozen=True)
class Waiting:
    number: str
    department: str
    severity: str
    solution: str


@dataclass(frozen=True)
class Dashboard:
    overall: Measures
    sections: dict[Dimension, Sequence[Row]]
    overdue: Sequence[Late]
    waiting: Sequence[Waiting]


async def dashboard(
    session: AsyncSession, desk: Desk, actor: Actor, language: Language, period: Period
) -> Dashboard:
    require_role(actor, Role.MANAGER)
    now = desk.clock.now()
    satisfied = desk.policy.measures.satisfied_from
    wanted = [Dimension.OVERALL, *DIMENSIONS]
    everything = await compute_all(session, period, now, satisfied, wanted)  # one read each
    overall = everything[Dimension.OVERALL]
    sections: dict[Dimension, Sequence[Row]] = {}
    for dimension in DIMENSIONS:
        rows = _ordered(desk, dimension, everything[dimension])
        names = await _names(session, desk, language, dimension, rows)
        sections[dimension] = [Row(names.get(m.key, m.key), m) for m in rows]
    return Dashboard(
        overall=overall[0] if overall else Measures(key="all"),
        sections=sections,
        overdue=await _overdue(session, desk, language),
        waiting=await _waiting(session, desk, language),
    )


def _ordered(desk: Desk, dimension: Dimension, rows: Sequence[Measures]) -> list[Measures]:
    """Best first (POLICY §7 ranking); grades from the most serious down instead."""
    if dimension is not Dimension.GRADE:
        return ranking(rows)
    grades = desk.policy.grading.grades
    return sorted(rows, key=lambda m: -grades.index(m.key) if m.key in grades else 1)


async def _names(
    session: AsyncSession,
    desk: Desk,
    language: Language,
    dimension: Dimension,
    rows: Sequence[Measures],
) -> dict[str, str]:
    policy = desk.policy
    if dimension is Dimension.DEPARTMENT:
        return {d.key: d.names.get(language, d.key) for d in policy.departments}
    if dimension is Dimension.CATEGORY:
        return {c.key: c.names.get(language, c.key) for c in policy.categories}
    if dimension is Dimension.GRADE:
        return {m.key: policy.grading.label(m.key, language) for m in rows}
    named = await staff_names(session, [int(m.key) for m in rows if m.key.isdigit()])
    not_taken = translation(language).gettext("(not taken)")
    return {str(key): name for key, name in named.items()} | {"-": not_taken}


async def _overdue(session: AsyncSession, desk: Desk, language: Language) -> list[Late]:
    t, policy = translation(language), desk.policy
    return [
        Late(
            number=late.number,
            department=policy.department(late.department).names.get(language, late.department),
            severity=policy.grading.label(late.severity, language),
            step=step_label(t, late.step),
            due=local_time(desk, late.due_at),
        )
        for late in await overdue_cases(session, desk.clock.now(), OVERDUE_SHOWN)
    ]


async def _waiting(session: AsyncSession, desk: Desk, language: Language) -> list[Waiting]:
    proposed = await CaseRepository(session).listing(
        CaseFilter(status=CaseStatus.SOLUTION_PROPOSED)
    )
    policy = desk.policy
    return [
        Waiting(
            number=case.number,
            department=policy.department(case.department).names.get(language, case.department),
            severity=policy.grading.label(case.severity, language),
            solution=case.solution or "",
        )
        for case in proposed
        if needs_approval(desk, case)
    ]
