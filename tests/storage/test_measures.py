"""Each measure of POLICY §7 against a small, hand-computed data set, on both backends.

November 2026 (UTC), computed on 5 December:
  A product  h1  filed 2 Nov, ack +1h, resolved +1d, closed solved, survey 5, on time
  B product  h1  filed 5 Nov, ack +2h (due +1h: late), resolved +2d, closed unsolved,
                 survey 2, a repeat
  C logistics h2 filed 10 Nov, ack +3h, propose due 20 Nov unmet: late and overdue
  D logistics -  filed 20 Oct, ack due 21 Oct unmet: overdue, not received in November
  E product  h1  filed 25 Nov, ack +4h, closed 2 Dec: open at the end of November
B and C are graded important, the others general.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.base.values import CaseKind, CaseStatus, Role
from storage.engine import Database
from storage.measures import Dimension, Measures, Period, compute
from storage.models import Case, Customer, Deadline, Staff, Survey
from storage.uow import unit_of_work

NOVEMBER = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
NOW = datetime(2026, 12, 5, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def day(month: int, number: int) -> datetime:
    return datetime(2026, month, number, tzinfo=UTC)


async def build(db: Database) -> tuple[int, int]:
    async with unit_of_work(db) as uow:
        session = uow.session
        buyer = Customer(name="c", created_at=day(10, 1))
        h1 = Staff(name="h1", department="product", role=Role.STAFF, created_at=day(10, 1))
        h2 = Staff(name="h2", department="logistics", role=Role.STAFF, created_at=day(10, 1))
        session.add_all([buyer, h1, h2])
        await session.flush()

        def make(
            label: str, department: str, handler: Staff | None, created: datetime, **extra: object
        ) -> Case:
            return Case(
                number=f"TS-{label}",
                kind=CaseKind.COMPLAINT,
                category=department,
                severity=extra.pop("severity", "general"),
                status=extra.pop("status", CaseStatus.INVESTIGATING),
                department=department,
                handler_id=handler.id if handler else None,
                customer_id=buyer.id,
                description=label,
                channel="console",
                created_at=created,
                updated_at=created,
                **extra,
            )

        a = make(
            "A",
            "product",
            h1,
            day(11, 2),
            acknowledged_at=day(11, 2) + H,
            resolved_at=day(11, 3),
            closed_at=day(11, 4),
            solved=True,
            status=CaseStatus.CLOSED,
        )
        b = make(
            "B",
            "product",
            h1,
            day(11, 5),
            acknowledged_at=day(11, 5) + 2 * H,
            resolved_at=day(11, 7),
            closed_at=day(11, 8),
            solved=False,
            is_repeat=True,
            status=CaseStatus.CLOSED,
            severity="important",
        )
        c = make(
            "C",
            "logistics",
            h2,
            day(11, 10),
            acknowledged_at=day(11, 10) + 3 * H,
            severity="important",
        )
        d = make("D", "logistics", None, day(10, 20), status=CaseStatus.ASSIGNED)
        e = make(
            "E",
            "product",
            h1,
            day(11, 25),
            acknowledged_at=day(11, 25) + 4 * H,
            closed_at=day(12, 2),
            solved=True,
            status=CaseStatus.CLOSED,
        )
        session.add_all([a, b, c, d, e])
        await session.flush()

        def deadline(case: Case, step: str, due: datetime, met: datetime | None) -> Deadline:
            return Deadline(
                case_id=case.id,
                step=step,
                due_at=due,
                met_at=met,
                working=True,
                set_at=case.created_at,
            )

        session.add_all(
            [
                deadline(a, "acknowledge", day(11, 2) + 4 * H, day(11, 2) + H),
                deadline(b, "acknowledge", day(11, 5) + H, day(11, 5) + 2 * H),
                deadline(c, "acknowledge", day(11, 10) + 4 * H, day(11, 10) + 3 * H),
                deadline(c, "propose", day(11, 20), None),
                deadline(d, "acknowledge", day(10, 21), None),
                Survey(
                    case_id=a.id, sent_at=day(11, 3), answered_at=day(11, 4), solved=True, score=5
                ),
                Survey(
                    case_id=b.id, sent_at=day(11, 7), answered_at=day(11, 8), solved=False, score=2
                ),
            ]
        )
        return h1.id, h2.id


async def measures(db: Database, dimension: Dimension) -> dict[str, Measures]:
    async with unit_of_work(db, readonly=True) as uow:
        rows = await compute(uow.session, NOVEMBER, dimension, NOW, satisfied_from=4)
    return {row.key: row for row in rows}


async def test_overall_measures(db: Database) -> None:
    await build(db)
    overall = (await measures(db, Dimension.OVERALL))["all"]
    assert (overall.received, overall.open, overall.overdue, overall.closed) == (4, 3, 2, 2)
    assert (overall.due, overall.on_time, overall.timeliness) == (3, 1, pytest.approx(1 / 3))
    assert (overall.answered, overall.satisfied, overall.satisfaction) == (2, 1, 0.5)
    assert overall.mean_score == pytest.approx(3.5)
    assert (overall.closed_solved, overall.resolution_rate) == (1, 0.5)
    assert (overall.repeats, overall.repeat_rate) == (1, 0.25)
    assert overall.ack_mean_s == pytest.approx(9000)
    assert overall.ack_p90_s == pytest.approx(14400)
    assert overall.resolve_mean_s == pytest.approx(129600)
    assert overall.resolve_p90_s == pytest.approx(172800)


async def test_measures_per_department(db: Database) -> None:
    await build(db)
    rows = await measures(db, Dimension.DEPARTMENT)
    product, logistics = rows["product"], rows["logistics"]
    assert (product.received, product.open, product.overdue, product.closed) == (3, 1, 0, 2)
    assert (product.due, product.on_time, product.answered, product.satisfied) == (2, 1, 2, 1)
    assert product.ack_mean_s == pytest.approx(8400)
    assert product.ack_p90_s == pytest.approx(14400)
    assert (logistics.received, logistics.open, logistics.overdue) == (1, 2, 2)
    assert (logistics.due, logistics.on_time, logistics.timeliness) == (1, 0, 0.0)
    assert logistics.satisfaction is None  # nothing answered: no rate, not zero
    assert logistics.ack_p90_s == pytest.approx(10800)


async def test_measures_per_handler_and_category(db: Database) -> None:
    h1, h2 = await build(db)
    handlers = await measures(db, Dimension.HANDLER)
    assert set(handlers) == {str(h1), str(h2), "-"}
    assert (handlers[str(h1)].received, handlers[str(h1)].closed) == (3, 2)
    assert handlers["-"].overdue == 1
    categories = await measures(db, Dimension.CATEGORY)
    assert categories["product"].repeat_rate == pytest.approx(1 / 3)


async def test_measures_per_grade(db: Database) -> None:
    await build(db)
    grades = await measures(db, Dimension.GRADE)
    assert set(grades) == {"general", "important"}
    general, important = grades["general"], grades["important"]
    assert (general.received, general.overdue, general.closed, general.closed_solved) == (
        2,
        1,
        1,
        1,
    )
    assert (important.received, important.overdue, important.closed) == (2, 1, 1)
    assert (important.repeat_rate, important.resolution_rate) == (0.5, 0.0)
    assert (important.due, important.on_time) == (2, 0)


async def test_an_empty_period_has_no_rows(db: Database) -> None:
    await build(db)
    async with unit_of_work(db, readonly=True) as uow:
        empty = Period(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC))
        assert await compute(uow.session, empty, Dimension.OVERALL, NOW, 4) == []
