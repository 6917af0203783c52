"""The outbox under a burst (issue 18), through the real aiogram client and a fake Bot API
that refuses, as Telegram does, whatever breaks its limits; time is the fake clock's.

Customers filing at once get everything once, in order, at the rate the limits allow; a
busy group hears its overdue alerts within a minute; a slow chat, a late message or a
429 hold up only their own chat; rows are claimed with their edit targets in one query.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiogram.exceptions import TelegramRetryAfter
from sqlalchemy import event

from conversations.base.values import OutboxStatus
from storage.engine import Database
from storage.models import OutboxMessage
from tests.fakes.clock import FakeClock
from tests.fakes.outbox_burst import (
    burst_world,
    busy_group,
    deliver_everything,
    delivered_once_in_order,
    figures,
    file_all,
    group_of,
    redraw,
    telegram_customers,
    telegram_dispatcher,
)
from tests.fakes.senders import drain_all
from tests.fakes.telegram_limits import LimitedBotAPI, error
from tests.fakes.world import World
from tests.notifications.rows import queue

CATEGORIES = ["product_quality", "service_attitude", "delivery", "aftersales", "billing"]


@pytest.fixture
async def api(clock: FakeClock) -> AsyncIterator[LimitedBotAPI]:
    fake = LimitedBotAPI(clock=clock)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.mark.parametrize("customers", [25, 200])
async def test_customers_filing_at_once_get_everything_once_in_order_at_the_allowed_rate(
    world: World, api: LimitedBotAPI, customers: int
) -> None:
    desk = burst_world(world.db, world.clock)
    people = await telegram_customers(desk, customers)
    await file_all(desk, people, CATEGORIES)
    chats = [str(chat) for _, chat in people for _ in range(2)]  # two follow-ups each
    texts = [{"text": f"补充说明 {chat}-{n % 2}。"} for n, chat in enumerate(chats)]
    await queue(desk.db, desk.clock.now(), chats, "telegram", texts)

    await deliver_everything(desk.db, desk.clock, api)

    seen = figures(api)
    assert seen.messages >= customers * 4  # receipts, follow-ups, cards
    assert seen.violations == Counter() and api.refused_429 == 0
    assert seen.busiest_second <= 25  # the desk's own overall limit, in the API's clock
    assert seen.ratio >= 0.95, seen
    assert await delivered_once_in_order(desk.db, api) == []


async def test_overdue_alerts_reach_a_busy_group_within_a_minute_and_edits_coalesce(
    world: World, api: LimitedBotAPI
) -> None:
    """60 deadlines fire at once into a group that also has 40 new cards and their
    edits queued: the alerts go first (combined when the group's minute is short)."""
    desk = burst_world(world.db, world.clock)
    busy = await busy_group(desk, api)
    group = group_of(1)  # product's
    assert busy.latencies and len(busy.latencies) == len(busy.late)
    assert max(busy.latencies) <= 60, busy.latencies
    rows = await desk.all(OutboxMessage)
    superseded = [r for r in rows if (r.error or "").startswith("superseded")]
    assert len(superseded) >= len(busy.fresh)  # each fresh card's queued edits went as one
    edited = Counter(str(p["message_id"]) for p in api.sent("editMessageText", group))
    assert len(edited) >= len(busy.fresh) and set(edited.values()) == {1}  # each card once
    assert api.refused_429 == 0 and figures(api).violations == Counter()
    assert await delivered_once_in_order(desk.db, api) == []


async def test_a_slow_chat_holds_up_only_itself(world: World, api: LimitedBotAPI) -> None:
    chats = [str(700_100 + n) for n in range(10)]
    await queue(world.db, world.clock.now(), chats, "telegram")
    release = api.hold(700_100)  # the first chat's sends get no answer for now
    async with telegram_dispatcher(world.db, world.clock, api) as dispatcher:
        running = asyncio.create_task(dispatcher.run(poll_seconds=0.05))
        try:
            await _until(lambda: len(api.accepted) == 9)  # every other chat
            assert 700_100 not in {chat for chat, _ in api.accepted}
            release.set()
            await _until(lambda: len(api.accepted) == 10)
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
    assert {row.status for row in await world.all(OutboxMessage)} == {OutboxStatus.SENT}


async def test_the_next_message_waits_from_when_telegram_took_the_last(
    world: World, api: LimitedBotAPI
) -> None:
    """A message that reached Telegram 0.7 s late must not let the next one to its chat
    follow it within a second (pacing from the pick would: issue 18's 429)."""
    customer = 700_200
    await queue(world.db, world.clock.now(), [str(customer)] * 3, "telegram")
    api.arrive_late(customer, 0.7)
    async with telegram_dispatcher(world.db, world.clock, api) as dispatcher:
        await drain_all(dispatcher, world.clock)
    times = [at for chat, at in api.accepted if chat == customer]
    assert len(times) == 3 and api.refused_429 == 0
    assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(times))


