"""A million-case data set for the benchmarks, loaded in bulk (issue 18).

    .venv/bin/python benchmarks/million.py [--cases 1000000] [--pending 0] [--backend ...]

`load_cases` fills a migrated scratch database (benchmarks/backends.py: a temporary SQLite
file, or a PostgreSQL schema dropped afterwards; never the tests' tables) with cases filed
over `months` months up to `END`, spread as a desk's history looks: most closed, the last
weeks' still open at every step, six departments and categories of unequal size, three
grades, handlers of the case's department, deadlines met on time, met late and missed
(with an escalation reminder where missed), a filing event each, and the satisfaction
survey of closed cases (most answered). `load_pending` adds open cases whose deadlines
all fall due in the future: what the SLA watcher waits on.

Rows go in through the driver, not the ORM: SQLite with `executemany` in large
transactions on its own connection with `PRAGMA synchronous=OFF` (this load only; the
desk's own connections stay FULL); PostgreSQL with asyncpg's `copy_records_to_table`, then
the id sequences moved past the ids used, and ANALYZE (as autovacuum would).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.backends import fresh_database
from storage.engine import Database

END = datetime(2026, 12, 1, tzinfo=UTC)  # the data set's "now": November is the last month
DEPARTMENTS = {"service": 30, "product": 25, "logistics": 20, "aftersales": 12}
DEPARTMENTS |= {"finance": 8, "facilities": 5}
CATEGORIES = {"product_quality": 28, "delivery": 22, "service_attitude": 18, "aftersales": 14}
CATEGORIES |= {"billing": 10, "other": 8}
GRADES = {"general": 80, "important": 15, "major": 5}
OPEN_STEPS = ["received", "assigned", "acknowledged", "investigating", "solution_proposed"]
OPEN_STEPS += ["implementing", "resolved", "follow_up"]
STAFF_PER_DEPARTMENT = 10
CHUNK = 50_000
Stamp = Callable[[datetime], Any]

CASE_COLUMNS = [
    *("id", "number", "kind", "category", "severity", "urgency", "status", "department"),
    *("handler_id", "customer_id", "description", "channel", "waiting_on_customer"),
    *("is_repeat", "solved", "complainant_type", "confidential", "reopen_count"),
    *("created_at", "updated_at", "acknowledged_at", "resolved_at", "closed_at", "version"),
]
DEADLINE_COLUMNS = [
    *("id", "case_id", "step", "due_at", "working", "escalation_level", "set_at", "met_at"),
    *("fired_at", "paused_at"),
]
SURVEY_COLUMNS = ["id", "case_id", "sent_at", "answered_at", "solved", "score"]
EVENT_COLUMNS = ["id", "case_id", "at", "actor_kind", "actor_id", "kind"]
EVENT_COLUMNS += ["customer_visible", "data"]


@dataclass
class Rows:
    """One chunk of generated rows, as tuples in the column orders above."""

    cases: list[tuple[Any, ...]]
    deadlines: list[tuple[Any, ...]]
    surveys: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


@dataclass
class Ids:
    case: int = 0
    deadline: int = 0
    survey: int = 0
    event: int = 0


def _weighted(table: dict[str, int]) -> list[str]:
    return [name for name, weight in table.items() for _ in range(weight)]


class Generator:
    """Seeded: the same arguments give the same rows."""

    def __init__(self, count: int, months: int, seed: int, stamp: Stamp) -> None:
        self.stamp = stamp  # a time as the driver takes it
        self.rng = random.Random(seed)
        self.count = count
        self.span = timedelta(days=round(months * 30.44))
        self.start = END - self.span
        self.customers = max(1, count // 4)
        self.departments = _weighted(DEPARTMENTS)
        self.categories = _weighted(CATEGORIES)
        self.grades = _weighted(GRADES)
        self.staff = {
            name: [place * STAFF_PER_DEPARTMENT + n + 1 for n in range(STAFF_PER_DEPARTMENT)]
            for place, name in enumerate(DEPARTMENTS)
        }
        self.ids = Ids()
        self.serials: dict[str, int] = {}

    def filing_times(self, count: int) -> list[datetime]:
        """Sorted, so ids follow filing order as they do on a live desk; a little busier
        lately (the desk grew), and quieter before the desk opens."""
        seconds = self.span.total_seconds()
        times = []
        for _ in range(count):
            offset = seconds * self.rng.random() ** 0.8
            instant = self.start + timedelta(seconds=offset)
            if instant.hour < 1 and self.rng.random() < 0.7:  # 08:00-09:00 in China: most later
                instant += timedelta(hours=self.rng.randrange(1, 12))
            times.append(min(instant, END - timedelta(seconds=1)))
        return sorted(times)

    def chunks(self, size: int = CHUNK) -> Iterator[Rows]:
        times = self.filing_times(self.count)
        for offset in range(0, self.count, size):
            rows = Rows([], [], [], [])
            for created in times[offset : offset + size]:
                self.one_case(rows, created)
            yield rows

    def one_case(self, rows: Rows, created: datetime) -> None:
        rng, ids, stamp = self.rng, self.ids, self.stamp
        ids.case += 1
        case_id = ids.case
        department = rng.choice(self.departments)
        severity = rng.choice(self.grades)
        month = f"{created:%Y%m}"
        self.serials[month] = serial = self.serials.get(month, 0) + 1
        ack_due = created + timedelta(hours={"general": 4, "important": 2}.get(severity, 0.5))
        acknowledged = created + timedelta(minutes=rng.expovariate(1 / 90))
        propose_due = created + timedelta(days={"general": 3, "important": 2}.get(severity, 1))
        proposed = created + timedelta(hours=rng.expovariate(1 / 40))
        resolved = proposed + timedelta(hours=rng.expovariate(1 / 48))
        closed = resolved + timedelta(hours=rng.expovariate(1 / 30))
        if rng.random() < 0.004:  # a few cases stay open for months
            closed = resolved = END + timedelta(days=1)
        status = "closed"
        if acknowledged >= END:
            acknowledged_at: datetime | None = None
            status = rng.choice(OPEN_STEPS[:2])
        else:
            acknowledged_at = acknowledged
        if closed >= END:
            closed_at: datetime | None = None
            resolved_at = resolved if resolved < END else None
            if status == "closed":
                status = rng.choice(OPEN_STEPS[6:] if resolved_at else OPEN_STEPS[2:6])
        else:
            closed_at, resolved_at = closed, resolved
        handler = rng.choice(self.staff[department]) if status not in OPEN_STEPS[:2] else None
        answered = closed_at is not None and rng.random() < 0.85
        solved = (rng.random() < 0.9) if answered else None
        rows.cases.append(
            (
                case_id,
                f"TS{month}-{serial:06d}",
                rng.choice(("complaint",) * 8 + ("suggestion", "inquiry")),
                rng.choice(self.categories),
                severity,
                "urgent" if rng.random() < 0.1 else "normal",
                status,
                department,
                handler,
                rng.randrange(1, self.customers + 1),
                "generated",
                "telegram" if rng.random() < 0.7 else "wechat",
                False,
                rng.random() < 0.06,
                solved,
                "customer",
                False,
                0,
                stamp(created),
                stamp(closed_at or resolved_at or acknowledged_at or created),
                acknowledged_at and stamp(acknowledged_at),
                resolved_at and stamp(resolved_at),
                closed_at and stamp(closed_at),
                1,
            )
        )
        self.deadline(rows, case_id, "acknowledge", ack_due, created, acknowledged_at)
        proposed_at = proposed if proposed < END and acknowledged_at else None
        if status in OPEN_STEPS[:4] and proposed_at is not None:
            proposed_at = None  # still investigating: the step is open
        self.deadline(rows, case_id, "propose", propose_due, created, proposed_at)
        if closed_at is not None and answered:
            ids.survey += 1
            answered_at = stamp(closed_at)
            rows.surveys.append((ids.survey, case_id, answered_at, answered_at, solved, score(rng)))
        ids.event += 1
        event = (ids.event, case_id, stamp(created), "customer", None, "filed", True, "{}")
        rows.events.append(event)

    def deadline(
        self, rows: Rows, case_id: int, step: str, due: datetime, set_at: datetime,
        met: datetime | None,
    ) -> None:  # fmt: skip
        stamp = self.stamp
        self.ids.deadline += 1
        fired = due if due < END and (met is None or met > due) else None
        met_at = met and stamp(met)
        row = (self.ids.deadline, case_id, step, stamp(due), True, 0, stamp(set_at), met_at)
        rows.deadlines.append((*row, fired and stamp(fired), None))
        if fired is not None:  # the escalation reminder a missed step starts
            self.ids.deadline += 1
            later = due + timedelta(hours=4)
            escalated = later if later < END and (met is None or met > later) else None
            row = (self.ids.deadline, case_id, step, stamp(later), True, 1, stamp(due), met_at)
            rows.deadlines.append((*row, escalated and stamp(escalated), None))


def score(rng: random.Random) -> int:
    return rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5))


def pending_chunks(
    stamp: Stamp, count: int, now: datetime, per_case: int, first_case: int, first_deadline: int
) -> Iterator[Rows]:
    """Open cases whose `per_case` deadlines are each due 1 minute to ~70 days from `now`."""
    cases = count // per_case
    case_id = first_case
    deadline_id = first_deadline
    for offset in range(0, cases, CHUNK):
        rows = Rows([], [], [], [])
        for _ in range(min(CHUNK, cases - offset)):
            case_id += 1
            rows.cases.append(
                (
                    *(case_id, f"TP202611-{case_id:07d}", "complaint", "other", "general"),
                    *("normal", "assigned", "service", None, 1, "x", "console", False, False),
                    *(None, "customer", False, 0, stamp(now), stamp(now), None, None, None, 1),
                )
            )
            for k in range(per_case):
                deadline_id += 1
                due = now + timedelta(minutes=1 + (deadline_id + k) % 100_000)
                row = (deadline_id, case_id, "propose", stamp(due), True, 0, stamp(now))
                rows.deadlines.append((*row, None, None, None))
        yield rows


# --- loading -------------------------------------------------------------------------


def _sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime writes and compares: UTC, no zone, always
    microseconds (the times generated are all UTC)."""
    return value.isoformat(" ", "microseconds")[:26]


