"""Back up, wipe, restore: the desk resumes with nothing lost, on SQLite and PostgreSQL.

The CLI commands are run as an operator would (CliRunner); each PostgreSQL test uses a
database of its own, created and dropped here, since a restore replaces a whole database."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from click.testing import CliRunner
from sqlalchemy import Column, Table, inspect, select, text
from sqlalchemy.engine import make_url

from bot.backup import BackupError, _PgTarget, back_up, bring_up_to_date, restore
from bot.cli import main
from bot.config import EXAMPLE_CONFIG
from storage.base import Base
from storage.engine import Database, open_database
from storage.migrate import migrate
from storage.models import OutboxMessage, ProcessedUpdate
from storage.uow import unit_of_work
from tests.conftest import PG_URL, _pg_dsn
from tests.fakes.clock import FakeClock
from tests.fakes.world import World

Snapshot = dict[str, list[tuple[object, ...]]]


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_pg_dsn())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own (a restore replaces all of it)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        return
    name = f"cd_backup_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f"CREATE DATABASE {name}"))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(f"DROP DATABASE {name} WITH (FORCE)"))


async def _migrated(url: str, revision: str = "head") -> Database:
    db = open_database(url)
    await migrate(db, revision)
    return db


async def _file_and_queue(db: Database) -> str:
    """A filed case (its events, deadlines and queued alerts) and a handled update."""
    clock = FakeClock()
    world = World.make(db, clock)
    case = await world.file(await world.customer())
    async with unit_of_work(db) as uow:
        uow.session.add(
            ProcessedUpdate(channel="telegram", update_id="7001", processed_at=clock.now())
        )
    assert await world.all(OutboxMessage), "filing queues alerts to the department"
    return case.number


async def _snapshot(db: Database) -> Snapshot:
    """Every row of every table, in primary-key order."""
    rows: Snapshot = {}
    async with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            found = await connection.execute(select(table).order_by(*_key(table)))
            rows[table.name] = [tuple(row) for row in found]
        version = await connection.execute(text("SELECT version_num FROM alembic_version"))
        rows["alembic_version"] = [tuple(row) for row in version]
    return rows


def _key(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


async def _wipe(url: str) -> None:
    """What a lost disk or a bad upgrade leaves: no file, or no tables at all."""
    address = make_url(url)
    if address.get_backend_name() == "sqlite":
        _delete_sqlite(Path(str(address.database)))
        return
    db = open_database(url)
    async with db.engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await db.dispose()


def _delete_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _beside(backup: Path) -> list[str]:
    return sorted(p.name for p in backup.parent.iterdir() if p.name.startswith(backup.name))


async def _tables(url: str) -> list[str]:
    db = open_database(url)
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await db.dispose()
    return names


def _next_number(number: str) -> str:
    prefix, serial = number.rsplit("-", 1)
    return f"{prefix}-{int(serial) + 1:0{len(serial)}d}"


async def _resumes(url: str, before: Snapshot, number: str) -> None:
    """Every row is back, and the next filing continues the numbering."""
    db = open_database(url)
    try:
        assert await _snapshot(db) == before
        world = World.make(db, FakeClock())
        again = await world.file(await world.customer(name="李娜", phone="13900001111"))
        assert again.number == _next_number(number)
    finally:
        await db.dispose()


def _cli(config: Path, url: str, *args: str) -> str:
    result = CliRunner().invoke(
        main,
        [*args, "--config", str(config)],
        env={"COMPLAINTDESK_DATABASE__URL": url},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_wipe_restore_through_the_commands_loses_nothing(url: str, tmp_path: Path) -> None:
    async def seed() -> tuple[str, Snapshot]:
        db = await _migrated(url)
        try:
            number = await _file_and_queue(db)
            return number, await _snapshot(db)
        finally:
            await db.dispose()

    number, before = asyncio.run(seed())
    assert before["case_events"] and before["deadlines"] and before["processed_updates"]
    config = tmp_path / "desk.toml"
    config.write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    backup = tmp_path / "saved" / "desk.backup"
    backup.parent.mkdir()
    assert "Backed up" in _cli(config, url, "backup", "--out", str(backup))
    asyncio.run(_wipe(url))
    assert "cases" not in asyncio.run(_tables(url))

    assert "Restored" in _cli(config, url, "restore", str(backup), "--yes")
    asyncio.run(_resumes(url, before, number))


async def test_a_backup_taken_while_the_desk_runs_holds_every_committed_row(
    url: str, tmp_path: Path
) -> None:
    db = await _migrated(url)
    number = await _file_and_queue(db)
    before = await _snapshot(db)
    backup = tmp_path / "running.backup"
    # The desk's connections stay open: on SQLite its rows may sit in the WAL only.
    await asyncio.to_thread(back_up, url, backup)
    await db.dispose()
    await _wipe(url)
    await asyncio.to_thread(restore, url, backup)
    assert await asyncio.to_thread(_beside, backup) == [backup.name]  # one file, no -wal
    await bring_up_to_date(url)
    await _resumes(url, before, number)


async def test_an_older_backup_is_migrated_to_the_current_schema_on_restore(
    url: str, tmp_path: Path
) -> None:
    db = await _migrated(url, "0007")
    await db.dispose()
    backup = tmp_path / "old.backup"
    await asyncio.to_thread(back_up, url, backup)
    await _wipe(url)
    await asyncio.to_thread(restore, url, backup)
    assert "chat_moves" not in await _tables(url)  # migration 0008 adds it
    await bring_up_to_date(url)
    assert "chat_moves" in await _tables(url)


def test_restoring_a_sqlite_file_still_open_is_refused_and_leaves_it_alone(tmp_path: Path) -> None:
    live, backup = tmp_path / "desk.db", tmp_path / "desk.backup"
    asyncio.run(_migrated_and_closed(f"sqlite+aiosqlite:///{live}"))
    back_up(f"sqlite+aiosqlite:///{live}", backup)
    desk = sqlite3.connect(live)  # a running desk keeps its connections open
    desk.execute("PRAGMA journal_mode=WAL")
    desk.execute("CREATE TABLE written_after_the_backup (x INTEGER)")
    desk.commit()
    with pytest.raises(BackupError, match="is in use: stop every `complaintdesk` process"):
        restore(f"sqlite+aiosqlite:///{live}", backup)
    assert desk.execute("SELECT count(*) FROM written_after_the_backup").fetchone() == (0,)
    desk.close()


async def _migrated_and_closed(url: str) -> None:
    await (await _migrated(url)).dispose()


def test_a_file_that_is_not_a_desk_backup_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "notes.db"
    sqlite3.connect(stray).close()
    with pytest.raises(BackupError, match="not a backup of a Complaint Desk database"):
        restore(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}", stray)
    assert not (tmp_path / "desk.db").exists()


def test_the_postgresql_password_goes_in_the_environment_never_on_the_command_line() -> None:
    url = "postgresql+asyncpg://desk:s3cret@db.example:6543/complaints?ssl=verify-full"
    target = _PgTarget.of(make_url(url))
    assert target.options() == [
        "--host=db.example",
        "--port=6543",
        "--username=desk",
        "--dbname=complaints",
        "--no-password",
    ]
    assert target.env()["PGPASSWORD"] == "s3cret"
    assert target.env()["PGSSLMODE"] == "verify-full"


def test_a_leftover_wal_is_not_replayed_over_the_restored_file(tmp_path: Path) -> None:
    live, backup = tmp_path / "desk.db", tmp_path / "desk.backup"
    url = f"sqlite+aiosqlite:///{live}"
    asyncio.run(_migrated_and_closed(url))
    back_up(url, backup)
    crashed = sqlite3.connect(live)  # writes that a killed desk left in its WAL only
    crashed.execute("PRAGMA journal_mode=WAL")
    crashed.execute("CREATE TABLE from_the_crashed_desk (x INTEGER)")
    crashed.commit()
    leftover = Path(f"{live}-wal").read_bytes()
    crashed.close()
    live.unlink()  # the operator removed the damaged file, not its -wal
    Path(f"{live}-wal").write_bytes(leftover)

    restore(url, backup)
    assert not Path(f"{live}-wal").exists()
    assert "from_the_crashed_desk" not in asyncio.run(_tables(url))
    assert "cases" in asyncio.run(_tables(url))


async def test_restoring_over_a_database_that_moved_on_brings_back_the_backup(
    url: str, tmp_path: Path
) -> None:
    db = await _migrated(url)
    number = await _file_and_queue(db)
    before = await _snapshot(db)
    backup = tmp_path / "yesterday.backup"
    await asyncio.to_thread(back_up, url, backup)
    world = World.make(db, FakeClock())
    await world.file(await world.customer(name="赵六", phone="13700002222"))
    await db.dispose()  # the desk is stopped for the restore

    await asyncio.to_thread(restore, url, backup)
    await bring_up_to_date(url)
    await _resumes(url, before, number)
