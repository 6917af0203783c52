"""The database a benchmark runs on: a fresh SQLite file, or a fresh PostgreSQL schema
(dropped afterwards). Migrated through Alembic, like the app."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import text

from storage.engine import Database, open_database
from storage.migrate import migrate

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@asynccontextmanager
async def fresh_database(backend: str, **options: Any) -> AsyncIterator[Database]:
    if backend == "sqlite":
        with TemporaryDirectory() as folder:
            db = open_database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", **options)
            await migrate(db)
            try:
                yield db
            finally:
                await db.dispose()
        return
    schema = f"bench_{int(time.time() * 1000)}"
    db = open_database(PG_URL, connect_args={"server_settings": {"search_path": schema}}, **options)
    async with db.engine.begin() as connection:
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        await migrate(db)
        yield db
    finally:
        async with db.engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await db.dispose()
