"""The one aiohttp server: the Telegram webhook (when configured), /health and /metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from conversations.base.clock import Clock
from conversations.base.policy import Calendar
from conversations.base.values import OutboxStatus
from conversations.base.worktime import uncovered_years
from notifications.metrics import Metrics
from notifications.scrape import scrape
from notifications.supervisor import LoopHealth
from storage.cases import CaseRepository
from storage.engine import Database
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work

Loops = Callable[[], Sequence[LoopHealth]]


def health_route(
    db: Database, clock: Clock, loops: Loops = list, calendar: Calendar | None = None
) -> web.RouteDef:
    async def health(_request: web.Request) -> web.Response:
        """Liveness plus the numbers an operator watches: backlog, parked, overdue, and
        each background loop's last good round; 503 when a loop is stuck. A year ahead
        with no holiday data is a warning, not a fault (issue 14)."""
        async with unit_of_work(db, readonly=True) as uow:
            backlog = await OutboxRepository(uow.session).backlog()
            overdue = await CaseRepository(uow.session).count_overdue(clock.now())
        now = clock.now()
        report = {loop.name: _loop_report(loop, now) for loop in loops()}
        stuck = any(entry["stuck"] for entry in report.values())
        body: dict[str, object] = {
            "status": "unhealthy" if stuck else "ok",
            "outbox_pending": backlog.get(OutboxStatus.PENDING, 0),
            "outbox_parked": backlog.get(OutboxStatus.PARKED, 0),
            "overdue_cases": overdue,
            "loops": report,
        }
        if calendar is not None:
            body["warnings"] = calendar_warnings(calendar, now)
        return web.json_response(body, status=503 if stuck else 200)

    return web.get("/health", health)


def metrics_route(
    metrics: Metrics, db: Database, clock: Clock, zone: ZoneInfo, loops: Loops = list
) -> web.RouteDef:
    async def exposition(_request: web.Request) -> web.Response:
        """What Prometheus scrapes; the database gauges are read now, once per scrape."""
        body = await scrape(metrics, db, clock.now(), zone, loops)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return web.get("/metrics", exposition)


def calendar_warnings(calendar: Calendar, now: datetime) -> list[str]:
    today = now.astimezone(calendar.zone).date()
    return [f"calendar: no holiday data for {year}" for year in uncovered_years(calendar, today)]


def _loop_report(loop: LoopHealth, now: datetime) -> dict[str, object]:
    return {
        "last_round": loop.last_round.isoformat() if loop.last_round else None,
        "restarts": loop.restarts,
        "last_error": loop.last_error,
        "stuck": loop.stuck(now),
    }


async def start_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
