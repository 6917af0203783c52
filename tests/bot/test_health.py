"""GET /health: liveness, outbox backlog, parked messages, overdue cases (both backends)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web import health_route
from conversations.base.values import OutboxStatus
from handlers.overdue import FireDeadline
from notifications.supervisor import Beat, Supervisor
from notifications.watcher import Watcher
from storage.models import OutboxMessage
from storage.uow import unit_of_work
from tests.fakes.world import World


async def test_health_reports_backlog_parked_and_overdue(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer)  # queues a receipt and a card; acknowledge due in 4 hours
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            OutboxMessage(
                channel="telegram",
                chat_id="1",
                payload={"text": "x"},
                status=OutboxStatus.PARKED,
                not_before=now,
                created_at=now,
            )
        )
    world.clock.advance(hours=5)
    app = web.Application()
    app.add_routes([health_route(world.db, world.clock)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/health")
        assert response.status == 200
        assert await response.json() == {
            "status": "ok",
            "outbox_pending": 2,
            "outbox_parked": 1,
            "overdue_cases": 1,
            "loops": {},
        }


async def test_health_lists_each_loops_last_round_and_turns_unhealthy_when_one_is_stuck(
    world: World,
) -> None:
    watcher = Watcher(world.db, world.clock, FireDeadline(world.desk))
    supervisor = Supervisor(world.clock)
    went_through = asyncio.Event()

    async def watching(beat: Beat) -> None:
        def reported() -> None:
            beat()
            went_through.set()

        await watcher.run(reported)

    supervisor.add("watcher", watching, timedelta(minutes=4))
    running = asyncio.create_task(supervisor.run())
    app = web.Application()
    app.add_routes([health_route(world.db, world.clock, supervisor.health)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        await asyncio.wait_for(went_through.wait(), 10)
        first = world.clock.now()
        response = await client.get("/health")
        assert response.status == 200
        assert (await response.json())["loops"] == {
            "watcher": {
                "last_round": first.isoformat(),
                "restarts": 0,
                "last_error": None,
                "stuck": False,
            }
        }
        world.clock.advance(minutes=4, seconds=1)  # no round since: the watcher is stuck
        response = await client.get("/health")
        body = await response.json()
        assert (response.status, body["status"]) == (503, "unhealthy")
        assert body["loops"]["watcher"]["last_round"] == first.isoformat()
        went_through.clear()
        watcher.wake()  # a round goes through again
        await asyncio.wait_for(went_through.wait(), 10)
        response = await client.get("/health")
        assert (response.status, (await response.json())["status"]) == (200, "ok")
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
