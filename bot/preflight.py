"""Checks that need the outside world, made by `check-config` and by `run` before serving.

A missing SQLite directory or an unreachable PostgreSQL server used to end `run` with a
raw traceback (issue 11); here each becomes one line that names `database.url`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from bot.config import Config
from bot.config_checks import Problem
from storage.engine import open_database

CONNECT_SECONDS = 5.0
KEY = "database.url"


async def outside_problems(config: Config, within: float = CONNECT_SECONDS) -> list[Problem]:
    address = make_url(config.database.url)
    if address.get_backend_name() == "sqlite":
        problem = sqlite_directory(address)
    else:
        problem = await unreachable(address, within)
    return [problem] if problem else []


def sqlite_directory(address: URL) -> Problem | None:
    """SQLite creates the file, not its directory; both must take writes (WAL files too)."""
    if address.database in (None, "", ":memory:"):
        return None
    path = Path(address.database)
    directory = path.parent.resolve()
    if not directory.is_dir():
        return Problem(
            KEY,
            f"the directory {directory} of the SQLite file does not exist: create it "
            f"(mkdir -p {directory}) or point database.url elsewhere",
        )
    for place in (directory, path):
        if place.exists() and not os.access(place, os.W_OK):
            return Problem(
                KEY,
                f"{place} is not writable by this user: SQLite needs to write the file and "
                "its -wal and -shm files beside it; fix the permissions",
            )
    return None


async def unreachable(address: URL, within: float) -> Problem | None:
    """Connect once and `SELECT 1`, in at most `within` seconds."""
    db = open_database(
        address.render_as_string(hide_password=False),
        poolclass=NullPool,
        connect_args={"timeout": within},
    )
    try:
        async with asyncio.timeout(within), db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect is the operator's to fix
        return Problem(
            KEY,
            f"cannot reach {address.render_as_string(hide_password=True)}: {_why(error)}; "
            "check the host, port, user, password and database name, and that the server runs",
        )
    finally:
        await db.dispose()
    return None


def _why(error: BaseException) -> str:
    """The driver's own words (SQLAlchemy wraps them), on one line."""
    cause = getattr(error, "orig", None) or error
    words = " ".join(str(cause).split()) or type(cause).__name__
    if isinstance(cause, TimeoutError):
        words = "no answer within the timeout"
    return words[:300]
