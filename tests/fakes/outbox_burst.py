"""Outbox bursts through the real aiogram client and the fake Bot API, on a fake clock
(issue 18): many customers filing at once, and a busy group where deadlines fire.

Shared by tests/notifications/test_outbox_burst.py and benchmarks/outbox_delivery.py.
Time is virtual: the dispatcher runs on the fake clock, moved on whenever nothing may go
yet, and the fake API stamps what it takes with that clock, so the figures (the rate
against what the limits allow, overdue alert latency) are measured in the API's time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.telegram.sender import TelegramSender
from conversations.base.policy import Policy
from conversations.base.values import ActorKind, OutboxStatus, Purpose
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.desk import Desk
from handlers.overdue import FireDeadline
from handlers.take import take
from notifications.dispatcher import Dispatcher
from notifications.watcher import Watcher
from storage.engine import Database
from storage.models import Case, Customer, Identity, OutboxMessage, Staff
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.clock import FakeClock
from tests.fakes.policy import test_policy
from tests.fakes.senders import drain_all
from tests.fakes.telegram_limits import LimitedBotAPI
from tests.fakes.world import World, enrol

DESK_OVERALL = 25  # a second: the desk's own limit (Telegram's is 30)
GROUP_PER_MINUTE = 20
FIRST_CUSTOMER = 700_000


def group_of(index: int) -> int:
    return -1_001_000 - index


def burst_policy() -> Policy:
    """The example policy with every department's alerts in a Telegram group."""
    policy = test_policy()
    departments = [
        d.model_copy(update={"chats": {"telegram": str(group_of(n))}, "topics": False})
        for n, d in enumerate(policy.departments)
    ]
    return policy.model_copy(update={"departments": departments})


def burst_world(db: Database, clock: FakeClock) -> World:
    return World(db, Desk.build(burst_policy(), clock), clock)


async def telegram_customers(world: World, count: int) -> list[tuple[Actor, int]]:
    """Customers who write from Telegram private chats (their chat id is their user id)."""
    made = []
    async with unit_of_work(world.db) as uow:
        for n in range(count):
            person = Customer(name=f"顾客{n}", phone=None, created_at=world.clock.now())
            uow.session.add(person)
            await uow.session.flush()
            chat = FIRST_CUSTOMER + n
            uow.session.add(
                Identity(
                    channel="telegram",
                    external_id=str(chat),
                    customer_id=person.id,
                    created_at=world.clock.now(),
                )
            )
            made.append((Actor.customer(person.id), chat))
    return made


async def file_all(
    world: World, customers: Sequence[tuple[Actor, int]], categories: Sequence[str]
) -> list[Case]:
    """Each customer files one case, the categories in turn (as a burst does)."""
    return [
        await world.file(actor, channel="telegram", category=categories[n % len(categories)])
        for n, (actor, _chat) in enumerate(customers)
    ]


async def redraw(uow: UnitOfWork, desk: Desk, number: str, suffix: str = "") -> None:
    """The case's card redrawn (as a status change does), maybe with words of its own."""
    case = await uow.session.scalar(select(Case).where(Case.number == number))
    assert case is not None
    await post_card(uow.session, desk, case)
    if suffix:
        newest = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)
        row = (await uow.session.scalars(newest)).one()
        assert row.purpose == Purpose.CARD
        row.payload = {**row.payload, "text": row.payload["text"] + suffix}


@dataclass(frozen=True)
class BusyGroup:
    late: list[Case]  # their deadlines fired at once
    fresh: list[Case]  # filed, taken and redrawn just before: cards and edits queued
    latencies: list[float]  # seconds from the firing to each late case's alert in the group


async def busy_group(
    world: World, api: LimitedBotAPI, late: int = 60, fresh: int = 40
) -> BusyGroup:
    """`late` cases' first deadlines fire at once into the product group, where `fresh`
    new cases' cards and edits are queued too (issue 18's busy group); all delivered."""
    people = await telegram_customers(world, late + fresh)
    overdue = await file_all(world, people[:late], ["product_quality"])
    await deliver_everything(world.db, world.clock, api)  # their cards, long ago
    world.clock.advance(hours=5)  # every one of their first steps is overdue now
    new = await file_all(world, people[late:], ["product_quality"])
    await enrol(world, "李雷", "product")
    staff = await world.only(Staff)
    handler = Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)
    for case in new:  # taken and redrawn while their new cards still wait
        await world.act(take, handler, case.number)
        await world.act(redraw, case.number)
    fired_at = world.clock.now()
    sla = Watcher(world.db, world.clock, FireDeadline(world.desk), lambda: None)
    while await sla.tick():
        pass
    await deliver_everything(world.db, world.clock, api)
    group = group_of(1)
    taken = [(at, text) for chat, at, text in api.accepted_texts if chat == group]
    latencies = []
    for case in overdue:
        told = [
            at for at, text in taken if at >= fired_at and case.number in text and "逾期" in text
        ]
        if told:
            latencies.append((told[0] - fired_at).total_seconds())
    return BusyGroup(overdue, new, latencies)


