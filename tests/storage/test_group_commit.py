"""SQLite's group commit (storage/group.py): write units of work that wait together share
one transaction and one commit, each in its own savepoint, and hear their result only
after that commit. PostgreSQL has no group: each unit of work commits alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from conversations.base.messages import Inbound
from handlers import dispatch as dispatch_module
from handlers.boundary import perform
from handlers.dispatch import Inbox, dispatch
from storage.conversations import ConversationRepository
from storage.engine import Database, open_database
from storage.migrate import migrate
from storage.models import OutboxMessage, ProcessedUpdate
from storage.uow import UnitOfWork
from tests.fakes.clock import FakeClock
from tests.fakes.world import World

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[Database]:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'group.db'}")
    await migrate(db)
    yield db
    await db.dispose()


def commits(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "commit", lambda _conn: seen.append("commit"))
    return seen


def claim(update_id: str, log: list[str] | None = None) -> Any:
    async def work(uow: UnitOfWork) -> str:
        await ConversationRepository(uow.session).claim_update("console", update_id, NOW)
        if update_id.startswith("bad"):
            raise RuntimeError(f"bug in {update_id}")
        return update_id

    return work


async def claimed(db: Database) -> list[str]:
    async with db.sessions() as session:
        return list(await session.scalars(select(ProcessedUpdate.update_id).order_by("update_id")))


async def test_units_of_work_waiting_together_share_one_commit(lite: Database) -> None:
    seen = commits(lite)
    returned: list[str] = []

    async def one(update_id: str) -> None:
        returned.append(await perform(lite, claim(update_id), join=True))
        seen.append(f"returned {update_id}")

    await asyncio.gather(*(one(f"u{n}") for n in range(10)))
    assert sorted(returned) == [f"u{n}" for n in range(10)]
    assert seen[0] == "commit" and seen.count("commit") == 1  # every result after it
    assert await claimed(lite) == sorted(f"u{n}" for n in range(10))


async def test_a_member_that_raises_rolls_back_alone_and_the_others_commit(
    lite: Database,
) -> None:
    seen = commits(lite)
    results = await asyncio.gather(
        *(perform(lite, claim(name), join=True) for name in ("u1", "bad2", "u3")),
        return_exceptions=True,
    )
    assert results[0] == "u1" and results[2] == "u3"
    assert isinstance(results[1], RuntimeError)
    assert seen == ["commit"]
    assert await claimed(lite) == ["u1", "u3"]  # bad2's claim undone with its savepoint


async def test_a_failed_commit_fails_every_member(lite: Database) -> None:
    def refuse(_conn: Any) -> None:
        raise RuntimeError("disk full")

    event.listen(lite.engine.sync_engine, "commit", refuse)
    results = await asyncio.gather(
        *(perform(lite, claim(f"u{n}"), join=True) for n in range(3)), return_exceptions=True
    )
    event.remove(lite.engine.sync_engine, "commit", refuse)
    assert all(isinstance(result, Exception) for result in results), results
    assert await claimed(lite) == []


async def test_a_batch_of_updates_one_failing_is_apologised_for_and_the_rest_commit(
    lite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each update stays atomic inside the shared transaction: the failing one rolls back
    to its savepoint, is marked processed and answered with an apology; one commit."""
    world = World.make(lite, FakeClock(NOW))
    step = dispatch_module.customer.step

    def flaky(state: Any, inbound: Inbound, context: Any) -> Any:
        if inbound.text == "boom":
            raise RuntimeError("bug")
        return step(state, inbound, context)

    monkeypatch.setattr(dispatch_module.customer, "step", flaky)
    seen = commits(lite)
    inbox = Inbox(lite, world.desk)
    texts = {"u1": "你好", "u2": "boom", "u3": "你好"}
    answers = await asyncio.gather(
        *(
            dispatch(inbox, Inbound("console", f"upd-{chat}", chat, chat, NOW, text=text))
            for chat, text in texts.items()
        )
    )
    assert all(answers)
    assert seen.count("commit") == 2  # the batch, then the apology
    assert await claimed(lite) == ["upd-u1", "upd-u2", "upd-u3"]
    async with lite.sessions() as session:
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued == len([reply for replies in answers for reply in replies])
    sorry = answers[1][0].text
    assert all(sorry != reply.text for reply in answers[0] + answers[2])


async def test_postgresql_has_no_group(db: Database) -> None:
    assert (db.group is None) == (db.dialect == "postgresql")
