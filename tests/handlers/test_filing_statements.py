"""A filing runs only its essential statements (issue 12), on SQLite and PostgreSQL.

Counted with a `before_cursor_execute` listener: every statement the driver is sent,
BEGIN and savepoints included (they are left out of the checks below, which are about
what the filing itself reads and writes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from storage.engine import Database
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World

HOUSEKEEPING = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The statements run inside the block, one line each, housekeeping left out."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        line = " ".join(statement.split())
        if not line.upper().startswith(HOUSEKEEPING):
            seen.append(line)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def touching(seen: list[str], start: str) -> list[str]:
    return [sql for sql in seen if sql.startswith(start)]


async def test_a_filing_reads_once_and_writes_each_table_once(world: World) -> None:
    """One read (customer, chat, repeat and collective checks), the counter in one
    statement, the case inserted whole, its events and deadlines one statement each."""
    buyer = await world.customer()
    await world.file(buyer, order_ref="Batch 7")  # a case on the subject already
    with statements(world.db) as seen:
        case = await world.file(buyer, order_ref="batch 7", description="热水壶漏水，我要找律师")
    assert len(touching(seen, "SELECT")) == 1, seen
    assert len([sql for sql in seen if "case_counters" in sql]) == 1, seen
    assert len(touching(seen, "INSERT INTO cases ")) == 1, seen
    assert touching(seen, "UPDATE cases") == [], seen
    assert len(touching(seen, "INSERT INTO case_events ")) == 1, seen
    assert len(touching(seen, "INSERT INTO deadlines ")) == 1, seen
    assert case.is_repeat and case.proposed_severity == "major"


async def test_a_collective_raise_still_inserts_the_new_case_whole(world: World) -> None:
    """The third customer on a subject: the earlier cases rise (one UPDATE each), the new
    case is inserted already raised, never updated."""
    buyers = [await world.customer(f"客户{i}", f"1390000000{i}") for i in range(3)]
    for buyer in buyers[:2]:
        await world.file(buyer, order_ref="Batch 7")
    with statements(world.db) as seen:
        third = await world.file(buyers[2], order_ref="batch 7")
    assert third.severity == "important"
    assert len(touching(seen, "UPDATE cases")) == 2, seen  # the two earlier cases
    assert len(touching(seen, "INSERT INTO cases ")) == 1, seen


async def test_a_confirmed_filing_is_stored_at_its_first_version(world: World) -> None:
    """Filed through a whole dialogue, the case was written once: version 1."""
    number = await file_complaint(world, Chat(world, "u1", name="王芳"))

    async def version(uow: UnitOfWork) -> int | None:
        return await uow.session.scalar(select(Case.version).where(Case.number == number))

    assert await world.read(version) == 1
