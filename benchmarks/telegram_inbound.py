"""Inbound throughput of the Telegram adapter: raw update JSON in, committed rows out.

    .venv/bin/python benchmarks/telegram_inbound.py [--backend sqlite|postgresql] [--quick]

Each simulated customer files one complaint in five updates (story, category, skip,
wanted, confirm); customers run concurrently (BENCH_CONCURRENCY, default 32), each one's
updates in order. Measured, in one run:
  floor      aiogram parsing and dispatching the updates to a no-op handler;
  reference  the same aiogram front end, then the essential statements written by hand
             (benchmarks/inbound_turn.py) with the desk's own dialogue step and wording:
             on SQLite the stdlib `sqlite3`, WAL, synchronous=FULL, micro-batched with a
             savepoint per update and each update acknowledged after its commit; on
             PostgreSQL raw `asyncpg`, one transaction per update;
  desk       the same updates through the real adapter (`TelegramChannel` + dispatch);
  filing-*   the filing alone: customers brought to the confirmation first, then every
             confirmation pressed with BENCH_CONCURRENCY filers at once (p50/p99);
             on PostgreSQL also `filing-ref-numbers-apart`: the reference with the serial
             taken in a transaction of its own (gaps possible), to show what holding the
             month's counter row to commit costs;
  desk-inline (SQLite, `--ceiling`) an experiment, never the product: the desk again with
             aiosqlite's hand-off to its thread replaced by a direct call (its private
             `Connection._execute` patched for this run only), so every statement and
             commit runs on the event loop with no thread hop: the most a faster driver
             under SQLAlchemy's async ORM could give.
Prints updates/s and p50/p99 per update, and the ratios desk/reference and desk/floor;
asserts nothing. Button answers go to an in-process session, so no network is involved.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ and tests/ importable

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Update
from sqlalchemy import func, select, text

from benchmarks.backends import PG_URL, fresh_database
from benchmarks.inbound_references import AsyncpgReference, SqliteReference
from bot.config import EXAMPLE_CONFIG, TelegramSettings, load_config
from bot.telegram.convert import to_inbound
from bot.telegram.runtime import TelegramChannel
from conversations.base.clock import SystemClock
from conversations.base.messages import Inbound, Reply
from handlers.desk import Desk
from handlers.dispatch import Inbox
from storage.engine import Database
from storage.models import Case, OutboxMessage
from storage.uow import unit_of_work
from tests.fakes.telegram_api import button_update, message_update, user

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
Plan = list[dict[str, Any]]
Feed = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Sizes:
    customers: int  # each files once in five updates
    floor_updates: int
    filers: int  # for the filing-only figures


FULL = Sizes(customers=300, floor_updates=20_000, filers=320)
QUICK = Sizes(customers=8, floor_updates=200, filers=8)


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


def plans_for(customers: int, first_id: int = 100_000) -> list[Plan]:
    """Per customer, the five raw updates that file one complaint."""
    plans = []
    for index in range(customers):
        person = user(first_id + index, f"客户{index}")
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


async def run(plans: list[Plan], feed: Feed) -> tuple[float, list[float]]:
    """Customers concurrently, each customer's updates in order; wall time and latencies."""
    latencies: list[float] = []
    gate = asyncio.Semaphore(CONCURRENCY)

    async def customer(plan: Plan) -> None:
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
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        f"{label:12} updates={len(latencies)} updates_per_s={rate:,.0f} "
        f"p50_ms={cuts[49] * 1000:.2f} p99_ms={cuts[98] * 1000:.2f}",
        flush=True,
    )
    return rate


async def filing(label: str, plans: list[Plan], feed: Feed) -> None:
    """Everyone brought to the confirmation (not timed), then the confirmations timed."""
    await run([plan[:-1] for plan in plans], feed)
    report(label, *await run([plan[-1:] for plan in plans], feed))


Handler = Callable[[Any, Update], Awaitable[None]]


def aiogram_feed(handler: Handler) -> Feed:
    """Raw update JSON -> aiogram's parsing and dispatch -> `handler`, FSM off, as in the
    adapter; the floor and the reference differ only in the handler."""
    bot = Bot("123:BENCH", session=NullSession())
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.message.register(handler)
    dispatcher.callback_query.register(handler)

    async def feed(raw: dict[str, Any]) -> None:
        await dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

    return feed


def reference_feed(handle: Callable[[Inbound], Awaitable[list[Reply]]]) -> Feed:
    """As TelegramChannel does: convert, handle (acknowledged after commit), answer a
    pressed button."""

    async def on_update(event: Any, event_update: Update) -> None:
        inbound = to_inbound(event_update, datetime.now(UTC))
        replies = await handle(inbound) if inbound is not None else []
        if isinstance(event, CallbackQuery):
            shown = replies[0].text[:200] if replies and inbound and inbound.is_group else None
            await event.answer(text=shown)

    return aiogram_feed(on_update)


