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
        loaded = await conversations.turn("console", "u1", "u1")
        assert loaded is not None
        row = loaded.conversation
        seen = int(row.data.get("steps", 0))
        await asyncio.sleep(pause)  # the other update arrives meanwhile
        await conversations.save(row.id, ("file", "category", {"steps": seen + 1}), NOW, None)


async def test_concurrent_updates_of_one_chat_take_turns(db: Database, reopen: object) -> None:
    async with unit_of_work(db) as uow:
        await ConversationRepository(uow.session).start("console", "u1", NOW)
    other = reopen()  # type: ignore[operator]
    await asyncio.gather(step(db, 0.2), step(other, 0.0), step(db, 0.1), step(other, 0.0))
    async with unit_of_work(db, readonly=True) as uow:
        row = await ConversationRepository(uow.session).load("console", "u1")
        assert row is not None and row.data == {"steps": 4}
    await other.dispose()


async def first_step(db: Database, pause: float) -> None:
    async with unit_of_work(db) as uow:
        conversations = ConversationRepository(uow.session)
        if await conversations.turn("console", "new", "new") is None:
            await conversations.start("console", "new", NOW)
        loaded = await conversations.turn("console", "new", "new")
        assert loaded is not None
        seen = int(loaded.conversation.data.get("steps", 0))
        await asyncio.sleep(pause)
        await conversations.save(
            loaded.conversation.id, ("file", "story", {"steps": seen + 1}), NOW, None
        )


async def test_the_first_updates_of_a_new_chat_take_turns_too(db: Database, reopen: object) -> None:
    """No row to lock yet: both would insert one; the second waits and then steps the first's."""
    other = reopen()  # type: ignore[operator]
    await asyncio.gather(first_step(db, 0.2), first_step(other, 0.0))
    async with unit_of_work(db, readonly=True) as uow:
        rows = list(await uow.session.scalars(select(Conversation)))
    assert [(row.chat_id, row.data) for row in rows] == [("new", {"steps": 2})]
    await other.dispose()


async def test_the_turn_reads_chat_and_sender_in_one_locked_statement(db: Database) -> None:
    async with unit_of_work(db) as uow:
        await ConversationRepository(uow.session).start("console", "u1", NOW)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with unit_of_work(db) as uow:
            loaded = await ConversationRepository(uow.session).turn("console", "u1", "u1")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert loaded is not None and loaded.conversation.flow == "idle"
    assert loaded.sender.identity_id is None  # nobody known by that id yet
    reads = [sql for sql in statements if sql.lstrip().startswith("SELECT")]
    assert len(reads) == 1
    assert "identities" in reads[0] and "staff" in reads[0] and "customers" in reads[0]
    if db.dialect == "postgresql":
        assert "FOR UPDATE OF conversations" in reads[0]
