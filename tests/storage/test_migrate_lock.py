"""Processes starting at once all migrate: the upgrade runs under a lock (PostgreSQL's
advisory lock; SQLite's write lock), so the later ones wait and then find nothing to do.
Each `complaintdesk migrate` is its own process, as at a deployment's start."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import EXAMPLE_CONFIG
from storage.engine import open_database
from tests.conftest import PG_URL, _pg_dsn

STARTING_AT_ONCE = 3


async def _run(sql: str) -> None:
    connection = await asyncpg.connect(_pg_dsn())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def empty_pg_database() -> AsyncIterator[str]:
    """A PostgreSQL database of this test's own, with nothing in it; its URL."""
    name = f"cd_lock_{uuid.uuid4().hex[:10]}"
    await _run(f"CREATE DATABASE {name}")
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    await _run(f"DROP DATABASE {name} WITH (FORCE)")


async def migrate_at_once(url: str, workdir: Path) -> list[str]:
    """`complaintdesk migrate` started STARTING_AT_ONCE times together; each one's
    exit code and errors, then the revision the database is at."""
    config = workdir / "desk.toml"
    config.write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "COMPLAINTDESK_DATABASE__URL": url}
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "migrate",
            "--config",
            str(config),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(STARTING_AT_ONCE)
    ]
    outcomes = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 300)
    results = zip(processes, outcomes, strict=True)
    failures = [err.decode() for process, (_, err) in results if process.returncode != 0]
    assert failures == []
    assert all(b"Database is up to date" in out for out, _ in outcomes)
    db = open_database(url)
    try:
        async with db.engine.connect() as connection:
            revisions = await connection.scalars(text("SELECT version_num FROM alembic_version"))
            return list(revisions)
    finally:
        await db.dispose()


async def test_migrations_started_at_once_on_an_empty_postgresql_database_all_succeed(
    empty_pg_database: str, tmp_path: Path
) -> None:
    assert len(await migrate_at_once(empty_pg_database, tmp_path)) == 1


async def test_migrations_started_at_once_on_a_new_sqlite_file_all_succeed(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    assert len(await migrate_at_once(url, tmp_path)) == 1
