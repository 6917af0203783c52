"""`compute_all` (every dimension, each table read once) gives what `compute` gives for
each dimension: on the hand-computed November of test_measures and on the benchmark's
generated history, for the last month, a month a year back, six months, and a month still
running (issue 18)."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta

import pytest

from benchmarks.million import END, load_cases, load_pending
from storage.engine import Database
from storage.measures import Dimension, Measures, Period, compute, compute_all
from storage.uow import unit_of_work
from tests.storage.test_measures import NOVEMBER, NOW, build

FLOATS = {f.name for f in fields(Measures) if f.type == "float | None"}


async def same_as_compute(db: Database, period: Period, now: datetime) -> int:
    """Asserts both agree on every dimension; returns how many groups were compared."""
    compared = 0
    async with unit_of_work(db, readonly=True) as uow:
        everything = await compute_all(uow.session, period, now, 4)
        assert set(everything) == set(Dimension)
        for dimension in Dimension:
            alone = await compute(uow.session, period, dimension, now, 4)
            together = everything[dimension]
            assert [m.key for m in together] == [m.key for m in alone], dimension
            for one, other in zip(together, alone, strict=True):
                first, second = asdict(one), asdict(other)
                for name in FLOATS:
                    expected = second.pop(name)
                    wanted = expected if expected is None else pytest.approx(expected, rel=1e-9)
                    assert first.pop(name) == wanted, (dimension, one.key, name)
                assert first == second, (dimension, one.key)
                compared += 1
    return compared


async def test_the_hand_computed_month_alike(db: Database) -> None:
    await build(db)
    assert await same_as_compute(db, NOVEMBER, NOW) > 5


async def test_the_generated_history_alike(db: Database) -> None:
    await load_cases(db, 3_000, say=lambda _line: None)
    await load_pending(db, 200, END - timedelta(days=2), say=lambda _line: None)
    periods = [
        (Period(datetime(2026, 11, 1, tzinfo=UTC), END), END + timedelta(days=3)),
        (Period(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC)), END),
        (Period(datetime(2026, 6, 1, tzinfo=UTC), END), END),
        (Period(datetime(2026, 11, 1, tzinfo=UTC), END), END - timedelta(days=9)),  # running
    ]
    for period, now in periods:
        assert await same_as_compute(db, period, now) > 60, period


async def test_only_the_dimensions_asked(db: Database) -> None:
    await build(db)
    async with unit_of_work(db, readonly=True) as uow:
        overall = await compute_all(uow.session, NOVEMBER, NOW, 4, [Dimension.OVERALL])
        before = Period(datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC))
        empty = await compute_all(uow.session, before, NOW, 4)
    assert list(overall) == [Dimension.OVERALL]
    assert [m.key for m in overall[Dimension.OVERALL]] == ["all"]
    assert empty == {dimension: [] for dimension in Dimension}