@asynccontextmanager
async def telegram_dispatcher(
    db: Database, clock: FakeClock, api: LimitedBotAPI
) -> AsyncIterator[Dispatcher]:
    """The desk's dispatcher with the real Telegram sender, talking HTTP to the fake."""
    bot = Bot("123:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
    try:
        yield Dispatcher(db, {"telegram": TelegramSender(bot)}, clock)
    finally:
        await bot.session.close()


async def deliver_everything(db: Database, clock: FakeClock, api: LimitedBotAPI) -> None:
    async with telegram_dispatcher(db, clock, api) as dispatcher:
        await drain_all(dispatcher, clock)


@dataclass(frozen=True)
class Figures:
    """A burst as the fake API saw it."""

    messages: int
    seconds: float  # first to last message taken
    allowed_seconds: float  # the least time the desk's limits permit for these messages
    violations: Counter[str]  # 429s by limit (Telegram's: 1/s a chat, 20/min a group, 30/s)
    busiest_second: int  # the most messages taken in any one second (the desk's limit: 25)

    @property
    def ratio(self) -> float:
        """The achieved rate against the allowed one (1.0: as fast as the limits allow)."""
        return 1.0 if self.seconds <= 0 else min(1.0, self.allowed_seconds / self.seconds)


def figures(api: LimitedBotAPI) -> Figures:
    taken = sorted(api.accepted, key=lambda sent: sent[1])
    if not taken:
        return Figures(0, 0.0, 0.0, Counter(api.violations), 0)
    seconds = (taken[-1][1] - taken[0][1]).total_seconds()
    return Figures(
        len(taken),
        seconds,
        allowed_seconds([chat for chat, _ in taken]),
        Counter(api.violations),
        busiest_second([at for _, at in taken]),
    )


def allowed_seconds(chats: Sequence[int]) -> float:
    """A lower bound on the time the desk's limits permit, from the first message to the
    last: the overall 25 a second, one a second in each chat, and 20 a minute in each
    group (20 at once, then each as the one 20 before it leaves the minute)."""
    per_chat = Counter(chats)
    bounds = [float((len(chats) - 1) // DESK_OVERALL)]
    for chat, count in per_chat.items():
        bounds.append(_group_seconds(count) if chat < 0 else float(count - 1))
    return max(bounds)


def _group_seconds(count: int) -> float:
    times: list[float] = []
    for k in range(count):
        earliest = times[-1] + 1 if times else 0.0
        if k >= GROUP_PER_MINUTE:
            earliest = max(earliest, times[k - GROUP_PER_MINUTE] + 60)
        times.append(earliest)
    return times[-1] if times else 0.0


def busiest_second(times: Sequence[datetime]) -> int:
    """The most sends in any sliding second."""
    ordered, most, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= timedelta(seconds=1):
            start += 1
        most = max(most, end - start + 1)
    return most


async def delivered_once_in_order(db: Database, api: LimitedBotAPI) -> list[str]:
    """What is wrong with the delivery (empty: nothing): every row sent; each row's text
    in exactly one message taken in its chat (a combined one counts), and a card's
    superseded edits in none; each person's chat in the order written, each case's
    messages in a group in theirs."""
    async with unit_of_work(db, readonly=True) as uow:
        rows = list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    taken: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for chat, at, text in api.accepted_texts:
        taken[chat].append((at, text))
    wrong = [f"row {r.id} is {r.status}" for r in rows if r.status is not OutboxStatus.SENT]
    position: dict[int, int] = {}
    shown: dict[tuple[str, int | None, str | None], str] = {}  # a card's text as last drawn
    for row in rows:
        card = (row.chat_id, row.case_id, row.purpose)
        unchanged = row.purpose is not None and shown.get(card) == row.payload["text"]
        shown[card] = str(row.payload["text"])
        texts = [text for _, text in taken[int(row.chat_id)]]
        carriers = [n for n, text in enumerate(texts) if str(row.payload["text"]) in text]
        superseded = (row.error or "").startswith("superseded")
        if len(carriers) != (0 if superseded else 1) and not _edited_alike(row, texts):
            wrong.append(f"row {row.id} taken {len(carriers)} times in {row.chat_id}")
        if carriers and not superseded and not unchanged:  # an unchanged edit is not sent
            position[row.id] = carriers[0]
    streams: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for row in rows:
        if row.id in position:
            person = not row.chat_id.startswith("-")
            streams[(row.chat_id, None if person else row.case_id)].append(position[row.id])
    for (where, about), places in streams.items():
        if places != sorted(places):
            wrong.append(f"chat {where} case {about} out of order: {places}")
    return wrong


def _edited_alike(row: OutboxMessage, texts: list[str]) -> bool:
    """An edit that changes nothing is not sent (Telegram: 'message is not modified')."""
    return row.purpose is not None and texts.count(str(row.payload["text"])) >= 1
