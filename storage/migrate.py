"""Schema changes go through Alembic, for the app and the tests alike (no create_all).

Every process migrates at start, so N processes may start at once: the upgrade runs in
one transaction under a lock, and the later ones wait, then find the schema up to date.
PostgreSQL: a transaction-scoped advisory lock (concurrent CREATE TABLE of one name fails
on pg_type's unique index otherwise). SQLite: the transaction begins IMMEDIATE (see
storage/engine.py), which takes the file's write lock, and this process's writer queue.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed 64-bit key shared by every process of the desk: "cdmigrat" in ASCII.
MIGRATION_LOCK_KEY = 0x63646D6967726174


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(db: Database, revision: str = "head") -> None:
    """Bring the database schema up to `revision` over the app's own engine."""
    queue = db.writer if db.writer is not None else contextlib.nullcontext()
    async with queue, db.engine.begin() as connection:
        if db.dialect == "postgresql":
            # Held until this transaction ends: the next process migrates after our commit.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        await connection.run_sync(_upgrade, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    with quiet_alembic():
        command.upgrade(config, revision)


@contextlib.contextmanager
def quiet_alembic() -> Iterator[None]:
    """Alembic's INFO lines ("Context impl", "Running upgrade") only when DEBUG is asked:
    every process migrates at start, and they buried the desk's own lines (issue 17)."""
    alembic = logging.getLogger("alembic")
    before = alembic.level
    if not alembic.isEnabledFor(logging.DEBUG):
        alembic.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic.setLevel(before)
