"""GET /metrics: the desk's Prometheus series move in a whole Telegram story, on the
outbox's failures, and the Grafana dashboard reads only series the desk exports (both
backends)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.app import build_app, prepare, web_app
from bot.config import load_config
from bot.web import Loops, metrics_route
from conversations.base.messages import Inbound
from conversations.base.values import OutboxStatus
from handlers.dispatch import Inbox, dispatch
from handlers.reachability import MarkUnreachable
from notifications.dispatcher import Dispatcher
from notifications.metrics import Metrics
from notifications.senders import SendFailed
from notifications.supervisor import Beat, Supervisor
from storage.models import Case
from tests.bot.config_variants import variant
from tests.bot.telegram_harness import GROUPS, Telegram, running
from tests.fakes.senders import RecordingSender, drain_all
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

DASHBOARD = Path(__file__).parents[2] / "deploy" / "grafana-dashboard.json"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LI, STRANGER = user(2001, "李雷"), user(3001, "路人")


async def scrape(metrics: Metrics, world: World, loops: Loops = list) -> Samples:
    """/metrics from a real server on 127.0.0.1, parsed as Prometheus would."""
    app = web.Application()
    zone = world.desk.policy.calendar.zone
    app.add_routes([metrics_route(metrics, world.db, world.clock, zone, loops)])
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((f"complaintdesk_{name}", frozenset(labels.items())))


def counted(tg: Telegram, world: World, metrics: Metrics) -> None:
    """The harness's parts, counting into `metrics` as bot/app.py wires them."""
    senders = tg.outbox.senders
    on_unreachable = MarkUnreachable(world.desk)
    tg.outbox = Dispatcher(world.db, senders, world.clock, on_unreachable, metrics=metrics)
    tg.channel.inbox = Inbox(world.db, world.desk, tg.outbox.wake, metrics)


async def file_on_telegram(tg: Telegram, customer: dict[str, Any]) -> int:
    """A customer files a complaint in private chat: six updates."""
    chat = customer["id"]
    await tg.send(message_update(customer, "/start store42"))
    await tg.send(message_update(customer, "水壶漏水，想换新"))
    await tg.send(button_update(customer, chat, "category:product_quality"))
    await tg.send(button_update(customer, chat, "skip:details"))
    await tg.send(button_update(customer, chat, "wanted:replacement"))
    await tg.send(button_update(customer, chat, "confirm:submit"))
    return 6


async def test_metrics_move_in_a_whole_telegram_story(world: World) -> None:
    metrics = Metrics.build()
    async with running(world, "webhook") as tg:
        counted(tg, world, metrics)
        before = await scrape(metrics, world)
        assert value(before, "updates_total", channel="telegram", outcome="handled") is None
        assert value(before, "sla_hit_ratio_today") != value(before, "sla_hit_ratio_today")  # NaN
        handled = await file_on_telegram(tg, user(1001, "王芳"))
        taken = (await world.only(Case)).number
        await tg.send(button_update(LI, GROUPS["product"], f"take:{taken}", 1))  # on time
        handled += 1 + await file_on_telegram(tg, user(1002, "赵敏"))
        resent = message_update(LI, "/help")
        await tg.send(resent)
        await tg.send(resent)  # Telegram delivers it again: a duplicate
        await tg.send(button_update(STRANGER, GROUPS["product"], f"take:{taken}", 1))
        grade = (await world.all(Case))[-1].severity
        world.clock.advance(hours=5)  # past the second case's acknowledge deadline, same day

        supervisor, beaten = Supervisor(world.clock), asyncio.Event()

        async def outbox_loop(beat: Beat) -> None:
            beat()
            beaten.set()
            await asyncio.Event().wait()

        supervisor.add("outbox", outbox_loop, timedelta(minutes=1))
        supervising = asyncio.create_task(supervisor.run())
        await asyncio.wait_for(beaten.wait(), 10)
        after = await scrape(metrics, world, supervisor.health)
        supervising.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervising

    assert value(after, "updates_total", channel="telegram", outcome="handled") == handled + 1
    assert value(after, "updates_total", channel="telegram", outcome="duplicate") == 1
    assert value(after, "updates_total", channel="telegram", outcome="refused-stranger") == 1
    assert value(after, "dispatch_seconds_count", channel="telegram") == handled + 3
    sends = value(after, "sends_total", channel="telegram")
    assert sends is not None and sends >= handled  # each turn answered at least once
    assert value(after, "outbox_messages", status="pending") == 0
    assert value(after, "outbox_messages", status="sent") == sends
    assert value(after, "outbox_oldest_pending_seconds") == 0
    assert value(after, "overdue_cases", department="product", grade=grade) == 1
    assert value(after, "sla_hit_ratio_today") == 0.5  # one acknowledged in time, one not
    stamp = value(after, "loop_last_success_timestamp_seconds", loop="outbox")
    assert stamp == world.clock.now().timestamp()  # its one beat, after the clock moved


