"""Back up the desk's database and restore it (issue 17).

SQLite: sqlite3's online backup API, which copies a consistent snapshot (the WAL's
committed pages included) while the desk keeps running. PostgreSQL: `pg_dump
--format=custom` and `pg_restore` in one transaction. The password goes to the client
tools through PGPASSWORD, never on their command line (argv is visible to every user).
A restore ends with the migrations, so an older backup comes back at today's schema.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from storage.engine import open_database
from storage.migrate import migrate


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says how to fix it."""


def back_up(url: str, out: Path) -> str:
    """Write a backup of the database at `url` to `out`; returns the backend's name."""
    address = make_url(url)
    # Written beside `out`, then moved in place: an interrupted backup never leaves a
    # half-written file under the wanted name.
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if address.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(address), partial)
        else:
            dump = ["--format=custom", f"--file={partial}"]
            _run_tool("pg_dump", dump, _PgTarget.of(address))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return address.get_backend_name()


def restore(url: str, source: Path) -> str:
    """Replace the database at `url` with the backup in `source`; the desk must be
    stopped. Migrations are not run here: see `bring_up_to_date`."""
    if not source.is_file():
        msg = f"{source}: no such backup file"
        raise BackupError(msg)
    address = make_url(url)
    if address.get_backend_name() == "sqlite":
        _sqlite_restore(source, _sqlite_path(address))
    else:
        # --clean --if-exists: drop what the backup holds first; --no-owner: the
        # configured user owns what it restores; one transaction: all or nothing.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)]
        _run_tool("pg_restore", options, _PgTarget.of(address))
    return address.get_backend_name()


async def bring_up_to_date(url: str) -> None:
    """Run the migrations over a restored database (a backup may predate the code)."""
    db = open_database(url)
    try:
        await migrate(db)
    finally:
        await db.dispose()


def _sqlite_path(address: URL) -> Path:
    if not address.database or address.database == ":memory:":
        msg = "database.url names no SQLite file; an in-memory database has nothing to back up"
        raise BackupError(msg)
    return Path(address.database)


def _sqlite_backup(path: Path, out: Path) -> None:
    """One backup step over the whole file: a consistent snapshot under a read lock,
    which in WAL mode does not stop the desk's writers."""
    if not path.is_file():
        msg = f"{path}: no such database file; check database.url"
        raise BackupError(msg)
    # mode=rw: never create a missing file; read-write so a WAL file can be read
    # whatever state its -shm is in.
    source = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=30)
    with contextlib.closing(source), contextlib.closing(sqlite3.connect(out)) as target:
        source.backup(target)
        # The copy inherits WAL mode: make it one self-contained file, so reading a
        # backup leaves no -wal/-shm beside it (the desk turns WAL on when it opens it).
        target.execute("PRAGMA journal_mode=DELETE").fetchall()


def _read_only(path: Path) -> sqlite3.Connection:
    """Opened without creating it when missing, and without writing to it."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def _sqlite_restore(source: Path, path: Path) -> None:
    """Check the backup, refuse a file still open elsewhere, then put the copy in place
    with the old file's -wal/-shm gone (a stale WAL would be replayed over the copy)."""
    _check_sqlite_backup(source)
    if path.exists():
        _refuse_if_open(path)
    partial = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(source, partial)
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(partial, path)


def _check_sqlite_backup(source: Path) -> None:
    try:
        with contextlib.closing(_read_only(source)) as db:
            found = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        msg = f"{source}: not a SQLite backup ({error})"
        raise BackupError(msg) from None
    if not found or found[0] != 1:
        msg = f"{source}: not a backup of a Complaint Desk database (no alembic_version)"
        raise BackupError(msg)


def _refuse_if_open(path: Path) -> None:
    """Leaving WAL mode needs the only connection to the file: a running desk keeps
    connections open, so this fails at once while any process still uses it."""
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=0)) as db:
            db.execute("PRAGMA journal_mode=DELETE").fetchall()
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            msg = f"{path} is in use: stop every `complaintdesk` process, then restore"
            raise BackupError(msg) from None
        raise
    except sqlite3.DatabaseError:
        pass  # a damaged file is what a restore is for; it gets replaced


@dataclass(frozen=True)
class _PgTarget:
    """Where libpq's tools connect, from the SQLAlchemy URL the desk uses."""

    host: str | None
    port: int | None
    user: str | None
    password: str | None
    dbname: str
    sslmode: str | None = None  # asyncpg's `?ssl=require` uses libpq's sslmode names

    @classmethod
    def of(cls, address: URL) -> _PgTarget:
        if not address.database:
            msg = "database.url names no PostgreSQL database"
            raise BackupError(msg)
        ssl = address.query.get("ssl")
        return cls(
            address.host,
            address.port,
            address.username,
            address.password,
            address.database,
            ssl if isinstance(ssl, str) else None,
        )

    def options(self) -> list[str]:
        given = {"--host": self.host, "--port": self.port, "--username": self.user}
        return [f"{flag}={value}" for flag, value in given.items() if value is not None] + [
            f"--dbname={self.dbname}",
            "--no-password",  # never prompt: the password comes from PGPASSWORD or not at all
        ]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        if self.sslmode is not None:
            env["PGSSLMODE"] = self.sslmode
        return env


def _run_tool(tool: str, options: list[str], target: _PgTarget) -> None:
    found = shutil.which(tool)
    if found is None:
        msg = f"{tool} not found: install the PostgreSQL client tools (Debian: postgresql-client)"
        raise BackupError(msg)
    done = subprocess.run(  # a fixed tool, options built here, no shell
        [found, *target.options(), *options],
        env=target.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        msg = f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}"
        raise BackupError(msg)
