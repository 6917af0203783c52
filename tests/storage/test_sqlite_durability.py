"""SQLite commits are durable by default (synchronous=FULL: an acknowledged update
survives power loss), NORMAL when configured; stock aiosqlite underneath."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text

from bot.config import DatabaseSettings
from storage.engine import open_database


async def synchronous(tmp_path: Path, **options: str) -> tuple[int, object]:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", **options)  # type: ignore[arg-type]
    try:
        async with db.engine.connect() as connection:
            level = (await connection.execute(text("PRAGMA synchronous"))).scalar_one()
            raw = await connection.get_raw_connection()
            return int(level), raw.driver_connection
    finally:
        await db.dispose()


async def test_full_by_default_normal_when_asked(tmp_path: Path) -> None:
    level, driver = await synchronous(tmp_path)
    assert level == 2  # FULL
    assert type(driver) is aiosqlite.Connection  # the library's own connection, unchanged
    assert (await synchronous(tmp_path, sqlite_synchronous="normal"))[0] == 1


def test_the_config_key_defaults_to_full_and_refuses_other_words() -> None:
    assert DatabaseSettings().sqlite_synchronous == "full"
    assert DatabaseSettings(sqlite_synchronous="normal").sqlite_synchronous == "normal"
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        DatabaseSettings(sqlite_synchronous="off")  # type: ignore[arg-type]
