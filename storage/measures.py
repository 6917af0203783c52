"""The measures of POLICY §7 for a period, overall or per department, category, grade,
handler.

`compute` aggregates every figure in SQL, grouped by the chosen dimension; Python only
joins the few grouped rows into one record per group. `compute_all` (the report: every
dimension) groups by the four dimension columns together and adds the groups up per
dimension in Python, the durations' mean and percentile from each group's list of spans.
Each query reads what the period touches, by index ranges (issue 18; migration 0011 and
tests/storage/test_report_plans.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy import String as SqlString
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

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


def _column(dimension: Dimension) -> Any:
    columns: dict[Dimension, Any] = {
        Dimension.OVERALL: literal("all"),
        Dimension.DEPARTMENT: Case.department,
        Dimension.CATEGORY: Case.category,
        Dimension.GRADE: Case.severity,
        Dimension.HANDLER: func.coalesce(cast(Case.handler_id, SqlString), literal("-")),
    }
    return columns[dimension]


def _key(dimension: Dimension) -> ColumnElement[Any]:
    labelled: ColumnElement[Any] = _column(dimension).label("key")
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
    groups: dict[str, Measures] = defaultdict(lambda: Measures(key=""))
    names = {f.name for f in fields(Measures)}
    for _name, query in measure_queries(period, dimension, now, satisfied_from):
        for row in (await session.execute(query)).mappings():
            record = groups[str(row["key"])]
            record.key = str(row["key"])
            for name, value in row.items():
                if name in names and name != "key" and value is not None:
                    setattr(record, name, _number(value))
    return [groups[k] for k in sorted(groups)]


def measure_queries(
    period: Period, dimension: Dimension, now: datetime, satisfied_from: int
) -> list[tuple[str, Select[Any]]]:
    """The queries `compute` runs, named (benchmarks time them, a test reads their plans)."""
    keys = [_key(dimension)]
    return [
        *_summed_queries(keys, period, now, satisfied_from),
        ("ack", _durations(keys[0], *_ACK, period)),
        ("resolve", _durations(keys[0], *_RESOLVE, period)),
    ]


def _summed_queries(
    keys: Sequence[ColumnElement[Any]], period: Period, now: datetime, satisfied_from: int
) -> list[tuple[str, Select[Any]]]:
    """The queries whose figures add up across groups (counts, never means or ranks)."""
    as_of = min(period.end, now)
    return [
        ("counts", _counts(keys, period)),
        ("overdue", _overdue(keys, period, as_of)),
        ("timeliness", _timeliness(keys, period, as_of)),
        ("satisfaction", _satisfaction(keys, period, satisfied_from)),
    ]


# Durations: (the instant ending it, the instant whose period it counts in, its prefix).
_ACK = (Case.acknowledged_at, Case.created_at, "ack")
_RESOLVE = (Case.resolved_at, Case.resolved_at, "resolve")


def all_queries(
    period: Period,
    now: datetime,
    satisfied_from: int,
    dimensions: Sequence[Dimension] = tuple(Dimension),
) -> list[tuple[str, Select[Any]]]:
    """The queries `compute_all` runs, named: grouped by every dimension's column."""
    keys = _all_keys(dimensions)
    spans = [
        (
            prefix,
            select(*keys, span_list(seconds_between(until, Case.created_at)).label("seconds"))
            .where(_in(since, period), until.is_not(None))
            .group_by(*keys),
        )
        for until, since, prefix in (_ACK, _RESOLVE)
    ]
    return [*_summed_queries(keys, period, now, satisfied_from), *spans]


class span_list(FunctionElement[Any]):
    """A group's values in one column (the rows would cost more to fetch than to sort):
    PostgreSQL's array of doubles, SQLite's comma-separated text (15 significant digits)."""

    inherit_cache = True
    name = "span_list"


