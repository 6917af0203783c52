"""A month's report reads what the month touches: an index serves every predicate of every
measure query, on the benchmark's data (issue 18). A change that scans the whole history
of cases, deadlines or surveys fails here, not in production at a million cases."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Executable, Select, func, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from benchmarks.million import END, load_cases
from storage.engine import Database
from storage.measures import Dimension, Period, all_queries, measure_queries
from storage.models import Case
from storage.uow import unit_of_work

MONTHS = [
    Period(datetime(2026, 11, 1, tzinfo=UTC), END),  # the last month
    Period(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC)),  # a year back
]
TABLES = ("cases", "deadlines", "surveys")


class Explain(Executable, ClauseElement):
    """`EXPLAIN` (PostgreSQL) or `EXPLAIN QUERY PLAN` (SQLite) of a query, its values bound."""

    inherit_cache = False

    def __init__(self, query: Select[Any]) -> None:
        self.query = query


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return f"EXPLAIN {compiler.process(element.query, **kw)}"


@compiles(Explain, "sqlite")
def _explain_sqlite(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return f"EXPLAIN QUERY PLAN {compiler.process(element.query, **kw)}"


async def plans(db: Database, period: Period) -> dict[str, str]:
    """Each measure query's plan, for every dimension, sequential scans priced out."""
    found = {}
    async with unit_of_work(db, readonly=True) as uow:
        if db.dialect == "postgresql":
            await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        queries = [
            (f"{dimension.value}/{name}", query)
            for dimension in Dimension
            for name, query in measure_queries(period, dimension, period.end, 4)
        ]
        queries += [(f"all/{name}", q) for name, q in all_queries(period, period.end, 4)]
        for name, query in queries:
            rows = (await uow.session.execute(Explain(query))).all()
            found[name] = "\n".join(str(row[-1]) for row in rows)
    return found


def scans(plan: str, dialect: str) -> list[str]:
    """The whole-table reads in a plan."""
    if dialect == "postgresql":
        return [t for t in TABLES if f"Seq Scan on {t}" in plan]
    # SQLite says SCAN for a full read (of the table or of a whole index), SEARCH for a range.
    return [t for t in TABLES for line in plan.splitlines() if line.startswith(f"SCAN {t}")]


def history_reads(plan: str, dialect: str) -> list[str]:
    """Index reads bounded only above (`due_at < x`): every row before x, all history."""
    if dialect == "postgresql":
        return re.findall(r"Index Cond: \((\w+) < '[^']*'::timestamp with time zone\)$", plan, re.M)
    return re.findall(r"USING (?:COVERING )?INDEX \w+ \((\w+)<\?\)$", plan, re.M)


async def test_a_months_report_reads_no_table_whole(db: Database) -> None:
    await load_cases(db, 4_000, say=lambda _line: None)
    for period in MONTHS:
        for query, plan in (await plans(db, period)).items():
            assert not scans(plan, db.dialect), (period, query, plan)
            # The last month reads no range reaching back through history. (A month a year
            # back reads, by index, also the cases open across its end: filed before it
            # and closed since, from whichever side the planner finds smaller.)
            if period == MONTHS[0]:
                assert not history_reads(plan, db.dialect), (period, query, plan)


async def test_the_check_sees_a_query_that_reads_all_history(db: Database) -> None:
    """The same check on a predicate no index serves (every case's description)."""
    everything = select(func.count()).where(Case.description.like("%x%"))
    async with unit_of_work(db, readonly=True) as uow:
        if db.dialect == "postgresql":
            await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = (await uow.session.execute(Explain(everything))).all()
    assert scans("\n".join(str(row[-1]) for row in rows), db.dialect) == ["cases"]
    before = select(func.count()).where(Case.created_at < END)
    async with unit_of_work(db, readonly=True) as uow:
        if db.dialect == "postgresql":
            await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = (await uow.session.execute(Explain(before))).all()
    assert history_reads("\n".join(str(row[-1]) for row in rows), db.dialect) == ["created_at"]
