"""aiosqlite connections whose statements take one trip to the database thread, not four.

aiosqlite runs sqlite3 on its own thread and each awaited call is one hand-off to it and
back. SQLAlchemy's adapter makes four per statement (open a cursor, execute, fetch the
rows, close), and on a small virtual machine a hand-off costs ~0.1 ms while the statement
itself costs ~0.01 ms. Here `execute` opens, runs, fetches and closes in one trip and
keeps the rows; the other calls answer from them. Everything else is aiosqlite's own.

Rows are fetched whole, as SQLAlchemy's adapter does for every result that is not
streamed (nothing here streams). `call` uses aiosqlite's thread queue, as SQLAlchemy's
own adapter does, so the aiosqlite version is bounded in pyproject.toml.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

import aiosqlite


class OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy uses, answered from fetched rows."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def execute(self, sql: str, parameters: Any = ()) -> OneTripCursor:
        return await self._run(lambda cursor: cursor.execute(sql, parameters))

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneTripCursor:
        return await self._run(lambda cursor: cursor.executemany(sql, parameters))

    async def _run(self, statement: Callable[[sqlite3.Cursor], object]) -> OneTripCursor:
        def trip() -> tuple[Any, deque[Any], int, int | None]:
            cursor = self._connection.raw.cursor()
            try:
                statement(cursor)
                rows = deque(cursor.fetchall() if cursor.description else ())
                return cursor.description, rows, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows, self.rowcount, self.lastrowid = await self._connection.call(
            trip
        )
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection; touch it only inside `call`, on the database thread."""
        return self._conn

    async def call(self, function: Callable[[], Any]) -> Any:
        """Run `function` on the database thread (aiosqlite's queue, one hand-off)."""
        execute = cast(Callable[[Callable[[], Any]], Awaitable[Any]], self._execute)
        return await execute(function)


def one_trip_connect(connect: Callable[[], sqlite3.Connection]) -> OneTripConnection:
    """A connection like `aiosqlite.connect` makes; await it to open."""
    return OneTripConnection(connect, iter_chunk_size=64)
