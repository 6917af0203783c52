"""Shared fixtures: every storage-touching test runs on SQLite and on PostgreSQL.

Schemas are made once per session through Alembic; each test then gets a fresh copy
(SQLite: a copied file; PostgreSQL: its own schema's tables truncated), so tests never
depend on the order they run in.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from storage.base import Base
from storage.engine import Database, open_database
from storage.migrate import migrate
from tests.fakes.clock import FakeClock
from tests.fakes.policy import test_policy

PG_URL = os.environ.get(
    "COMPLAINTDESK_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


def _pg_dsn() -> str:
    return PG_URL.replace("postgresql+asyncpg://", "postgresql://")


async def _migrated(url: str, **options: object) -> None:
    db = open_database(url, **options)
    await migrate(db)
    await db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrated(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    schema = f"cd_test_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(_pg_dsn())
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run(f"CREATE SCHEMA {schema}"))
    asyncio.run(_migrated(PG_URL, connect_args=_pg_args(schema)))
    yield schema
    asyncio.run(run(f"DROP SCHEMA {schema} CASCADE"))


def _pg_args(schema: str) -> dict[str, object]:
    return {"server_settings": {"search_path": schema}}


@pytest.fixture(params=BACKENDS)
async def db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, pg_schema: str
) -> AsyncIterator[Database]:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "desk.db"
        shutil.copy(sqlite_template, path)
        database = open_database(f"sqlite+aiosqlite:///{path}")
    else:
        database = open_database(PG_URL, connect_args=_pg_args(pg_schema), pool_size=20)
        await _truncate(database)
    yield database
    await database.dispose()


async def _truncate(database: Database) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def policy():  # type: ignore[no-untyped-def]
    return test_policy()


@pytest.fixture
def world(db: Database, clock: FakeClock):  # type: ignore[no-untyped-def]
    from tests.fakes.world import World

    return World.make(db, clock)


@pytest.fixture
def reopen(db: Database, pg_schema: str):  # type: ignore[no-untyped-def]
    """Open the same database again, as a restarted process would."""

    def again() -> Database:
        if db.dialect == "sqlite":
            return open_database(db.engine.url.render_as_string(hide_password=False))
        return open_database(PG_URL, connect_args=_pg_args(pg_schema))

    return again
