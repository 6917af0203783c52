"""Case numbers are monthly, unique and gapless; concurrent takes have one winner."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from handlers.refusals import Refusal
from handlers.take import take
from storage.cases import CaseRepository, TimelineRepository
from storage.uow import UnitOfWork
from tests.fakes.world import World


async def test_number_is_prefix_month_and_serial(world: World) -> None:
    buyer = await world.customer()
    first = await world.file(buyer)
    second = await world.file(buyer)
    assert (first.number, second.number) == ("TS202611-0001", "TS202611-0002")


async def test_serial_restarts_with_the_month_in_business_time(world: World) -> None:
    buyer = await world.customer()
    world.clock.set(datetime(2026, 11, 30, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    november = await world.file(buyer)
    world.clock.set(datetime(2026, 11, 30, 16, 1, tzinfo=UTC))  # 00:01 on 1 December
    december = await world.file(buyer)
    again = await world.file(buyer)
    assert november.number == "TS202611-0001"
    assert (december.number, again.number) == ("TS202612-0001", "TS202612-0002")


async def test_a_rolled_back_filing_leaves_no_gap(world: World) -> None:
    buyer = await world.customer()
    with pytest.raises(Refusal):
        await world.file(buyer, category="no_such_category")
    assert (await world.file(buyer)).number == "TS202611-0001"


async def test_while_the_month_counter_is_locked_a_filing_only_writes(world: World) -> None:
    """The counter row stays locked until commit and every concurrent filing waits on it,
    so whatever the announcements need is read before the serial is taken."""
    buyer = await world.customer()
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = world.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        case = await world.file(buyer, description="燃气灶漏气，有爆炸危险")  # managers told too
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    counter = next(i for i, sql in enumerate(statements) if "case_counters" in sql)
    after = [sql.split()[0] for sql in statements[counter + 1 :]]
    assert case.number == "TS202611-0001"
    assert "SELECT" not in after, [s[:90] for s in statements[counter + 1 :]]
    assert after.count("INSERT") >= 3  # the receipt, the card and the managers' alert


async def test_200_concurrent_filings_get_200_consecutive_numbers(world: World) -> None:
    buyers = [await world.customer(f"客户{i}", f"139{i:08d}") for i in range(20)]
    cases = await asyncio.gather(*(world.file(buyers[i % 20]) for i in range(200)))
    serials = sorted(int(re.sub(r".*-", "", case.number)) for case in cases)
    assert serials == list(range(1, 201))


async def test_two_staff_taking_at_once_one_wins_the_other_is_told_who(world: World) -> None:
    buyer = await world.customer()
    li = await world.staff("李雷", "product")
    han = await world.staff("韩梅梅", "product")
    case = await world.file(buyer)
    results = await asyncio.gather(
        world.act(take, li, case.number),
        world.act(take, han, case.number),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, Refusal)]
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert (len(winners), len(refusals)) == (1, 1)
    winner = li if winners[0].handler_id == li.id else han
    assert refusals[0].key == "case.already_taken"
    assert refusals[0].params["owner"] == winner.name

    async def stored(uow: UnitOfWork) -> tuple[int | None, list[str]]:
        found = await CaseRepository(uow.session).get(case.id)
        assert found is not None
        timeline = await TimelineRepository(uow.session).of_case(case.id)
        return found.handler_id, [event.kind for event in timeline]

    handler_id, kinds = await world.read(stored)
    assert handler_id == winner.id
    assert kinds.count("taken") == 1
