"""The one aiohttp server: the Telegram webhook (when configured) and /health."""

from __future__ import annotations

from aiohttp import web

from conversations.values import OutboxStatus
from notifications.clock import Clock
from storage.cases import CaseRepository
from storage.engine import Database
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work


def health_route(db: Database, clock: Clock) -> web.RouteDef:
    async def health(_request: web.Request) -> web.Response:
        """Liveness plus the numbers an operator watches: backlog, parked, overdue."""
        async with unit_of_work(db, readonly=True) as uow:
            backlog = await OutboxRepository(uow.session).backlog()
            overdue = await CaseRepository(uow.session).count_overdue(clock.now())
        return web.json_response(
            {
                "status": "ok",
                "outbox_pending": backlog.get(OutboxStatus.PENDING, 0),
                "outbox_parked": backlog.get(OutboxStatus.PARKED, 0),
                "overdue_cases": overdue,
            }
        )

    return web.get("/health", health)


async def start_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
