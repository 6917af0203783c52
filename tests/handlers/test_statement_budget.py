"""What one inbound update costs in statements, per kind of update, on both backends.

Counted: every statement sent through a cursor (SQLite's BEGIN IMMEDIATE included, and
SAVEPOINT/RELEASE/ROLLBACK TO), plus one per COMMIT, plus on PostgreSQL one per BEGIN
(asyncpg starts the transaction outside the cursor). So a turn that claims the update,
reads its chat, saves the state and queues an answer costs 6: BEGIN, four statements,
COMMIT. Only dispatch is counted, never the outbox's delivery.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from conversations.base.messages import Inbound
from handlers.dispatch import Inbox, dispatch
from storage.engine import Database
from tests.fakes.world import World

DIALOGUE_STEP = 6
FILING = 12
_ids = itertools.count(1)


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db.engine.sync_engine

    def statement(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        statements.append(sql.split()[0].upper())

    def commit(_conn: Any) -> None:
        statements.append("COMMIT")

    def begin(_conn: Any) -> None:
        if db.dialect == "postgresql":
            statements.append("BEGIN")

    hooks = (("before_cursor_execute", statement), ("commit", commit), ("begin", begin))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield statements
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


async def turn(world: World, text: str = "", button: str | None = None) -> list[str]:
    """One update from a known customer in their private chat; the statements it cost."""
    inbound = Inbound(
        channel="console",
        update_id=f"budget-{next(_ids)}",
        chat_id="u1",
        sender_id="u1",
        received_at=world.clock.now(),
        text=text,
        button=button,
        sender_name="王芳",
    )
    with counted(world.db) as statements:
        await dispatch(Inbox(world.db, world.desk), inbound)
    return statements


async def filing_until_confirmation(world: World) -> None:
    await turn(world, "/start")  # first contact: the customer and the chat are new
    await turn(world, "电水壶底部漏水，想换新")
    await turn(world, button="category:product_quality")
    await turn(world, button="skip:details")


async def test_a_dialogue_step_stays_within_budget(world: World) -> None:
    await filing_until_confirmation(world)
    statements = await turn(world, button="wanted:replacement")
    assert len(statements) <= DIALOGUE_STEP, statements


async def test_a_duplicate_costs_its_claim_only(world: World) -> None:
    await turn(world, "/start")
    inbound = Inbound("console", "budget-dup", "u1", "u1", world.clock.now(), text="你好")
    await dispatch(Inbox(world.db, world.desk), inbound)
    with counted(world.db) as statements:
        await dispatch(Inbox(world.db, world.desk), inbound)
    assert [s for s in statements if s not in ("BEGIN", "COMMIT")] == ["INSERT"], statements


async def test_a_filing_confirmation_stays_within_budget(world: World) -> None:
    await filing_until_confirmation(world)
    await turn(world, button="wanted:replacement")
    statements = await turn(world, button="confirm:submit")
    assert len(statements) <= FILING, statements
