"""GET /health: liveness, outbox backlog, parked messages, overdue cases (both backends)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web import health_route
from conversations.values import OutboxStatus
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
        }
