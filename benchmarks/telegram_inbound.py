"""Inbound throughput of the Telegram adapter: raw update JSON in, committed rows out.

    .venv/bin/python benchmarks/telegram_inbound.py [--customers 300] [--backend sqlite|postgresql]

Each simulated customer files one complaint in five updates (story, category, skip,
wanted, confirm); customers run concurrently, each one's updates in order. Measured:
  floor  aiogram parsing and dispatching the same updates to a no-op handler;
  commit aiogram as above, plus the least a durable update costs: one transaction that
         records the update id and commits (the same database, the same engine);
  group  aiogram as above, the update id recorded by one writer that commits up to 64
         updates per transaction (group commit, which DESIGN section 2 rules out because an
         update must commit alone before it is acknowledged): the most any design built
         on the storage layer could reach with one statement per update;
  desk   the same updates through the real adapter, dispatch, one transaction each
         (dedup, identity, conversation, case, timeline, deadlines, outbox).
Prints updates/s and p50/p99 latency per update for both; asserts nothing. Button
answers go to an in-process session, so no network is involved.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ and tests/ importable

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from sqlalchemy import func, select

from benchmarks.backends import fresh_database
from bot.config import EXAMPLE_CONFIG, TelegramSettings, load_config
from bot.telegram.runtime import TelegramChannel
from conversations.base.clock import SystemClock
from handlers.desk import Desk
from handlers.dispatch import Inbox
from storage.conversations import ConversationRepository
from storage.engine import Database
from storage.models import Case, OutboxMessage
from storage.uow import unit_of_work
from tests.fakes.telegram_api import button_update, message_update, user

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))


class NullSession(BaseSession):
    """Answers every Bot API call in-process (callback answers are all we make here)."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> Any:
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    async def close(self) -> None:
        return None


def updates_for(customers: int) -> list[list[dict[str, Any]]]:
    """Per customer, the five raw updates that file one complaint."""
    plans = []
    for index in range(customers):
        person = user(100_000 + index, f"客户{index}")
        chat = person["id"]
        plans.append(
            [
                message_update(person, f"第{index}号订单的电水壶漏水，想换新"),
                button_update(person, chat, "category:product_quality"),
                button_update(person, chat, "skip:details"),
                button_update(person, chat, "wanted:replacement"),
                button_update(person, chat, "confirm:submit"),
            ]
        )
    return plans


async def run(
    plans: list[list[dict[str, Any]]], feed: Callable[[dict[str, Any]], Awaitable[None]]
) -> tuple[float, list[float]]:
    """Customers concurrently, each customer's updates in order; wall time and latencies."""
    latencies: list[float] = []
    gate = asyncio.Semaphore(CONCURRENCY)

    async def customer(plan: list[dict[str, Any]]) -> None:
        async with gate:
            for raw in plan:
                began = time.perf_counter()
                await feed(raw)
                latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(customer(plan) for plan in plans))
    return time.perf_counter() - began, latencies


def report(label: str, elapsed: float, latencies: list[float]) -> float:
    rate = len(latencies) / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{label:6} updates={len(latencies)} updates_per_s={rate:,.0f} "
        f"p50_ms={cuts[49] * 1000:.2f} p99_ms={cuts[98] * 1000:.2f}"
    )
    return rate


Handler = Callable[[Any, Update], Awaitable[None]]


def aiogram_feed(handler: Handler) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """Raw update JSON -> aiogram's parsing and dispatch -> `handler`, FSM off, as in the
    adapter; the baselines differ only in the handler."""
    bot = Bot("123:BENCH", session=NullSession())
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.message.register(handler)
    dispatcher.callback_query.register(handler)

    async def feed(raw: dict[str, Any]) -> None:
        await dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

    return feed


async def floor(plans: list[list[dict[str, Any]]]) -> float:
    async def nothing(event: Any, event_update: Update) -> None:
        return None

    return report("floor", *await run(plans, aiogram_feed(nothing)))


async def commit_floor(plans: list[list[dict[str, Any]]], db: Database) -> float:
    clock = SystemClock()

    async def record(event: Any, event_update: Update) -> None:
        async with unit_of_work(db) as uow:
            repository = ConversationRepository(uow.session)
            await repository.claim_update("bench", str(event_update.update_id), clock.now())

    return report("commit", *await run(plans, aiogram_feed(record)))


async def group_commit_floor(plans: list[list[dict[str, Any]]], db: Database) -> float:
    clock = SystemClock()
    waiting: asyncio.Queue[tuple[str, asyncio.Future[None]]] = asyncio.Queue()

    async def writer() -> None:
        while True:
            batch = [await waiting.get()]
            while len(batch) < 64 and not waiting.empty():
                batch.append(waiting.get_nowait())
            async with unit_of_work(db) as uow:
                repository = ConversationRepository(uow.session)
                for update_id, _ in batch:
                    await repository.claim_update("group", update_id, clock.now())
            for _, done in batch:
                done.set_result(None)

    async def record(event: Any, event_update: Update) -> None:
        done = asyncio.get_running_loop().create_future()
        await waiting.put((str(event_update.update_id), done))
        await done

    writing = asyncio.create_task(writer())
    try:
        return report("group", *await run(plans, aiogram_feed(record)))
    finally:
        writing.cancel()


async def desk(plans: list[list[dict[str, Any]]], db: Database) -> float:
    bot = Bot("123:BENCH", session=NullSession())
    policy = load_config(EXAMPLE_CONFIG).policy
    channel = TelegramChannel(
        TelegramSettings(token="123:BENCH"), bot, Inbox(db, Desk.build(policy, SystemClock()))
    )

    async def feed(raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": bot})
        await channel.dispatcher.feed_update(bot, update)

    rate = report("desk", *await run(plans, feed))
    async with unit_of_work(db, readonly=True) as uow:
        cases = await uow.session.scalar(select(func.count()).select_from(Case))
        queued = await uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    print(f"committed cases={cases} outbox_rows={queued}")
    return rate


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    plans = updates_for(args.customers)
    print(f"backend={args.backend} customers={args.customers} concurrency={CONCURRENCY}")
    base = await floor(plans)
    async with fresh_database(args.backend, pool_size=CONCURRENCY) as db:
        durable = await commit_floor(plans, db)
        grouped = await group_commit_floor(plans, db)
        ours = await desk(updates_for(args.customers), db)
    print(
        f"desk_to_floor_ratio={ours / base:.4f} desk_to_commit_ratio={ours / durable:.3f} "
        f"group_to_floor_ratio={grouped / base:.3f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
