"""How long `complaintdesk report` takes on a database of generated cases.

    .venv/bin/python benchmarks/report_100k.py [--cases 100000] [--backend sqlite|postgresql]
    .venv/bin/python benchmarks/report_100k.py --cases 1000000 --backend postgresql
    .venv/bin/python benchmarks/report_100k.py --quick          (a smoke run: 3,000 cases)

Loads `--cases` cases filed over 24 months up to 1 December 2026 (benchmarks/million.py:
bulk, into a scratch database migrated through Alembic like the app), then times the
report's work: every measure for every dimension plus writing the Excel file, for the last
month (November), for a month a year back (November 2025), and for the last six months,
with `compute_all` (each table read once for the five dimensions); then, for the last
month, the same with `compute` called per dimension (as bot/views.report_tables does
today) and each `compute_all` query's own time, to show where the time goes. Prints each
figure beside issue 18's target where it sets one. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.backends import fresh_database
from benchmarks.million import END, load_cases
from notifications.reports import ReportSection, write_xlsx
from storage.engine import Database
from storage.measures import Dimension, Period, all_queries, compute, compute_all
from storage.uow import unit_of_work

LAST_MONTH = Period(datetime(2026, 11, 1, tzinfo=UTC), END)
YEAR_BACK = Period(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC))
SIX_MONTHS = Period(datetime(2026, 6, 1, tzinfo=UTC), END)
# Issue 18's targets for one month's report, seconds: {cases: {backend: target}}.
TARGETS = {1_000_000: {"sqlite": 1.0, "postgresql": 0.5}, 100_000: {"sqlite": 0.2}}
TARGETS[100_000]["postgresql"] = 0.1


async def report(db: Database, period: Period, path: Path, together: bool = True) -> float:
    """The report's measures and its Excel file: all dimensions at once, or one by one."""
    began = time.perf_counter()
    async with unit_of_work(db, readonly=True) as uow:
        if together:
            found = await compute_all(uow.session, period, period.end, 4)
        else:
            found = {d: await compute(uow.session, period, d, period.end, 4) for d in Dimension}
    write_xlsx(path, [ReportSection(dimension, rows, {}) for dimension, rows in found.items()])
    return time.perf_counter() - began


async def breakdown(db: Database, period: Period) -> list[tuple[str, float]]:
    """Each of compute_all's queries' time, its rows read into Python."""
    timings = []
    async with unit_of_work(db, readonly=True) as uow:
        for name, query in all_queries(period, period.end, 4):
            began = time.perf_counter()
            (await uow.session.execute(query)).all()
            timings.append((name, time.perf_counter() - began))
    return timings


def target_for(cases: int, backend: str) -> float | None:
    return TARGETS.get(cases, {}).get(backend)


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3,000 cases, one run each")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.repeat = 3_000, 1
    async with fresh_database(args.backend) as db:
        folder = tempfile.mkdtemp()
        print(f"backend={args.backend} cases={args.cases}", flush=True)
        seconds = await load_cases(db, args.cases, say=lambda line: print(line, flush=True))
        print(f"generate_s={seconds:.1f}", flush=True)
        target = target_for(args.cases, args.backend)
        await report(db, Period(END, END), Path(folder) / "r.xlsx")  # openpyxl's import
        for label, period in (
            ("one_month", LAST_MONTH),
            ("one_month_a_year_back", YEAR_BACK),
            ("six_months", SIX_MONTHS),
        ):
            runs = [await report(db, period, Path(folder) / "r.xlsx") for _ in range(args.repeat)]
            wanted = f"target<={target}" if target and label.startswith("one_") else "target=-"
            print(f"report_{label}_s best={min(runs):.3f} worst={max(runs):.3f} {wanted}")
        alone = await report(db, LAST_MONTH, Path(folder) / "r.xlsx", together=False)
        print(f"report_one_month_per_dimension_s {alone:.3f} (compute per dimension)")
        for name, seconds in await breakdown(db, LAST_MONTH):
            print(f"  query {name} ms={seconds * 1000:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
