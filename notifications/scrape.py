"""Set the gauges that come from the database and the supervisor, at scrape time: one
read-only unit of work per scrape, nothing computed while nobody is looking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from prometheus_client import generate_latest

from conversations.base.values import OutboxStatus
from notifications.metrics import Metrics
from notifications.supervisor import LoopHealth
from storage.engine import Database
from storage.monitoring import MonitoringRepository
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work

Loops = Callable[[], Sequence[LoopHealth]]


async def scrape(
    metrics: Metrics, db: Database, now: datetime, zone: ZoneInfo, loops: Loops = list
) -> bytes:
    """The exposition text, with every gauge read as of `now` (the desk's clock)."""
    start = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    async with unit_of_work(db, readonly=True) as uow:
        backlog = await OutboxRepository(uow.session).backlog()
        monitoring = MonitoringRepository(uow.session)
        oldest = await monitoring.oldest_pending()
        overdue = await monitoring.overdue_by_department_and_grade(now)
        today = await monitoring.timeliness(start, start + timedelta(days=1), now)
    for status in OutboxStatus:
        metrics.outbox_messages.labels(status.value).set(backlog.get(status, 0))
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    metrics.outbox_oldest_pending.set(max(0.0, age))
    metrics.overdue_cases.clear()  # a department no longer late drops out
    for (department, grade), count in overdue.items():
        metrics.overdue_cases.labels(department, grade).set(count)
    # Nothing due yet today: NaN (no value in Grafana), not a misleading 0% or 100%.
    metrics.sla_hit_ratio.set(today.ratio if today.ratio is not None else float("nan"))
    metrics.loop_last_success.clear()
    for loop in loops():
        if loop.last_round is not None:
            metrics.loop_last_success.labels(loop.name).set(loop.last_round.timestamp())
    return generate_latest(metrics.registry)
