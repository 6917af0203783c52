"""The measures of POLICY §7 for a period, overall or per department, category, grade,
handler.

Every figure is aggregated in SQL, grouped by the chosen dimension; Python only joins the
few grouped rows into one record per group.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, func, literal, or_, select
from sqlalchemy import String as SqlString
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Case, Deadline, Survey
from storage.sqlfuncs import seconds_between

PERCENTILE = 90


class Dimension(StrEnum):
    OVERALL = "overall"
    DEPARTMENT = "department"
    CATEGORY = "category"
    GRADE = "grade"  # the case's severity as it stands (issue 16: the dashboard per grade)
    HANDLER = "handler"


@dataclass(frozen=True)
class Period:
    """Half-open [start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass
class Measures:
    key: str
    received: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0
    closed_solved: int = 0
    closed_no_answer: int = 0  # closed after an unanswered survey: neither solved nor not
    repeats: int = 0
    due: int = 0
    on_time: int = 0
    answered: int = 0
    satisfied: int = 0
    mean_score: float | None = None
    ack_mean_s: float | None = None
    ack_p90_s: float | None = None
    resolve_mean_s: float | None = None
    resolve_p90_s: float | None = None

    @property
    def timeliness(self) -> float | None:
        return _rate(self.on_time, self.due)

    @property
    def satisfaction(self) -> float | None:
        return _rate(self.satisfied, self.answered)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.closed_solved, self.closed)

    @property
    def repeat_rate(self) -> float | None:
        return _rate(self.repeats, self.received)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _key(dimension: Dimension) -> ColumnElement[Any]:
    columns: dict[Dimension, Any] = {
        Dimension.OVERALL: literal("all"),
        Dimension.DEPARTMENT: Case.department,
        Dimension.CATEGORY: Case.category,
        Dimension.GRADE: Case.severity,
        Dimension.HANDLER: func.coalesce(cast(Case.handler_id, SqlString), literal("-")),
    }
    labelled: ColumnElement[Any] = columns[dimension].label("key")
    return labelled


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


async def compute(
    session: AsyncSession,
    period: Period,
    dimension: Dimension,
    now: datetime,
    satisfied_from: int,
) -> list[Measures]:
    """One record per group that has any activity, ordered by key."""
    key = _key(dimension)
    as_of = min(period.end, now)
    queries = [
        _counts(key, period),
        _overdue(key, period, as_of),
        _timeliness(key, period, as_of),
        _satisfaction(key, period, satisfied_from),
        _durations(key, _in(Case.created_at, period), Case.acknowledged_at, "ack"),
        _durations(key, _in(Case.resolved_at, period), Case.resolved_at, "resolve"),
    ]
    groups: dict[str, Measures] = defaultdict(lambda: Measures(key=""))
    names = {f.name for f in fields(Measures)}
    for query in queries:
        for row in (await session.execute(query)).mappings():
            record = groups[str(row["key"])]
            record.key = str(row["key"])
            for name, value in row.items():
                if name in names and name != "key" and value is not None:
                    setattr(record, name, _number(value))
    return [groups[k] for k in sorted(groups)]


def _number(value: Any) -> int | float:
    return value if isinstance(value, int) else float(value)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(key: ColumnElement[Any], period: Period) -> Select[Any]:
    created = _in(Case.created_at, period)
    still_open = and_(
        Case.created_at < period.end,
        or_(Case.closed_at.is_(None), Case.closed_at >= period.end),
    )
    closed = _in(Case.closed_at, period)
    return (
        select(
            key,
            _count_if(created).label("received"),
            _count_if(and_(created, Case.is_repeat.is_(True))).label("repeats"),
            _count_if(still_open).label("open"),
            _count_if(closed).label("closed"),
            _count_if(and_(closed, Case.solved.is_(True))).label("closed_solved"),
            _count_if(and_(closed, Case.solved.is_(None))).label("closed_no_answer"),
        )
        .where(or_(still_open, created, closed))
        .group_by(key)
    )


# Escalation rows remind managers of a missed step; only the step itself is a commitment.
_service_level = Deadline.escalation_level == 0


def _late(as_of: datetime) -> ColumnElement[bool]:
    """Met after its due time, or still unmet (and not paused) when due passed."""
    return or_(
        and_(Deadline.met_at.is_not(None), Deadline.met_at > Deadline.due_at),
        and_(Deadline.met_at.is_(None), Deadline.paused_at.is_(None), Deadline.due_at < as_of),
    )


def _overdue(key: ColumnElement[Any], period: Period, as_of: datetime) -> Select[Any]:
    unmet_at = or_(Deadline.met_at.is_(None), Deadline.met_at > as_of)
    late_cases = select(Deadline.case_id).where(
        Deadline.due_at < as_of, unmet_at, Deadline.paused_at.is_(None), _service_level
    )
    return (
        select(key, func.count().label("overdue"))
        .where(Case.id.in_(late_cases), Case.created_at < period.end)
        .where(or_(Case.closed_at.is_(None), Case.closed_at >= as_of))
        .group_by(key)
    )


def _timeliness(key: ColumnElement[Any], period: Period, as_of: datetime) -> Select[Any]:
    """Cases with a deadline due in the period; on time if none of those was late."""
    per_case = (
        select(
            Deadline.case_id.label("case_id"),
            func.max(case((_late(as_of), 1), else_=0)).label("late"),
        )
        .where(_in(Deadline.due_at, period), _service_level)
        .group_by(Deadline.case_id)
        .subquery()
    )
    return (
        select(
            key,
            func.count().label("due"),
            func.coalesce(func.sum(1 - per_case.c.late), 0).label("on_time"),
        )
        .join_from(per_case, Case, Case.id == per_case.c.case_id)
        .group_by(key)
    )


def _satisfaction(key: ColumnElement[Any], period: Period, satisfied_from: int) -> Select[Any]:
    return (
        select(
            key,
            func.count().label("answered"),
            _count_if(Survey.score >= satisfied_from).label("satisfied"),
            func.avg(cast(Survey.score, Integer)).label("mean_score"),
        )
        .join_from(Survey, Case, Case.id == Survey.case_id)
        .where(_in(Survey.answered_at, period))
        .group_by(key)
    )


def _durations(
    key: ColumnElement[Any], scope: ColumnElement[bool], until: Any, prefix: str
) -> Select[Any]:
    """Mean and nearest-rank 90th percentile of `until - created_at`, per group."""
    spans = (
        select(key, seconds_between(until, Case.created_at).label("seconds"))
        .where(scope, until.is_not(None))
        .subquery()
    )
    ranked = select(
        spans.c.key,
        spans.c.seconds,
        func.row_number().over(partition_by=spans.c.key, order_by=spans.c.seconds).label("rank"),
        func.count().over(partition_by=spans.c.key).label("size"),
        func.avg(spans.c.seconds).over(partition_by=spans.c.key).label("mean"),
    ).subquery()
    # Nearest rank: the ceil(n * p / 100)-th value, in integer arithmetic.
    target = (ranked.c.size * PERCENTILE + 99) // 100
    return select(
        ranked.c.key,
        ranked.c.mean.label(f"{prefix}_mean_s"),
        ranked.c.seconds.label(f"{prefix}_p90_s"),
    ).where(ranked.c.rank == target)
