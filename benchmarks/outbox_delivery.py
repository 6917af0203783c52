"""Outbox delivery under Telegram's limits: 10,000 alerts to 50 groups and 2,000 chats,
and the bursts of issue 18 through the real aiogram client and the fake Bot API.

    .venv/bin/python benchmarks/outbox_delivery.py [--messages 10000] [--backend sqlite|postgresql]
        [--sent 0]   (rows already sent, older: what the claim query must read past)
    .venv/bin/python benchmarks/outbox_delivery.py --burst [--backend sqlite|postgresql]

The channel enforces the limits itself (1/s per chat, 20/min per group, 25/s overall) and
answers 429 with retry_after to any send that breaks one, like Telegram. Time is simulated:
the dispatcher runs on a clock the benchmark moves forward whenever nothing may go yet, so
the minutes the limits impose take seconds. Printed: the achieved rate against the
limit-allowed rate (simulated time), 429s, messages lost, and the wall-clock cost.
`--sent N` first adds N rows sent a day before (a desk's outbox keeps them until
retention deletes them): the claim query must find the pending rows past them.

`--burst`: 25 and 200 customers filing at once (a receipt, two follow-ups and the cards
each), then 60 deadlines firing at once into a group with 40 new cards and their edits
queued; the fake Bot API refuses what breaks Telegram's limits and stamps what it takes
with the simulated clock. Printed beside the targets: the rate against the allowed one,
429s by limit, the busiest second, and the overdue alerts' latency. `--burst --real-time`
runs the two bursts through the dispatcher's own loop on the wall clock instead.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert

from benchmarks.backends import fresh_database
from notifications.dispatcher import Dispatcher
from notifications.senders import ChannelLimits, Delivered, Outgoing, SendFailed
from storage.engine import Database
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work

LIMITS = ChannelLimits(per_chat=1.0, per_group=20 / 60, overall=25.0)


@dataclass
class SimulatedClock:
    instant: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 2, tzinfo=UTC))

    def now(self) -> datetime:
        return self.instant


@dataclass
class StrictChannel:
    """A Telegram stand-in that refuses, with 429, any send over its limits."""

    clock: SimulatedClock
    channel: str = "telegram"
    limits: ChannelLimits = LIMITS
    delivered: set[int] = field(default_factory=set)
    rejected: int = 0
    _last: dict[str, datetime] = field(default_factory=dict)
    _groups: dict[str, deque[datetime]] = field(default_factory=lambda: defaultdict(deque))
    _overall: deque[datetime] = field(default_factory=deque)

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")

    async def deliver(self, message: Outgoing) -> Delivered:
        now = self.clock.now()
        if self._breaks_limit(message.chat_id, now):
            self.rejected += 1
            raise SendFailed("429 Too Many Requests", permanent=False, retry_after=1)
        self._last[message.chat_id] = now
        if self.is_group(message.chat_id):
            self._groups[message.chat_id].append(now)
        self._overall.append(now)
        self.delivered.add(int(message.text))
        return Delivered(str(len(self.delivered)))

    def _breaks_limit(self, chat: str, now: datetime) -> bool:
        if chat in self._last and now - self._last[chat] < timedelta(seconds=1):
            return True
        while self._overall and now - self._overall[0] >= timedelta(seconds=1):
            self._overall.popleft()
        if len(self._overall) >= 25:
            return True
        sends = self._groups[chat]
        while sends and now - sends[0] >= timedelta(minutes=1):
            sends.popleft()
        return self.is_group(chat) and len(sends) >= 20


def workload(count: int, rng: random.Random) -> list[str]:
    """Half the alerts to 50 department groups, half to 2,000 people's private chats."""
    groups = [f"-100{i:03d}" for i in range(50)]
    people = [str(10_000 + i) for i in range(2_000)]
    return [rng.choice(groups) if i % 2 == 0 else rng.choice(people) for i in range(count)]


def allowed_seconds(chats: list[str]) -> float:
    """The least time the limits permit for this workload (the busiest constraint)."""
    per_chat = max(chats.count(c) for c in set(chats)) - 1  # one a second in the busiest chat
    busiest_group = max(chats.count(c) for c in set(chats) if c.startswith("-"))
    per_group = max(0, busiest_group - 20) / 20 * 60  # 20 at once, then 20 a minute
    return max(len(chats) / 25, per_chat, per_group)


async def deliver_all(dispatcher: Dispatcher, clock: SimulatedClock) -> None:
    """Deliver until the outbox is empty, moving simulated time on when nothing may go."""
    while True:
        if await dispatcher.deliver_round(batch=500):
            continue
        async with unit_of_work(dispatcher.db, readonly=True) as uow:
            waiting = await OutboxRepository(uow.session).next_ready(["telegram"])
        if waiting is None:
            return
        now = clock.now()
        future = [t for t in (waiting, dispatcher.paced_until) if t is not None and t > now]
        clock.instant = min(future) if future else now + timedelta(seconds=1)


