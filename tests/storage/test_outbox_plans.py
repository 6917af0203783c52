"""The dispatcher's claim query reads the pending rows from ix_outbox_claim and groups them
as read: it neither sorts every pending row nor reads the rows already sent (issue 18).
A change that puts a window or a sort back over all pending rows fails here, not in
production with a backlog."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, text

from storage.engine import Database
from storage.outbox import OutboxRepository, candidates_query
from storage.uow import unit_of_work
from tests.storage.test_report_plans import Explain

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)


async def load(db: Database, pending: int, sent: int) -> None:
    """Sent rows first (older ids), then pending ones over 300 chats, a few cases each."""
    rng = random.Random(7)
    rows = [
        {
            "channel": "telegram",
            "chat_id": f"-100{rng.randrange(300):03d}",
            "case_id": None,
            "payload": {"text": str(index)},
            "status": "sent" if index < sent else "pending",
            "not_before": NOW,
            "created_at": NOW,
        }
        for index in range(sent + pending)
    ]
    async with unit_of_work(db) as uow:
        await OutboxRepository(uow.session).enqueue_rows(rows)
    if db.dialect == "postgresql":
        async with db.engine.begin() as connection:
            await connection.execute(text("ANALYZE outbox"))


async def plan(db: Database, query: Select[Any] | str, without_index: bool = False) -> str:
    """The query's plan, sequential scans priced out; `without_index`: as it was before
    migration 0012 (the index dropped in a transaction rolled back)."""
    prefix = "EXPLAIN QUERY PLAN" if db.dialect == "sqlite" else "EXPLAIN"
    explained = Explain(query) if isinstance(query, Select) else text(f"{prefix} {query}")
    async with db.engine.connect() as connection:
        transaction = await connection.begin()
        if db.dialect == "postgresql":
            await connection.execute(text("SET LOCAL enable_seqscan = off"))
        if without_index:
            await connection.execute(text("DROP INDEX ix_outbox_claim"))
        rows = (await connection.execute(explained)).all()
        await transaction.rollback()
    return "\n".join(str(row[-1]) for row in rows)


def pending_rows_read(found: str, dialect: str) -> tuple[str, str]:
    """How the plan reads the outbox's pending rows, and what takes them next."""
    lines = found.splitlines()
    if dialect == "sqlite":  # EXPLAIN QUERY PLAN: the read, then a temp B-tree if sorted
        at = next(i for i, line in enumerate(lines) if re.match(r"(SEARCH|SCAN) outbox\b", line))
        following = lines[at + 1] if at + 1 < len(lines) else ""
        return lines[at], following if "TEMP B-TREE" in following else ""
    # PostgreSQL: the node reading `outbox`, and the node above it.
    at = next(i for i, line in enumerate(lines) if re.search(r" on outbox\b", line))
    nodes = [line for line in lines[:at] if "->" in line or line[:1] != " "]
    parent = next(node for node in reversed(nodes) if _indent(node) < _indent(lines[at]))
    return lines[at].strip(), parent.strip()


def _indent(node: str) -> int:
    """Where a PostgreSQL plan node's name begins (past its "->")."""
    return len(node) - len(node.lstrip(" ->"))


def not_grouped_from_index(found: str, dialect: str) -> list[str]:
    """What in the plan reads or sorts every pending row: on SQLite a read not through
    ix_outbox_claim or a temp B-tree after it; on PostgreSQL a sequential scan, or
    anything but an aggregate taking the rows (a sort, a window)."""
    read, then = pending_rows_read(found, dialect)
    if dialect == "sqlite":
        wrong = [] if re.search(r"USING (COVERING )?INDEX ix_outbox_claim ", read) else [read]
        return wrong + ([then] if then else [])
    wrong = [read] if "Seq Scan" in read else []
    return wrong + ([] if "Aggregate" in then else [then])


def outbox_reads(found: str) -> list[str]:
    """Every read of the outbox table in a plan, under any alias."""
    return re.findall(r"^.*(?:(?:SEARCH|SCAN) outbox\b| on outbox\b).*$", found, re.M)


async def test_the_claim_query_groups_pending_rows_read_in_index_order(db: Database) -> None:
    await load(db, pending=2_000, sent=6_000)
    found = await plan(db, candidates_query(NOW, 500, ["telegram"]))
    assert not_grouped_from_index(found, db.dialect) == [], found
    # Read once: joined back to outbox, the grouping was rescanned for every pending row
    # by a PostgreSQL planner without statistics (10,000 rows: 8 s a claim).
    assert len(outbox_reads(found)) == 1, found


async def test_the_check_sees_the_claim_query_as_it_was(db: Database) -> None:
    """The same check on the claim query's shape before issue 18's fix, a window over
    every pending row, on the schema before migration 0012."""
    await load(db, pending=200, sent=0)
    window = """SELECT id, not_before, min(id) OVER (PARTITION BY channel, chat_id) AS head
        FROM outbox WHERE status = 'pending' AND channel IN ('telegram')"""
    assert not_grouped_from_index(await plan(db, window, without_index=True), db.dialect)
