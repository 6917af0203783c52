"""The digest's overdue count at each day's end reads four index ranges of the deadlines
(issue 18) and still counts what the plain definition counts: open cases with a
service-level step due before the instant, unmet and not paused then. Compared on the
benchmark's generated history (met late, missed, escalations) with paused steps added,
at instants across it; and the plans read no table whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, text, update

from benchmarks.million import END, load_cases
from storage.engine import Database
from storage.models import Case, Deadline
from storage.trends import late_at, overdue_at
from storage.uow import unit_of_work
from tests.storage.test_report_plans import Explain, history_reads, scans

INSTANTS = [END - timedelta(days=d, hours=h) for d in (0, 1, 3, 10, 40, 200) for h in (0, 7)]


async def recount(db: Database, instant: datetime) -> int:
    """The definition, as one plain query (what storage.trends asked before issue 18)."""
    late = select(Deadline.case_id).where(
        Deadline.escalation_level == 0,
        Deadline.due_at < instant,
        or_(Deadline.met_at.is_(None), Deadline.met_at > instant),
        or_(Deadline.paused_at.is_(None), Deadline.paused_at > instant),
    )
    async with unit_of_work(db, readonly=True) as uow:
        count = await uow.session.scalar(
            select(func.count()).where(
                Case.id.in_(late),
                Case.created_at < instant,
                or_(Case.closed_at.is_(None), Case.closed_at > instant),
            )
        )
    return count or 0


async def test_overdue_at_each_instant_equals_the_recount(db: Database) -> None:
    await load_cases(db, 3_000, say=lambda _line: None)
    async with unit_of_work(db) as uow:  # some steps waited on the customer for a while
        for start, days in ((1, 2), (12, 5), (45, 30), (300, 150)):
            paused = END - timedelta(days=start)
            await uow.session.execute(
                update(Deadline)
                .where(Deadline.id % 7 == start % 7, Deadline.due_at > paused - timedelta(days=3))
                .where(Deadline.due_at < paused + timedelta(days=days))
                .values(paused_at=paused)
            )
    async with unit_of_work(db, readonly=True) as uow:
        counted = await overdue_at(uow.session, INSTANTS)
    expected = [await recount(db, instant) for instant in INSTANTS]
    assert counted == expected
    assert sum(counted) > 20 and len(set(counted)) > 4  # the data has overdue cases to count


async def test_the_late_steps_are_read_by_index(db: Database) -> None:
    async with unit_of_work(db, readonly=True) as uow:
        if db.dialect == "postgresql":
            await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        query = select(func.count()).where(Case.id.in_(late_at(datetime(2026, 6, 1, tzinfo=UTC))))
        rows = (await uow.session.execute(Explain(query))).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    assert not scans(plan, db.dialect), plan
    assert not history_reads(plan, db.dialect), plan
