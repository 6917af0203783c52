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
from sqlalchemy import event, select

from conversations.base.values import ActorKind, OutboxStatus, Purpose
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.desk import Desk
from handlers.overdue import FireDeadline
from handlers.take import take
from notifications.watcher import Watcher
from storage.engine import Database
from storage.models import Case, OutboxMessage, Staff
from storage.uow import UnitOfWork
from tests.fakes.clock import FakeClock
from tests.fakes.outbox_burst import (
    burst_world,
    deliver_everything,
    delivered_once_in_order,
    figures,
    file_all,
    group_of,
    telegram_customers,
    telegram_dispatcher,
)
from tests.fakes.senders import drain_all
from tests.fakes.telegram_limits import LimitedBotAPI, error
from tests.fakes.world import World, enrol
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
    people = await telegram_customers(desk, 100)
    late = await file_all(desk, people[:60], ["product_quality"])
    await deliver_everything(desk.db, desk.clock, api)  # their cards, long ago
    desk.clock.advance(hours=5)  # every one of their first steps is overdue now
    fresh = await file_all(desk, people[60:], ["product_quality"])
    await enrol(desk, "李雷", "product")
    staff = await desk.only(Staff)
    handler = Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)
    for case in fresh:  # taken and redrawn while their new cards still wait
        await desk.act(take, handler, case.number)
        await desk.act(_redraw, case.number)
    fired_at = desk.clock.now()
    sla = Watcher(desk.db, desk.clock, FireDeadline(desk.desk), lambda: None)
    while await sla.tick():
        pass

    await deliver_everything(desk.db, desk.clock, api)

    group = group_of(1)  # product
    taken = [(at, text) for chat, at, text in api.accepted_texts if chat == group]
    taken = [(at, text) for at, text in taken if at >= fired_at]
    for case in late:
        told = [at for at, text in taken if case.number in text and "逾期" in text]
        assert told, case.number
        assert told[0] - fired_at <= timedelta(seconds=60), (case.number, told[0] - fired_at)
    rows = await desk.all(OutboxMessage)
    superseded = [r for r in rows if (r.error or "").startswith("superseded")]
    assert len(superseded) >= len(fresh)  # each fresh card's queued edits went as one
    edited = Counter(str(p["message_id"]) for p in api.sent("editMessageText", group))
    assert len(edited) >= len(fresh) and set(edited.values()) == {1}  # each card once
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
        await desk.act(_redraw, case.number, "（已更新）")
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


async def _redraw(uow: UnitOfWork, desk: Desk, number: str, suffix: str = "") -> None:
    """The card redrawn (as a status change does), maybe with words of its own."""
    case = await uow.session.scalar(select(Case).where(Case.number == number))
    assert case is not None
    await post_card(uow.session, desk, case)
    if suffix:
        newest = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)
        row = (await uow.session.scalars(newest)).one()
        assert row.purpose == Purpose.CARD
        row.payload = {**row.payload, "text": row.payload["text"] + suffix}


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
