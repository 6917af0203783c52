"""Long polling acknowledges an update (asks for an offset above it) only after its commit;
what was not committed is fetched again and handled exactly once (both backends)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.telegram.polling import LONG_POLL_SECONDS
from storage.models import ProcessedUpdate
from storage.uow import UnitOfWork
from tests.bot.telegram_faults import Pauses, gate_dispatch, outage
from tests.bot.telegram_harness import running
from tests.fakes.telegram_api import (
    FakeBotAPI,
    button_update,
    fake_bot_api,
    message_update,
    user,
)
from tests.fakes.world import World

ANNA, BO, CHEN = user(3001, "安娜"), user(3002, "波"), user(3003, "陈")


async def processed(world: World) -> set[int]:
    async def query(uow: UnitOfWork) -> set[int]:
        rows = await uow.session.scalars(select(ProcessedUpdate.update_id))
        return {int(row) for row in rows}

    return await world.read(query)


def push(api: FakeBotAPI, *updates: dict[str, Any]) -> list[int]:
    """Queue updates in one go, so one getUpdates serves them as one batch."""
    for update in updates:
        api.push(update)
    return [update["update_id"] for update in updates]


async def test_each_acknowledging_offset_comes_after_the_updates_below_it_committed(
    world: World,
) -> None:
    updates = [message_update(p, text) for text in ("/start", "/help") for p in (ANNA, BO, CHEN)]
    seen: list[tuple[int, set[int], int]] = []  # offset, committed then, replies queued then

    async with running(world, "polling") as tg:

        async def check(offset: int) -> None:
            replies = [len(await world.queued_texts(str(p["id"]))) for p in (ANNA, BO, CHEN)]
            seen.append((offset, await processed(world), sum(replies)))

        tg.api.on_acknowledge = check
        ids = push(tg.api, *updates)
        await tg.api.wait_consumed(ids[-1])

    assert seen, "no offset acknowledged the batch"
    for offset, committed, replies in seen:
        below = {u for u in ids if u < offset}
        assert below <= committed, f"offset {offset} acknowledged uncommitted updates"
        assert replies >= len(below)  # their answers were in the outbox too
    assert set(ids) <= await processed(world)


async def test_a_held_update_holds_the_offset_while_other_chats_go_on(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = message_update(ANNA, "/start")
    gate = gate_dispatch(monkeypatch, held["update_id"])
    async with running(world, "polling") as tg:
        ids = push(tg.api, held, message_update(BO, "/start"), message_update(BO, "/help"))
        await gate.until(("began", ids[0]), ("committed", ids[1]), ("committed", ids[2]))
        assert await processed(world) == {ids[1], ids[2]}
        assert not tg.api.acknowledged(ids[0])
        assert all(offset is None or offset <= ids[0] for offset in tg.api.offsets)

        gate.opened.set()
        await tg.api.wait_consumed(ids[-1])
        assert await processed(world) == set(ids)


async def test_a_chat_s_updates_run_in_order_and_other_chats_do_not_wait(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, third = (message_update(ANNA, t) for t in ("/start", "/help", "/cases"))
    gate = gate_dispatch(monkeypatch, first["update_id"])
    async with running(world, "polling") as tg:
        a1, a2, a3, b1 = push(tg.api, first, second, third, message_update(BO, "/start"))
        await gate.until(("began", a1), ("committed", b1))
        assert ("began", a2) not in gate.events  # Anna's next update waits for her first

        gate.opened.set()
        await tg.api.wait_consumed(a3)
    assert gate.at("committed", b1) < gate.at("committed", a1)  # Bo went first
    assert gate.at("committed", a1) < gate.at("began", a2)
    assert gate.at("committed", a2) < gate.at("began", a3)


async def test_a_stopped_poller_leaves_unfinished_updates_to_the_next_process(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    held, done = message_update(ANNA, "/start"), message_update(BO, "/start")
    async with fake_bot_api() as api:
        gate = gate_dispatch(monkeypatch, held["update_id"])
        async with running(world, "polling", api) as first:
            a1, b1 = push(api, held, done)
            await gate.until(("began", a1), ("committed", b1))
            assert first.polling is not None
            first.polling.cancel()  # a clean stop in the middle of the batch
            await asyncio.gather(first.polling, return_exceptions=True)
        assert not api.acknowledged(a1) and not api.acknowledged(b1)
        assert await processed(world) == {b1}

        monkeypatch.undo()
        async with running(world, "polling", api) as second:
            await api.wait_consumed(b1)
            await second.drain()
        assert api.served(a1) == api.served(b1) == 2  # both fetched again
        assert len(api.texts_to(3001)) == len(api.texts_to(3002)) == 1  # each answered once
        assert await processed(world) == {a1, b1}


async def test_a_database_outage_holds_the_offset_until_the_batch_commits(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    pauses = Pauses()
    async with running(world, "polling", sleep=pauses.sleep) as tg:
        with outage(world.db) as database:
            a1, b1 = push(tg.api, message_update(ANNA, "/start"), message_update(BO, "/start"))
            await pauses.wait(1)  # the batch failed; the poller backs off
            database.down = False
        assert not tg.api.acknowledged(a1) and not tg.api.acknowledged(b1)
        assert await processed(world) == set()
        assert f"telegram_batch_unfinished first={a1}" in caplog.text

        pauses.resumed.set()
        await tg.api.wait_consumed(b1)
        await tg.drain()
        assert tg.api.served(a1) == 2
        assert len(tg.api.texts_to(3001)) == len(tg.api.texts_to(3002)) == 1
        assert await processed(world) == {a1, b1}


async def test_getupdates_failing_transiently_backs_off_and_polling_goes_on(
    world: World,
) -> None:
    pauses = Pauses()
    pauses.resumed.set()
    async with fake_bot_api() as api:
        api.refuse_polling += [(502, "Bad Gateway"), (500, "Internal Server Error")]
        async with running(world, "polling", api, sleep=pauses.sleep) as tg:
            await tg.send(message_update(ANNA, "/start"))
            assert len(api.texts_to(3001)) == 1
    assert len(pauses.delays) == 2
    assert 0 <= pauses.delays[0] <= 2 and 0 <= pauses.delays[1] <= 4  # doubling, jittered


@pytest.mark.parametrize(
    ("status", "description", "fix"),
    [
        (401, "Unauthorized", "set a valid telegram.token"),
        (409, "Conflict: terminated by other getUpdates request", "stop the other poller"),
    ],
)
async def test_a_revoked_token_or_a_second_poller_stops_the_process(
    world: World, status: int, description: str, fix: str
) -> None:
    from notifications.supervisor import Unrecoverable

    pauses = Pauses()
    pauses.resumed.set()
    async with fake_bot_api() as api:
        api.refuse_polling += [(status, description)] * 20  # it lasts
        async with running(world, "polling", api, sleep=pauses.sleep) as tg:
            assert tg.polling is not None
            with pytest.raises(Unrecoverable, match=fix):
                await asyncio.wait_for(tg.polling, 20)


async def test_a_conflict_right_after_a_restart_is_waited_out(world: World) -> None:
    """Telegram answers 409 while the killed process's long poll is still open."""
    pauses = Pauses()
    pauses.resumed.set()
    async with fake_bot_api() as api:
        api.refuse_polling += [(409, "Conflict: terminated by other getUpdates request")] * 3
        async with running(world, "polling", api, sleep=pauses.sleep) as tg:
            await tg.send(message_update(ANNA, "/start"))
            assert len(api.texts_to(3001)) == 1
            assert tg.polling is not None and not tg.polling.done()
    assert sum(pauses.delays) <= LONG_POLL_SECONDS + 10


async def test_a_press_answered_too_late_is_still_handled_and_polling_goes_on(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(world, "polling") as tg:
        await tg.send(message_update(ANNA, "水壶漏水，想换新"))
        tg.api.callbacks_expired = True
        with caplog.at_level(logging.WARNING):
            await tg.send(button_update(ANNA, 3001, "category:product_quality"))
        assert [c.status for c in tg.api.calls if c.method == "answerCallbackQuery"] == [400]
        assert "telegram_button_unanswered" in caplog.text
        before = len(tg.api.texts_to(3001))
        await tg.send(button_update(ANNA, 3001, "skip:details"))  # the next one is handled
        assert len(tg.api.texts_to(3001)) > before
