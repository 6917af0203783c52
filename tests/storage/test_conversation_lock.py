"""Two updates of one chat at once take turns on the conversation row: neither step is
lost (both backends; on PostgreSQL through the row lock, on SQLite the single writer)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import event, select

from storage.conversations import ConversationRepository
from storage.engine import Database
from storage.models import Conversation
from storage.uow import unit_of_work

NOW = datetime(2026, 11, 24, tzinfo=UTC)


async def step(db: Database, pause: float) -> None:
    async with unit_of_work(db) as uow:
        conversations = ConversationRepository(uow.session)
        row = await conversations.load("console", "u1", lock=True)
        assert row is not None
        seen = int(row.data.get("steps", 0))
        await asyncio.sleep(pause)  # the other update arrives meanwhile
        await conversations.save(
            "console", "u1", ("file", "category", {"steps": seen + 1}), NOW, None
        )


async def test_concurrent_updates_of_one_chat_take_turns(db: Database, reopen: object) -> None:
    async with unit_of_work(db) as uow:
        await ConversationRepository(uow.session).save(
            "console", "u1", ("file", "x", {}), NOW, None
        )
    other = reopen()  # type: ignore[operator]
    await asyncio.gather(step(db, 0.2), step(other, 0.0), step(db, 0.1), step(other, 0.0))
    async with unit_of_work(db, readonly=True) as uow:
        row = await ConversationRepository(uow.session).load("console", "u1")
        assert row is not None and row.data == {"steps": 4}
    await other.dispose()


async def first_step(db: Database, pause: float) -> None:
    async with unit_of_work(db) as uow:
        conversations = ConversationRepository(uow.session)
        row = await conversations.claim("console", "new", NOW)
        seen = int(row.data.get("steps", 0))
        await asyncio.sleep(pause)
        await conversations.save(
            "console", "new", ("file", "story", {"steps": seen + 1}), NOW, None
        )


async def test_the_first_updates_of_a_new_chat_take_turns_too(db: Database, reopen: object) -> None:
    """No row to lock yet: both would insert one; the second waits and then steps the first's."""
    other = reopen()  # type: ignore[operator]
    await asyncio.gather(first_step(db, 0.2), first_step(other, 0.0))
    async with unit_of_work(db, readonly=True) as uow:
        rows = list(await uow.session.scalars(select(Conversation)))
    assert [(row.chat_id, row.data) for row in rows] == [("new", {"steps": 2})]
    await other.dispose()


async def test_a_row_read_unlocked_is_read_again_when_a_lock_is_asked_for(db: Database) -> None:
    async with unit_of_work(db) as uow:
        await ConversationRepository(uow.session).save(
            "console", "u1", ("file", "x", {}), NOW, None
        )
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with unit_of_work(db) as uow:
            conversations = ConversationRepository(uow.session)
            await conversations.load("console", "u1")
            await conversations.load("console", "u1")  # cached
            await conversations.load("console", "u1", lock=True)  # not locked yet: read again
            await conversations.load("console", "u1", lock=True)  # locked: cached
            await conversations.load("console", "u1")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    reads = [sql for sql in statements if sql.lstrip().startswith("SELECT conversations")]
    assert len(reads) == 2
    if db.dialect == "postgresql":
        assert "FOR UPDATE" in reads[1] and "FOR UPDATE" not in reads[0]