def _stamp(db: Database) -> Stamp:
    return _sqlite_time if db.dialect == "sqlite" else _same


def _same(value: datetime) -> datetime:
    return value


TABLES = (
    ("cases", CASE_COLUMNS),
    ("deadlines", DEADLINE_COLUMNS),
    ("surveys", SURVEY_COLUMNS),
    ("case_events", EVENT_COLUMNS),
)


async def _load(
    db: Database,
    chunks: Iterator[Rows],
    people: tuple[int, int] | None,
    say: Callable[[str], None],
) -> None:
    if db.dialect == "sqlite":
        path = db.engine.url.database
        assert path is not None
        _load_sqlite(path, chunks, people, say)
    else:
        await _load_postgresql(db, chunks, people, say)


def _load_sqlite(
    path: str, chunks: Iterator[Rows], people: tuple[int, int] | None, say: Callable[[str], None]
) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")  # this connection's load only
    try:
        connection.execute("BEGIN")
        if people:
            _people_sqlite(connection, *people)
        done = 0
        for rows in chunks:
            for (table, columns), records in zip(TABLES, _parts(rows), strict=True):
                if records:
                    marks = ", ".join("?" * len(columns))
                    connection.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", records
                    )
            done += len(rows.cases)
            if done % 200_000 < CHUNK:
                connection.execute("COMMIT")
                connection.execute("BEGIN")
                say(f"  loaded {done:>8} cases")
        connection.execute("COMMIT")
    finally:
        connection.close()


