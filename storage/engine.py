"""Database engines: SQLite (embedded default) and PostgreSQL (scale-out), set up alike."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.group import GroupCommit

SQLITE_BUSY_TIMEOUT_MS = 30_000
# FULL: a commit survives power loss and an OS crash, not only a process crash (NORMAL, in
# WAL mode, may lose the last commits then). An acknowledged update must not be lost.
Synchronous = Literal["full", "normal"]
_SYNCHRONOUS: dict[str, str] = {"full": "FULL", "normal": "NORMAL"}  # never raw text in SQL


@dataclass(frozen=True)
class Database:
    """The engine and the session factory built from it; one per process.

    `writer` queues this process's SQLite write transactions in order. SQLite allows one
    writer at a time; without the queue, waiting writers poll with the busy handler's
    growing sleeps, which is what made the slowest updates take seconds under load.
    (Other processes on the same file still wait through the busy timeout.)
    `group` lets the inbound updates waiting for the writer share a commit."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    writer: asyncio.Lock | None = None
    group: GroupCommit | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(
    url: str, *, sqlite_synchronous: Synchronous = "full", **engine_options: Any
) -> Database:
    """The database at `url` (SQLite through stock aiosqlite, or PostgreSQL)."""
    # A logged SQL error never prints bound values: they are names and phones (issue 15).
    engine = create_async_engine(make_url(url), hide_parameters=True, **engine_options)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, sqlite_synchronous)
        return Database(engine, sessions, asyncio.Lock(), GroupCommit())
    return Database(engine, sessions)


def _configure_sqlite(engine: AsyncEngine, synchronous: Synchronous) -> None:
    """WAL, foreign keys, a busy timeout, the durability asked for (FULL by default), and
    write transactions that lock at BEGIN.

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
        cursor.execute(f"PRAGMA synchronous={_SYNCHRONOUS[synchronous]}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