async def test_a_429_holds_back_its_group_only(world: World, api: LimitedBotAPI) -> None:
    """Telegram's retry_after for one group: that group's other cases wait it out too;
    other chats go on at once."""
    group, person = group_of(2), 700_300
    desk = burst_world(world.db, world.clock)
    people = await telegram_customers(desk, 3)
    cases = await file_all(desk, people, ["delivery"])  # logistics: group_of(2)
    api.answer_next(group, error(429, "Too Many Requests", {"retry_after": 5}))
    start = desk.clock.now()
    await queue(desk.db, start, [str(person)] * 2, "telegram")
    await deliver_everything(desk.db, desk.clock, api)
    to_group = [at for chat, at in api.accepted if chat == group]
    assert len(to_group) == len(cases)
    assert min(to_group) >= start + timedelta(seconds=5)
    assert min(at for chat, at in api.accepted if chat == person) == start
    assert api.refused_429 == 0


async def test_rows_are_claimed_with_their_edit_targets_in_one_query(
    world: World, api: LimitedBotAPI
) -> None:
    """However many card edits a round claims, their cards' message ids come with the
    claim: one statement reads message_refs (it was one per row)."""
    desk = burst_world(world.db, world.clock)
    people = await telegram_customers(desk, 30)
    cases = await file_all(desk, people, CATEGORIES)
    await deliver_everything(desk.db, desk.clock, api)
    desk.clock.advance(minutes=5)
    for case in cases:
        await desk.act(redraw, case.number, "（已更新）")
    async with telegram_dispatcher(desk.db, desk.clock, api) as dispatcher:
        with statements_of(desk.db) as statements:
            sent = await dispatcher.deliver_round()
        reads = [n for n, sql in enumerate(statements) if "message_refs" in sql]
    assert sent >= 5  # one edit per group chat this round, several groups
    assert len(reads) == 1


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 (the fake's answers are what we watch)
            await asyncio.sleep(0.01)


@contextmanager
def statements_of(db: Database) -> Iterator[list[str]]:
    """Every statement's SQL meanwhile (the budget test counts only their verbs)."""
    statements: list[str] = []

    def statement(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        statements.append(sql)

    event.listen(db.engine.sync_engine, "before_cursor_execute", statement)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", statement)


async def test_the_fake_names_the_limit_each_refusal_was_for(
    world: World, api: LimitedBotAPI
) -> None:
    """So the zero counts above are not vacuous: a burst straight to the API is refused."""
    async with telegram_dispatcher(world.db, world.clock, api) as dispatcher:
        bot = dispatcher.senders["telegram"].bot  # type: ignore[attr-defined]
        await bot.send_message(700_400, "one")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(700_400, "two, in the same second")
        for n in range(29):
            await bot.send_message(700_500 + n, "many chats")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(700_600, "the 31st in a second")
    assert api.violations == Counter({"chat": 1, "overall": 1})