@dataclass
class WallClock:
    """Real time, for `--real-time` (the fake API moves no clock then)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def advance(self, **_delta: float) -> datetime:
        return self.now()


async def run_until_sent(dispatcher: Dispatcher, limit: float = 900) -> None:
    """The dispatcher's own loop, in real time, until nothing is pending."""
    running = asyncio.create_task(dispatcher.run(poll_seconds=0.2))
    began = time.perf_counter()
    try:
        while time.perf_counter() - began < limit:
            await asyncio.sleep(0.5)
            async with unit_of_work(dispatcher.db, readonly=True) as uow:
                if await OutboxRepository(uow.session).next_ready(["telegram"]) is None:
                    return
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def burst(backend: str, customers: int, real_time: bool = False) -> None:
    """Customers filing at once, as tests/notifications/test_outbox_burst.py does."""
    from tests.fakes import outbox_burst as scenario
    from tests.fakes.clock import FakeClock
    from tests.fakes.telegram_limits import LimitedBotAPI
    from tests.notifications.rows import queue

    clock: Any = WallClock() if real_time else FakeClock()
    async with fresh_database(backend) as db:
        api = LimitedBotAPI(clock=clock)
        await api.start()
        try:
            desk = scenario.burst_world(db, clock)
            people = await scenario.telegram_customers(desk, customers)
            await scenario.file_all(desk, people, BURST_CATEGORIES)
            chats = [str(chat) for _, chat in people for _ in range(2)]
            texts = [{"text": f"补充说明 {chat}-{n % 2}。"} for n, chat in enumerate(chats)]
            await queue(db, clock.now(), chats, "telegram", texts)
            began = time.perf_counter()
            if real_time:
                async with scenario.telegram_dispatcher(db, clock, api) as dispatcher:
                    await run_until_sent(dispatcher)
            else:
                await scenario.deliver_everything(db, clock, api)
            wall = time.perf_counter() - began
            wrong = await scenario.delivered_once_in_order(db, api)
        finally:
            await api.stop()
    seen = scenario.figures(api)
    print(
        f"burst backend={backend} customers={customers} "
        f"clock={'real' if real_time else 'simulated'} messages={seen.messages} "
        f"seconds={seen.seconds:.2f} allowed_seconds={seen.allowed_seconds:.2f} "
        f"rate_vs_allowed={seen.ratio:.3f} (target >= 0.95) "
        f"violations_429={sum(seen.violations.values())} {dict(seen.violations)} (target 0) "
        f"busiest_second={seen.busiest_second} (desk limit 25) "
        f"not_once_in_order={len(wrong)} wall_seconds={wall:.1f}"
    )


async def busy(backend: str) -> None:
    """60 overdue alerts into a busy group, as the test does."""
    from tests.fakes import outbox_burst as scenario
    from tests.fakes.clock import FakeClock
    from tests.fakes.telegram_limits import LimitedBotAPI

    clock = FakeClock()
    async with fresh_database(backend) as db:
        api = LimitedBotAPI(clock=clock)
        await api.start()
        try:
            found = await scenario.busy_group(scenario.burst_world(db, clock), api)
        finally:
            await api.stop()
    waits = found.latencies or [float("nan")]
    print(
        f"busy_group backend={backend} alerts={len(found.late)} reached={len(found.latencies)} "
        f"latency_mean={sum(waits) / len(waits):.1f}s latency_max={max(waits):.1f}s "
        f"(target <= 60 s) violations_429={api.refused_429} (target 0)"
    )


async def load(db: Database, chats: list[str], now: datetime, sent: bool) -> None:
    """One row per entry of `chats`: pending now, or sent a day before (an outbox keeps
    its sent rows until retention deletes them; the claim reads past them)."""
    day_before = now - timedelta(days=1)
    rows = [
        {
            "channel": "telegram",
            "chat_id": chat,
            "payload": {"text": str(i)},
            "not_before": day_before if sent else now,
            "created_at": day_before if sent else now,
            "status": "sent" if sent else "pending",
            "sent_at": day_before if sent else None,
            "attempts": 1 if sent else 0,
        }
        for i, chat in enumerate(chats)
    ]
    for start in range(0, len(rows), 10_000):
        async with unit_of_work(db) as uow:
            await uow.session.execute(insert(OutboxMessage), rows[start : start + 10_000])


BURST_CATEGORIES = ["product_quality", "service_attitude", "delivery", "aftersales", "billing"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--sent", type=int, default=0, help="rows sent a day before, kept until retention"
    )
    parser.add_argument("--burst", action="store_true", help="issue 18's bursts instead")
    parser.add_argument(
        "--real-time", action="store_true", help="with --burst: the bursts on the wall clock"
    )
    args = parser.parse_args()
    if args.burst:
        for customers in (25, 200):
            await burst(args.backend, customers, args.real_time)
        if not args.real_time:
            await busy(args.backend)
        return
    chats = workload(args.messages, random.Random(11))
    clock = SimulatedClock()
    async with fresh_database(args.backend) as db:
        await load(db, workload(args.sent, random.Random(5)), clock.now(), sent=True)
        await load(db, chats, clock.now(), sent=False)
        channel = StrictChannel(clock)
        dispatcher = Dispatcher(db, {"telegram": channel}, clock)
        began_wall, began_sim = time.perf_counter(), clock.now()
        await deliver_all(dispatcher, clock)
        wall = time.perf_counter() - began_wall
        simulated = (clock.now() - began_sim).total_seconds()
    allowed = allowed_seconds(chats)
    print(
        f"backend={args.backend} messages={len(chats)} groups=50 private_chats=2000 "
        f"sent_before={args.sent}"
    )
    print(
        f"simulated_seconds={simulated:.0f} limit_allowed_seconds={allowed:.0f} "
        f"achieved_rate={len(chats) / simulated:.2f}/s allowed_rate={len(chats) / allowed:.2f}/s "
        f"ratio={allowed / simulated:.3f}"
    )
    print(
        f"rejected_429={channel.rejected} lost={len(chats) - len(channel.delivered)} "
        f"wall_seconds={wall:.1f} wall_rate={len(chats) / wall:.0f}/s"
    )


if __name__ == "__main__":
    asyncio.run(main())
