"""How long `complaintdesk report` takes on a database of generated cases.

    .venv/bin/python benchmarks/report_100k.py [--cases 100000] [--backend sqlite|postgresql]

Generates cases spread over six months (with deadlines, surveys, handlers, repeats),
migrated through Alembic like the app, then times the report's work: every measure for
every dimension over one month and over the whole span, plus writing the Excel file.
Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert

from benchmarks.backends import fresh_database
from conversations.base.values import CaseKind, CaseStatus, Role
from notifications.reports import ReportSection, write_xlsx
from storage.engine import Database
from storage.measures import Dimension, Period, compute
from storage.models import Case, Customer, Deadline, Staff, Survey
from storage.uow import unit_of_work

START = datetime(2026, 6, 1, tzinfo=UTC)
SPAN_DAYS = 180
DEPARTMENTS = ["service", "product", "logistics", "aftersales", "finance", "facilities"]
CATEGORIES = ["product_quality", "service_attitude", "delivery", "aftersales", "billing", "other"]


def case_rows(count: int, customers: int, staff_ids: list[int], rng: random.Random) -> list[dict]:
    rows = []
    for index in range(count):
        created = START + timedelta(seconds=rng.randrange(SPAN_DAYS * 86400))
        closed = rng.random() < 0.7
        acknowledged = created + timedelta(minutes=rng.randrange(5, 600))
        resolved = acknowledged + timedelta(hours=rng.randrange(2, 200)) if closed else None
        rows.append(
            {
                "number": f"TS{created:%Y%m}-{index + 1:06d}",
                "kind": CaseKind.COMPLAINT,
                "category": rng.choice(CATEGORIES),
                "severity": rng.choice(["general"] * 8 + ["important", "major"]),
                "status": CaseStatus.CLOSED if closed else CaseStatus.INVESTIGATING,
                "department": rng.choice(DEPARTMENTS),
                "handler_id": rng.choice(staff_ids),
                "customer_id": rng.randrange(1, customers + 1),
                "description": "generated",
                "channel": "console",
                "is_repeat": rng.random() < 0.08,
                "solved": closed and rng.random() < 0.9,
                "created_at": created,
                "updated_at": created,
                "acknowledged_at": acknowledged,
                "resolved_at": resolved,
                "closed_at": resolved + timedelta(days=1) if resolved else None,
                "urgency": "normal",
                "waiting_on_customer": False,
                "reopen_count": 0,
                "version": 1,
            }
        )
    return rows


async def generate(db: Database, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = START
    async with unit_of_work(db) as uow:
        session = uow.session
        await session.execute(
            insert(Customer), [{"name": f"c{i}", "created_at": now} for i in range(count // 4)]
        )
        await session.execute(
            insert(Staff),
            [
                {
                    "name": f"s{i}",
                    "department": DEPARTMENTS[i % 6],
                    "role": Role.STAFF,
                    "created_at": now,
                    "active": True,
                }
                for i in range(60)
            ],
        )
    batch = 10_000
    for offset in range(0, count, batch):
        rows = case_rows(min(batch, count - offset), count // 4, list(range(1, 61)), rng)
        for position, row in enumerate(rows, start=offset + 1):
            row["number"] = f"{row['number'][:9]}{position:06d}"
        async with unit_of_work(db) as uow:
            ids = (await uow.session.scalars(insert(Case).returning(Case.id), rows)).all()
            await uow.session.execute(
                insert(Deadline),
                [
                    deadline
                    for case_id, row in zip(ids, rows, strict=True)
                    for deadline in deadlines(case_id, row, rng)
                ],
            )
            surveys = [
                survey(case_id, row, rng)
                for case_id, row in zip(ids, rows, strict=True)
                if row["closed_at"] is not None
            ]
            await uow.session.execute(insert(Survey), surveys)
        print(f"  generated {offset + len(rows):>7} cases", flush=True)


def deadlines(case_id: int, row: dict, rng: random.Random) -> list[dict]:
    created = row["created_at"]
    ack_due = created + timedelta(hours=4)
    return [
        {
            "case_id": case_id,
            "step": "acknowledge",
            "due_at": ack_due,
            "working": True,
            "set_at": created,
            "met_at": row["acknowledged_at"],
            "escalation_level": 0,
        },
        {
            "case_id": case_id,
            "step": "propose",
            "due_at": created + timedelta(days=3),
            "working": True,
            "set_at": created,
            "escalation_level": 0,
            "met_at": created + timedelta(hours=rng.randrange(1, 100))
            if row["closed_at"]
            else None,
        },
    ]


def survey(case_id: int, row: dict, rng: random.Random) -> dict:
    return {
        "case_id": case_id,
        "sent_at": row["closed_at"],
        "answered_at": row["closed_at"],
        "solved": row["solved"],
        "score": rng.randint(1, 5),
    }


async def report(db: Database, period: Period, path: Path) -> float:
    began = time.perf_counter()
    sections = []
    async with unit_of_work(db, readonly=True) as uow:
        for dimension in Dimension:
            rows = await compute(uow.session, period, dimension, period.end, 4)
            sections.append(ReportSection(dimension, rows, {}))
    write_xlsx(path, sections)
    return time.perf_counter() - began


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    async with fresh_database(args.backend) as db:
        folder = tempfile.mkdtemp()
        print(f"backend={args.backend} cases={args.cases}")
        began = time.perf_counter()
        await generate(db, args.cases)
        print(f"generate_s={time.perf_counter() - began:.1f}")
        month = Period(datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
        whole = Period(START, START + timedelta(days=SPAN_DAYS))
        for label, period in (("one_month", month), ("six_months", whole)):
            timings = [await report(db, period, Path(folder) / "r.xlsx") for _ in range(3)]
            print(f"report_{label}_s best={min(timings):.2f} worst={max(timings):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