@compiles(span_list, "postgresql")
def _array(element: span_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"array_agg(CAST({compiler.process(element.clauses, **kw)} AS DOUBLE PRECISION))"


@compiles(span_list, "sqlite")
def _text(element: span_list, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


def _floats(value: Any) -> list[float]:
    return [float(v) for v in value.split(",")] if isinstance(value, str) else list(value)


def _all_keys(dimensions: Sequence[Dimension]) -> list[ColumnElement[Any]]:
    keys = [_column(d).label(f"k_{d.value}") for d in dimensions if d != Dimension.OVERALL]
    return keys or [literal("all").label("k_overall")]


async def compute_all(
    session: AsyncSession,
    period: Period,
    now: datetime,
    satisfied_from: int,
    dimensions: Sequence[Dimension] = tuple(Dimension),
) -> dict[Dimension, list[Measures]]:
    """What `compute` gives for each dimension, each table read once instead of once per
    dimension (issue 18: the monthly report asks for all five). The summed figures are
    grouped by every dimension's column together (a few hundred groups) and added up per
    dimension here; the durations' mean and 90th percentile come from each case's span
    (~50,000 a month at a million cases)."""
    groups: dict[Dimension, dict[str, Measures]] = {d: {} for d in dimensions}
    # Where each dimension's key is in a row: None for overall (one group, "all").
    named = [d for d in dimensions if d != Dimension.OVERALL]
    places = [(d, named.index(d) if d in named else None) for d in dimensions]

    def record(dimension: Dimension, place: int | None, row: Any) -> Measures:
        value = "all" if place is None else str(row[place])
        return groups[dimension].setdefault(value, Measures(key=value))

    scores: dict[tuple[Dimension, str], list[int]] = defaultdict(lambda: [0, 0])
    for name, query in all_queries(period, now, satisfied_from, dimensions):
        result = await session.execute(query)
        if name in (_ACK[2], _RESOLVE[2]):
            spans: dict[tuple[Dimension, str], list[float]] = defaultdict(list)
            for row in result:
                seconds = _floats(row[-1])
                for dimension, place in places:
                    spans[dimension, "all" if place is None else str(row[place])].extend(seconds)
            for (dimension, key), values in spans.items():
                values.sort()
                measures = groups[dimension].setdefault(key, Measures(key=key))
                setattr(measures, f"{name}_mean_s", sum(values) / len(values))
                setattr(measures, f"{name}_p90_s", values[_nearest_rank(len(values)) - 1])
            continue
        for row in result:
            figures = row._mapping
            summed = _SUMMED.intersection(figures.keys())
            for dimension, place in places:
                measures = record(dimension, place, row)
                for field in summed:
                    setattr(measures, field, getattr(measures, field) + int(figures[field] or 0))
                if figures.get("scored"):
                    totals = scores[dimension, measures.key]
                    totals[0] += int(figures["score_sum"])
                    totals[1] += int(figures["scored"])
    for (dimension, key), (total, count) in scores.items():
        groups[dimension][key].mean_score = total / count
    return {d: [groups[d][k] for k in sorted(groups[d])] for d in dimensions}


_SUMMED = frozenset(
    ("received", "repeats", "open", "closed", "closed_solved", "closed_no_answer", "overdue")
).union(("due", "on_time", "answered", "satisfied"))


def _nearest_rank(size: int) -> int:
    """The ceil(n * p / 100)-th value, in integer arithmetic (as the SQL below)."""
    return (size * PERCENTILE + 99) // 100


def _number(value: Any) -> int | float:
    return value if isinstance(value, int) else float(value)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(keys: Sequence[ColumnElement[Any]], period: Period) -> Select[Any]:
    """Received, open at the period's end, closed: over the cases the period touches.

    The cases are read in four disjoint parts, each an index range (issue 18): filed in
    the period; closed in it and filed outside it; filed before it and still open; filed
    before it and closed after it. The last two read only the open cases and the cases
    closed since the period ended, never the history before it.
    """
    created = _in(Case.created_at, period)
    closed = _in(Case.closed_at, period)
    still_open = and_(
        Case.created_at < period.end,
        or_(Case.closed_at.is_(None), Case.closed_at >= period.end),
    )
    before = Case.created_at < period.start
    parts = [
        created,
        and_(closed, or_(before, Case.created_at >= period.end)),
        and_(Case.closed_at.is_(None), before),
        and_(Case.closed_at >= period.end, before),
    ]
    flags = (
        *keys,
        _flag(created).label("received"),
        _flag(and_(created, Case.is_repeat.is_(True))).label("repeats"),
        _flag(still_open).label("open"),
        _flag(closed).label("closed"),
        _flag(and_(closed, Case.solved.is_(True))).label("closed_solved"),
        _flag(and_(closed, Case.solved.is_(None))).label("closed_no_answer"),
    )
    touched = union_all(*(select(*flags).where(part) for part in parts)).subquery()
    grouped = [touched.c[key.name] for key in keys]
    return select(
        *grouped,
        *(func.coalesce(func.sum(touched.c[name]), 0).label(name) for name in _COUNTED),
    ).group_by(*grouped)


_COUNTED = ("received", "repeats", "open", "closed", "closed_solved", "closed_no_answer")


def _flag(condition: ColumnElement[bool]) -> Any:
    return case((condition, 1), else_=0)


# Escalation rows remind managers of a missed step; only the step itself is a commitment.
_service_level = Deadline.escalation_level == 0


def _late(as_of: datetime) -> ColumnElement[bool]:
    """Met after its due time, or still unmet (and not paused) when due passed."""
    return or_(
        and_(Deadline.met_at.is_not(None), Deadline.met_at > Deadline.due_at),
        and_(Deadline.met_at.is_(None), Deadline.paused_at.is_(None), Deadline.due_at < as_of),
    )


def _overdue(keys: Sequence[ColumnElement[Any]], period: Period, as_of: datetime) -> Select[Any]:
    """Cases open at `as_of` with a service-level step past due and unmet then. The steps
    are read in two index ranges (ix_deadlines_open_due): still unmet, and met after
    `as_of` (issue 18); never every deadline that ever fell due."""
    missed = (Deadline.paused_at.is_(None), _service_level)
    late_cases = union_all(
        select(Deadline.case_id).where(Deadline.met_at.is_(None), Deadline.due_at < as_of, *missed),
        # SQLite (no statistics) would read this part by due time, all history before.
        select(Deadline.case_id).where(
            Deadline.met_at > as_of, not_by_index(Deadline.due_at) < as_of, *missed
        ),
    )
    return (
        select(*keys, func.count().label("overdue"))
        .where(Case.id.in_(late_cases), Case.created_at < period.end)
        .where(or_(Case.closed_at.is_(None), Case.closed_at >= as_of))
        .group_by(*keys)
    )


class not_by_index(FunctionElement[datetime]):
    """The column, kept from choosing SQLite's index (`+column`: SQLite's documented way);
    the plain column elsewhere."""

    inherit_cache = True
    name = "not_by_index"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(not_by_index)
def _plain(element: not_by_index, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(not_by_index, "sqlite")
def _unary_plus(element: not_by_index, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def _timeliness(keys: Sequence[ColumnElement[Any]], period: Period, as_of: datetime) -> Select[Any]:
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
            *keys,
            func.count().label("due"),
            func.coalesce(func.sum(1 - per_case.c.late), 0).label("on_time"),
        )
        .join_from(per_case, Case, Case.id == per_case.c.case_id)
        .group_by(*keys)
    )


def _satisfaction(
    keys: Sequence[ColumnElement[Any]], period: Period, satisfied_from: int
) -> Select[Any]:
    return (
        select(
            *keys,
            func.count().label("answered"),
            _count_if(Survey.score >= satisfied_from).label("satisfied"),
            func.avg(cast(Survey.score, Integer)).label("mean_score"),
            func.sum(Survey.score).label("score_sum"),  # compute_all's mean, over groups
            func.count(Survey.score).label("scored"),
        )
        .join_from(Survey, Case, Case.id == Survey.case_id)
        .where(_in(Survey.answered_at, period))
        .group_by(*keys)
    )


def _durations(
    key: ColumnElement[Any], until: Any, since: Any, prefix: str, period: Period
) -> Select[Any]:
    """Mean and nearest-rank 90th percentile of `until - created_at` over the cases whose
    `since` falls in the period, per group."""
    spans = (
        select(key, seconds_between(until, Case.created_at).label("seconds"))
        .where(_in(since, period), until.is_not(None))
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
