"""/health warns while the next 12 months reach a year with no holiday data (issue 14)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web import health_route
from conversations.base.policy import Calendar
from tests.fakes.world import World


async def health(world: World, calendar: Calendar) -> dict[str, object]:
    app = web.Application()
    app.add_routes([health_route(world.db, world.clock, calendar=calendar)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/health")
        assert response.status == 200
        body: dict[str, object] = await response.json()
        return body


async def test_a_year_without_holidays_is_a_warning_not_a_fault(world: World) -> None:
    body = await health(world, Calendar())  # the fake clock is in late November 2026
    assert body["status"] == "ok"
    assert body["warnings"] == ["calendar: no holiday data for 2027"]


async def test_configured_holidays_silence_it(world: World) -> None:
    assert (await health(world, world.desk.policy.calendar))["warnings"] == []
