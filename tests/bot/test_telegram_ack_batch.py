"""A getUpdates page shares its commits on SQLite (group commit): its lanes' updates join
one transaction, each in a savepoint, one commit serves them, and the offset is asked for
only after it. On PostgreSQL each update commits alone (no group)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from tests.bot.telegram_harness import running
from tests.bot.test_telegram_ack import processed, push
from tests.fakes.telegram_api import message_update, user
from tests.fakes.world import World

PEOPLE = [user(4001 + n, f"客户{n}") for n in range(6)]


async def test_a_page_of_different_chats_is_committed_together_before_its_offset(
    world: World,
) -> None:
    updates = [message_update(person, "/start") for person in PEOPLE]
    commits: list[int] = []  # inbound commits only: the updates committed at each
    acknowledged: list[tuple[int, int]] = []  # offset, commits by then

    async with running(world, "polling") as tg:

        def committed(_conn: Any) -> None:
            commits.append(1)

        async def check(offset: int) -> None:
            acknowledged.append((offset, len(commits)))
            assert {u for u in ids if u < offset} <= await processed(world)

        ids = push(tg.api, *updates)
        event.listen(world.db.engine.sync_engine, "commit", committed)
        try:
            tg.api.on_acknowledge = check
            await tg.api.wait_consumed(ids[-1])
        finally:
            event.remove(world.db.engine.sync_engine, "commit", committed)

    assert set(ids) <= await processed(world)
    assert acknowledged and acknowledged[0][0] > ids[-1]  # the whole page at once
    if world.db.dialect == "sqlite":
        # Six updates, fewer commits (the outbox dispatcher may commit meanwhile too).
        assert acknowledged[0][1] < len(ids), acknowledged