async def _load_postgresql(
    db: Database, chunks: Iterator[Rows], people: tuple[int, int] | None, say: Callable[[str], None]
) -> None:
    async with db.engine.connect() as sa_connection:
        raw = await sa_connection.get_raw_connection()
        connection: Any = raw.driver_connection  # asyncpg's, its search_path already set
        if people:
            await _people_postgresql(connection, *people)
        done = 0
        for rows in chunks:
            for (table, columns), records in zip(TABLES, _parts(rows), strict=True):
                if records:
                    await connection.copy_records_to_table(table, records=records, columns=columns)
            done += len(rows.cases)
            if done % 200_000 < CHUNK:
                say(f"  loaded {done:>8} cases")
        for table in ("customers", "staff", *(table for table, _ in TABLES)):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        await connection.execute("ANALYZE")


def _parts(rows: Rows) -> Sequence[list[tuple[Any, ...]]]:
    return rows.cases, rows.deadlines, rows.surveys, rows.events


def _people(customers: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    at = END - timedelta(days=800)
    buyers = [(n, f"c{n}", at) for n in range(1, customers + 1)]
    staff = [
        (place * STAFF_PER_DEPARTMENT + n + 1, f"s{place}-{n}", name, "staff", at, True)
        for place, name in enumerate(DEPARTMENTS)
        for n in range(STAFF_PER_DEPARTMENT)
    ]
    return buyers, staff


def _people_sqlite(connection: sqlite3.Connection, customers: int, _first: int) -> None:
    buyers, staff = _people(customers)
    connection.executemany(
        "INSERT INTO customers (id, name, created_at) VALUES (?, ?, ?)",
        [(n, name, _sqlite_time(at)) for n, name, at in buyers],
    )
    connection.executemany(
        "INSERT INTO staff (id, name, department, role, created_at, active) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(*row[:4], _sqlite_time(row[4]), row[5]) for row in staff],
    )


async def _people_postgresql(connection: Any, customers: int, _first: int) -> None:
    buyers, staff = _people(customers)
    await connection.copy_records_to_table(
        "customers", records=buyers, columns=["id", "name", "created_at"]
    )
    await connection.copy_records_to_table(
        "staff",
        records=staff,
        columns=["id", "name", "department", "role", "created_at", "active"],
    )


async def load_cases(
    db: Database, count: int, months: int = 24, seed: int = 7, say: Callable[[str], None] = print
) -> float:
    """Fill `db` (migrated, empty) with `count` cases; returns the seconds taken."""
    began = time.perf_counter()
    generator = Generator(count, months, seed, _stamp(db))
    await _load(db, generator.chunks(), (generator.customers, 0), say)
    return time.perf_counter() - began


async def load_pending(
    db: Database, count: int, now: datetime, per_case: int = 4, say: Callable[[str], None] = print
) -> float:
    """Add open cases with `count` deadlines all due after `now` (ids after any cases
    already loaded, customer 1 their customer); returns the seconds taken."""
    began = time.perf_counter()
    async with db.engine.connect() as connection:
        from sqlalchemy import text

        first = (await connection.scalar(text("SELECT coalesce(max(id), 0) FROM cases"))) or 0
        last = "SELECT coalesce(max(id), 0) FROM deadlines"
        first_deadline = (await connection.scalar(text(last))) or 0
        customers = await connection.scalar(text("SELECT count(*) FROM customers"))
    people = None if customers else (1, 0)
    await _load(
        db, pending_chunks(_stamp(db), count, now, per_case, first, first_deadline), people, say
    )
    return time.perf_counter() - began


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pending", type=int, default=0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    async with fresh_database(args.backend) as db:
        seconds = await load_cases(db, args.cases)
        print(f"backend={args.backend} cases={args.cases} generate_s={seconds:.1f}")
        if args.pending:
            seconds = await load_pending(db, args.pending, END)
            print(f"pending={args.pending} generate_s={seconds:.1f}")
        async with db.engine.connect() as connection:
            from sqlalchemy import text

            for table in ("cases", "deadlines", "surveys", "case_events"):
                count = await connection.scalar(text(f"SELECT count(*) FROM {table}"))
                print(f"  {table}={count}")
            summary = await connection.execute(
                text("SELECT status = 'closed', count(*) FROM cases GROUP BY 1")
            )
            print("  closed/open:", json.dumps({str(k): v for k, v in summary}))


if __name__ == "__main__":
    asyncio.run(main())
