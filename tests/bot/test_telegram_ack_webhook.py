"""The webhook answers Telegram only after the update's commit; an update that did not
commit is answered 500, and Telegram's resend then has exactly one effect (both backends)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import select

from bot.telegram.runtime import WEBHOOK_PATH
from storage.models import ProcessedUpdate
from storage.uow import UnitOfWork
from tests.bot.telegram_faults import gate_dispatch, outage
from tests.bot.telegram_harness import SECRET, running
from tests.fakes.telegram_api import message_update, user
from tests.fakes.world import World

ANNA = user(3001, "安娜")


async def processed(world: World) -> set[int]:
    async def query(uow: UnitOfWork) -> set[int]:
        return {int(row) for row in await uow.session.scalars(select(ProcessedUpdate.update_id))}

    return await world.read(query)


async def test_the_webhook_answers_only_after_the_commit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    update = message_update(ANNA, "/start")
    gate = gate_dispatch(monkeypatch, update["update_id"])
    async with running(world, "webhook") as tg:
        posting = asyncio.create_task(tg.post_raw(update, SECRET))
        await gate.until(("began", update["update_id"]))
        assert tg.answered == []  # handling has begun; Telegram has heard nothing yet

        gate.opened.set()
        assert await posting == 200
        assert gate.events[-1] == ("committed", update["update_id"])
        assert await processed(world) == {update["update_id"]}
        assert len(await world.queued_texts("3001")) == 1


async def test_an_update_that_did_not_commit_is_answered_500_and_the_resend_counts_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    update = message_update(ANNA, "/start")
    async with running(world, "webhook") as tg:
        with outage(world.db) as database:
            assert await tg.post_raw(update, SECRET) == 500  # Telegram will send it again
            database.down = False
        assert f"telegram_update_not_committed update={update['update_id']}" in caplog.text
        assert await processed(world) == set()

        assert await tg.post_raw(update, SECRET) == 200  # the resend
        assert await tg.post_raw(update, SECRET) == 200  # and a stray duplicate
        await tg.drain()
        assert len(tg.api.texts_to(3001)) == 1
        assert await processed(world) == {update["update_id"]}


async def test_a_body_that_is_not_an_update_is_refused_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(world, "webhook") as tg:
        assert tg.client is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        with caplog.at_level(logging.WARNING):
            response = await tg.client.post(WEBHOOK_PATH, data=b"{not json", headers=headers)
            other = await tg.client.post(WEBHOOK_PATH, json={"update": "x"}, headers=headers)
        assert (response.status, other.status) == (400, 400)
        assert "telegram_webhook_refused reason=malformed_update" in caplog.text
        assert "Traceback" not in caplog.text
