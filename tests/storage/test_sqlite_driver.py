"""The SQLite connection makes one trip to its thread per statement and behaves like
aiosqlite in everything SQLAlchemy relies on: rows, row counts (the optimistic version
check), generated ids, errors, many-row inserts, rollback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Integer, String, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.engine import Database, open_database
from storage.sqlite_driver import OneTripConnection


class _Base(DeclarativeBase):
    pass


class Item(_Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Database]:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    yield db
    await db.dispose()


async def test_one_trip_per_statement(lite: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    trips: list[str] = []
    original = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", "?"))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneTripConnection, "_execute", counted)
    async with lite.sessions() as session:
        await session.execute(select(func.count()).select_from(Item))  # warms the pool
        trips.clear()
        for index in range(10):
            await session.execute(insert(Item).values(name=f"n{index}"))
        names = (await session.scalars(select(Item.name).order_by(Item.id))).all()
    assert names == [f"n{index}" for index in range(10)]
    statements = [trip for trip in trips if trip == "trip"]
    assert len(statements) == 11  # ten inserts and one select; aiosqlite would make 44
    assert len(trips) <= 13  # plus at most a commit or rollback of the session


async def test_rows_counts_ids_and_empty_results(lite: Database) -> None:
    async with lite.sessions() as session, session.begin():
        session.add_all([Item(name="a"), Item(name="b"), Item(name="c")])  # many-row insert
        await session.flush()
        ids = [item.id for item in (await session.scalars(select(Item))).all()]
        assert sorted(ids) == [1, 2, 3]
        stale = await session.execute(
            update(Item).where(Item.name == "a", Item.version == 99).values(version=100)
        )
        fresh = await session.execute(update(Item).where(Item.name != "a").values(version=2))
        assert (stale.rowcount, fresh.rowcount) == (0, 2)  # type: ignore[attr-defined]
        assert (await session.scalars(select(Item).where(Item.name == "zz"))).all() == []
        result = await session.execute(text("INSERT INTO items (name, version) VALUES ('d', 1)"))
        assert result.lastrowid == 4  # type: ignore[attr-defined]
        many = await session.execute(select(Item.name).order_by(Item.name))
        assert many.fetchmany(2) == [("a",), ("b",)]
        assert many.fetchone() == ("c",)
        assert many.fetchall() == [("d",)]


async def test_errors_surface_and_the_connection_goes_on(lite: Database) -> None:
    async with lite.sessions() as session, session.begin():
        session.add(Item(name="taken"))
    with pytest.raises(IntegrityError):
        async with lite.sessions() as session, session.begin():
            session.add(Item(name="taken"))
    async with lite.sessions() as session, session.begin():
        await session.execute(delete(Item).where(Item.name == "taken"))
        session.add(Item(name="taken"))
    async with lite.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Item)) == 1


async def test_rollback_discards_the_statements(lite: Database) -> None:
    async with lite.sessions() as session:
        await session.execute(insert(Item).values(name="kept"))
        await session.commit()
        await session.execute(insert(Item).values(name="dropped"))
        await session.rollback()
        names = (await session.scalars(select(Item.name))).all()
    assert names == ["kept"]


async def test_open_database_uses_it_for_aiosqlite_urls(lite: Database) -> None:
    async with lite.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, OneTripConnection)