async def test_metrics_count_429s_platform_errors_and_parked_rows(world: World) -> None:
    metrics = Metrics.build()
    sender = RecordingSender()
    sender.failures = [
        SendFailed("Too Many Requests", permanent=False, retry_after=3),
        SendFailed("Forbidden: bot was blocked by the user", permanent=True, unreachable=True),
    ]
    outbox = Dispatcher(world.db, {"console": sender}, world.clock, metrics=metrics)
    buyer = await world.customer()
    await world.file(buyer)  # queues the customer's receipt and the department's card
    world.clock.advance(minutes=1)
    await world.file(buyer)
    await drain_all(outbox, world.clock)
    samples = await scrape(metrics, world)

    assert value(samples, "rate_limited_total", channel="console") == 1
    assert value(samples, "platform_errors_total", channel="console", reason="rate_limited") == 1
    assert value(samples, "platform_errors_total", channel="console", reason="unreachable") == 1
    assert value(samples, "parked_total", channel="console") == 1
    assert value(samples, "outbox_messages", status=OutboxStatus.PARKED.value) == 1
    assert value(samples, "sends_total", channel="console") == len(sender.sent)


async def test_a_bug_in_dispatch_is_counted_as_failed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr("handlers.dispatch.execute", broken)
    metrics = Metrics.build()
    inbox = Inbox(world.db, world.desk, metrics=metrics)
    said = Inbound("console", "bug-1", "u1", "u1", world.clock.now(), text="/cases")
    assert await dispatch(inbox, said)  # the apology
    samples = await scrape(metrics, world)
    assert value(samples, "updates_total", channel="console", outcome="failed") == 1
    assert value(samples, "updates_total", channel="console", outcome="handled") is None
    assert value(samples, "dispatch_seconds_count", channel="console") == 1


async def test_oldest_pending_age_is_measured_on_the_desks_clock(world: World) -> None:
    metrics = Metrics.build()
    await world.file(await world.customer())
    world.clock.advance(minutes=7)
    samples = await scrape(metrics, world)
    assert value(samples, "outbox_oldest_pending_seconds") == 7 * 60
    assert value(samples, "outbox_messages", status="pending") == 2


async def test_the_app_serves_metrics_its_inbox_and_dispatcher_count_into(tmp_path: Path) -> None:
    """bot/app.py builds one Metrics, hands it to the inbox and the dispatcher, and mounts
    /metrics over its registry beside /health."""
    config = load_config(variant(tmp_path))
    config.database.url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    app = build_app(config)
    assert app.inbox.metrics is app.metrics and app.dispatcher.metrics is app.metrics
    await prepare(app)
    app.metrics.sent("console")
    try:
        async with TestClient(TestServer(web_app(app), host="127.0.0.1")) as client:
            text = await (await client.get("/metrics")).text()
    finally:
        await app.db.dispose()
    assert 'complaintdesk_sends_total{channel="console"} 1.0' in text
    assert 'complaintdesk_outbox_messages{status="pending"} 0.0' in text


def exported_series() -> set[str]:
    """Every series name the desk's registry exposes, with the suffixes of its type."""
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
    return {
        family.name + suffix
        for family in Metrics.build().registry.collect()
        for suffix in suffixes.get(family.type, [""])
    }


def test_the_dashboard_reads_only_series_the_desk_exports_and_shows_each_one() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    named = {n for expr in exprs for n in re.findall(r"complaintdesk_[a-z_]+", expr)}
    exported = exported_series()
    assert named <= exported, named - exported
    families = {re.sub(r"_(total|bucket|sum|count)$", "", n) for n in named}
    every = {re.sub(r"_(total|bucket|sum|count)$", "", n) for n in exported}
    assert families == every  # no series is left off the dashboard


def test_two_apps_count_apart() -> None:
    """Each app has its own registry, so a second app (or test) starts from zero."""
    first, second = Metrics.build(), Metrics.build()
    first.sent("telegram")
    labels = {"channel": "telegram"}
    assert first.registry.get_sample_value("complaintdesk_sends_total", labels) == 1
    assert second.registry.get_sample_value("complaintdesk_sends_total", labels) is None
