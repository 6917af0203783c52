"""The two hand-written references that run benchmarks/inbound_turn.py's statements.

SqliteReference   the stdlib `sqlite3` on one connection (WAL, synchronous=FULL):
                  updates queue for one writer, which takes what is waiting (up to 64),
                  runs them in one transaction with a savepoint each, commits, and only
                  then answers each update's caller (acknowledged after commit). The
                  batch runs in a worker thread, so aiogram keeps parsing meanwhile.
AsyncpgReference  raw `asyncpg`: a pool, one transaction per update (PostgreSQL commits
                  concurrent transactions together on its own). With `numbers_apart`, the
                  month's serial is taken in a short transaction of its own on another
                  connection instead of inside the filing (a rolled-back filing would leave
                  a gap in the numbers): what holding the counter row to commit costs.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from benchmarks.inbound_turn import COUNTER, Flavour, Rows, Statement, Turn, turn
from conversations.base.messages import Inbound, Reply
from handlers.desk import Desk

BATCH = 64


def _sqlite_time(moment: datetime) -> str:
    """As SQLAlchemy stores a UTC datetime in SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


SQLITE = Flavour(time=_sqlite_time, day=date.isoformat, lock="")
POSTGRESQL = Flavour(time=lambda moment: moment, day=lambda day: day, lock=" FOR UPDATE OF c")


def drive(steps: Turn, run: Callable[[Statement], Rows]) -> list[Reply]:
    """Run a turn's statements one by one with `run`; the turn's replies."""
    try:
        statement = next(steps)
        while True:
            statement = steps.send(run(statement))
    except StopIteration as done:
        replies: list[Reply] = done.value
        return replies


@dataclass
class SqliteReference:
    path: str
    desk: Desk
    waiting: list[tuple[Inbound, asyncio.Future[list[Reply]]]] = field(default_factory=list)
    statements: int = 0

    def __post_init__(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            self.db.execute(f"PRAGMA {pragma}")
        self.wake = asyncio.Event()
        self.writer = asyncio.create_task(self._write())

    async def feed(self, inbound: Inbound) -> list[Reply]:
        done: asyncio.Future[list[Reply]] = asyncio.get_running_loop().create_future()
        self.waiting.append((inbound, done))
        self.wake.set()
        return await done

    async def _write(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.waiting:
                batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
                outcomes = await asyncio.to_thread(self._batch, [inbound for inbound, _ in batch])
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if isinstance(outcome, BaseException):
                        done.set_exception(outcome)
                    else:
                        done.set_result(outcome)

    def _batch(self, inbounds: list[Inbound]) -> list[list[Reply] | BaseException]:
        outcomes: list[list[Reply] | BaseException] = []
        cursor = self.db.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for inbound in inbounds:
            cursor.execute("SAVEPOINT u")
            try:
                now = datetime.now(UTC)
                outcomes.append(drive(turn(self.desk, inbound, now, SQLITE), self._run))
            except Exception as error:  # that update alone is undone
                cursor.execute("ROLLBACK TO u")
                outcomes.append(error)
            cursor.execute("RELEASE u")
        cursor.execute("COMMIT")
        return outcomes

    def _run(self, statement: Statement) -> Rows:
        self.statements += 1
        if statement.many:
            self.db.executemany(statement.sql, statement.params)
            return []
        return self.db.execute(statement.sql, statement.params).fetchall()

    async def counted(self) -> str:
        return _counts(lambda sql: self.db.execute(sql).fetchone()[0], self.statements)

    async def close(self) -> None:
        self.writer.cancel()
        self.db.close()


def _numbered(sql: str) -> str:
    """`?` placeholders as asyncpg's `$1, $2, ...`."""
    count = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(count)}", sql)


@dataclass
class AsyncpgReference:
    pool: asyncpg.Pool
    desk: Desk
    numbers: asyncpg.Pool | None = None  # numbers apart: the serial's own connections
    statements: int = 0

    @classmethod
    async def open(
        cls, dsn: str, schema: str, size: int, desk: Desk, *, numbers_apart: bool = False
    ) -> AsyncpgReference:
        settings = {"search_path": schema}
        pool = await asyncpg.create_pool(
            dsn, min_size=size, max_size=size, server_settings=settings
        )
        numbers = None
        if numbers_apart:
            numbers = await asyncpg.create_pool(
                dsn, min_size=2, max_size=4, server_settings=settings
            )
        return cls(pool, desk, numbers)

    async def feed(self, inbound: Inbound) -> list[Reply]:
        async with self.pool.acquire() as connection, connection.transaction():
            steps = turn(self.desk, inbound, datetime.now(UTC), POSTGRESQL)
            try:
                statement = next(steps)
                while True:
                    statement = steps.send(await self._run(connection, statement))
            except StopIteration as done:
                replies: list[Reply] = done.value
                return replies

    async def _run(self, connection: Any, statement: Statement) -> Rows:
        self.statements += 1
        sql = _numbered(statement.sql)
        if self.numbers is not None and statement.sql == COUNTER:  # committed at once
            return [tuple(row) for row in await self.numbers.fetch(sql, *statement.params)]
        if statement.many:
            await connection.executemany(sql, statement.params)
            return []
        return [tuple(row) for row in await connection.fetch(sql, *statement.params)]

    async def counted(self) -> str:
        found = {sql: await self.pool.fetchval(sql) for sql in (CASES, OUTBOX)}
        return _counts(found.__getitem__, self.statements)

    async def close(self) -> None:
        await self.pool.close()
        if self.numbers is not None:
            await self.numbers.close()


CASES, OUTBOX = "SELECT count(*) FROM cases", "SELECT count(*) FROM outbox"


def _counts(scalar: Callable[[str], Any], statements: int) -> str:
    return f"cases={scalar(CASES)} outbox_rows={scalar(OUTBOX)} statements={statements}"
