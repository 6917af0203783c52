"""Database engines: SQLite (embedded default) and PostgreSQL (scale-out), set up alike."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_driver import OneTripConnection, one_trip_connect

SQLITE_BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Database:
    """The engine and the session factory built from it; one per process.

    `writer` queues this process's SQLite write transactions in order. SQLite allows one
    writer at a time; without the queue, waiting writers poll with the busy handler's
    growing sleeps, which is what made the slowest updates take seconds under load.
    (Other processes on the same file still wait through the busy timeout.)"""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    writer: asyncio.Lock | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(url: str, **engine_options: Any) -> Database:
    address = make_url(url)
    if address.get_backend_name() == "sqlite" and address.get_driver_name() == "aiosqlite":
        engine_options.setdefault("async_creator", _one_trip_creator(address))
    engine = create_async_engine(address, **engine_options)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
        return Database(engine, sessions, asyncio.Lock())
    return Database(engine, sessions)


def _one_trip_creator(address: URL) -> Callable[[], Awaitable[OneTripConnection]]:
    """Connections made as aiosqlite would (same arguments), one trip per statement."""
    args, options = create_async_engine(address).dialect.create_connect_args(address)

    async def create() -> OneTripConnection:
        connection = one_trip_connect(partial(sqlite3.connect, *args, **options))
        await connection  # starts its thread and opens the file
        return connection

    return create


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and write transactions that lock at BEGIN.

    A deferred transaction that reads and then writes can fail at once with
    SQLITE_BUSY under WAL when another writer committed in between, instead of waiting;
    BEGIN IMMEDIATE takes the write lock first, so writers queue on the busy timeout.
    Read-only units of work pass `readonly=True` and begin deferred.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching a new file to WAL needs a lock another
        # process starting at the same moment may hold (N processes migrating at once).
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