def desk_feed(db: Database, desk: Desk) -> Feed:
    bot = Bot("123:BENCH", session=NullSession())
    channel = TelegramChannel(TelegramSettings(token="123:BENCH"), bot, Inbox(db, desk))

    async def feed(raw: dict[str, Any]) -> None:
        update = Update.model_validate(raw, context={"bot": bot})
        await channel.dispatcher.feed_update(bot, update)

    return feed


async def floor(updates: int) -> float:
    async def nothing(event: Any, event_update: Update) -> None:
        return None

    plans = plans_for(updates // 5 + 1, first_id=900_000)
    return report("floor", *await run(plans, aiogram_feed(nothing)))


@asynccontextmanager
async def reference(
    backend: str, desk: Desk, filers: int
) -> AsyncIterator[tuple[str, Feed, Callable[[], Awaitable[str]]]]:
    async with fresh_database(backend) as db:
        if backend == "sqlite":
            path = str(db.engine.url.database)
            await db.dispose()
            sqlite = SqliteReference(path, desk)
            try:
                how = "sqlite3 WAL synchronous=FULL, micro-batched"
                yield how, reference_feed(sqlite.feed), sqlite.counted
            finally:
                await sqlite.close()
            return
        async with db.engine.connect() as connection:
            schema = str(await connection.scalar(text("SHOW search_path")))
        dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
        pg = await AsyncpgReference.open(dsn, schema, CONCURRENCY, desk)
        try:
            yield "asyncpg, one transaction per update", reference_feed(pg.feed), pg.counted
        finally:
            await pg.close()
        apart = await AsyncpgReference.open(dsn, schema, CONCURRENCY, desk, numbers_apart=True)
        try:  # what the gapless numbering costs the filing's latency
            plans = plans_for(filers, first_id=600_000)
            await filing("filing-ref-numbers-apart", plans, reference_feed(apart.feed))
        finally:
            await apart.close()


@contextmanager
def without_thread_hops() -> Iterator[None]:
    """aiosqlite runs each call in place instead of queueing it for its thread (the
    `--ceiling` experiment; private API, patched for the duration only)."""
    import aiosqlite.core

    async def in_place(self: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    with mock.patch.object(aiosqlite.core.Connection, "_execute", in_place):
        yield


async def desk_run(backend: str, plans: list[Plan], filers: list[Plan], desk: Desk) -> float:
    async with fresh_database(backend, pool_size=CONCURRENCY) as db:
        print(f"desk: {await described(db)}")
        rate = report("desk", *await run(plans, desk_feed(db, desk)))
        await filing("filing-desk", filers, desk_feed(db, desk))
        print(f"desk committed {await counted(db)}")
    return rate


async def described(db: Database) -> str:
    if db.dialect != "sqlite":
        return "SQLAlchemy asyncpg"
    async with db.engine.connect() as connection:
        level = await connection.scalar(text("PRAGMA synchronous"))
    names = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    return f"SQLAlchemy aiosqlite synchronous={names.get(int(level or 0), level)}"


async def counted(db: Database) -> str:
    async with unit_of_work(db, readonly=True) as uow:
        cases = await uow.session.scalar(select(func.count()).select_from(Case))
        queued = await uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    return f"cases={cases} outbox_rows={queued}"


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a few updates: a smoke test")
    parser.add_argument("--customers", type=int, help="customers filing (5 updates each)")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="SQLite: also the desk with no thread hops (an experiment, see above)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    customers = args.customers or sizes.customers
    print(f"backend={args.backend} customers={customers} concurrency={CONCURRENCY}")
    plans = plans_for(customers)
    filers = plans_for(sizes.filers, first_id=500_000)
    base = await floor(sizes.floor_updates)
    desk = Desk.build(load_config(EXAMPLE_CONFIG).policy, SystemClock())
    async with reference(args.backend, desk, sizes.filers) as (how, feed, count):
        print(f"reference: {how}")
        ref = report("reference", *await run(plans, feed))
        await filing("filing-ref", filers, feed)
        print(f"reference committed {await count()}")
    ours = await desk_run(args.backend, plans, filers, desk)
    print(f"desk_to_reference={ours / ref:.3f} desk_to_floor={ours / base:.4f}")
    if args.ceiling and args.backend == "sqlite":
        with without_thread_hops():
            print("desk-inline: no thread hops (experiment)")
            inline = await desk_run(args.backend, plans, filers, desk)  # a fresh database
        print(f"desk_inline_to_reference={inline / ref:.3f} inline_to_desk={inline / ours:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
