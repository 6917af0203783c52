"""Build the application in one place from the configuration (STYLE habit 2).

Order of assembly, and why: the database first (everything stores through it); the desk
(policy, calendar, clock) the use cases need; a platform client per configured channel;
their senders into the outbox dispatcher; then the inbox (dispatch + waking the outbox
after each commit) that the channel adapters feed. With no platform configured,
`complaintdesk run` plays the console channel instead (bot/console_chat.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.config import Config
from bot.file_sweep import SweepFiles
from bot.files import FileStore
from bot.web import health_route, metrics_route, start_server
from bot.wechat_parts import WeChatParts
from conversations.base import privacy
from conversations.base.clock import Clock, SystemClock
from conversations.reading import segment
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.digest_job import send_due_digests
from handlers.dispatch import Inbox
from handlers.grading import raise_long_open
from handlers.housekeeping import expire_conversations, remind_surveys
from handlers.overdue import FireDeadline
from handlers.progress import report_progress
from handlers.reachability import MarkUnreachable
from handlers.retention import sweep_retention
from handlers.staffing import sync_roster
from notifications.dispatcher import Dispatcher
from notifications.metrics import Metrics
from notifications.senders import Sender
from notifications.supervisor import Beat, Supervisor
from notifications.watcher import MAX_SLEEP_SECONDS, Watcher
from storage.engine import Database, open_database
from storage.migrate import migrate
from storage.uow import unit_of_work

if TYPE_CHECKING:  # aiogram takes seconds to import; commands without Telegram skip it
    from aiogram import Bot

    from bot.telegram.runtime import TelegramChannel
    from handlers.miniapp_signin import MiniAppLinks

log = logging.getLogger(__name__)
SWEEPS = (
    remind_surveys,
    expire_conversations,
    raise_long_open,
    report_progress,
    send_due_digests,
    sweep_retention,  # issue 15
)
Sweep = Callable[..., Coroutine[Any, Any, object]]
SWEEP_SECONDS = 60.0
OUTBOX_POLL_SECONDS = 2.0
# A loop is stuck when no round went through in 3 of its periods plus this margin (a
# round may wait on slow sends or a busy database).
STUCK_MARGIN = timedelta(seconds=60)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True)
class App:
    config: Config
    db: Database
    desk: Desk
    dispatcher: Dispatcher
    watcher: Watcher
    inbox: Inbox
    telegram: TelegramChannel | None = None
    wechat: WeChatParts = field(default_factory=WeChatParts)
    supervisor: Supervisor = field(default_factory=lambda: Supervisor(SystemClock()))
    metrics: Metrics = field(default_factory=Metrics.build)


def build_app(config: Config, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    db = open_database(config.database.url, sqlite_synchronous=config.database.sqlite_synchronous)
    desk = Desk.build(config.policy, clock, _miniapp_links(config, clock))
    senders: dict[str, Sender] = {}
    bot = _telegram_bot(config)
    if bot is not None:
        from bot.telegram.format import Pages
        from bot.telegram.sender import TelegramSender

        mini = config.miniapp
        case_pages = Pages(mini.url, mini.link) if mini.enabled and mini.url else None
        files, language = FileStore.for_config(config), config.policy.default_language
        senders["telegram"] = TelegramSender(bot, case_pages, files, language)
    wechat = _wechat_senders(config, db, clock)
    senders.update(wechat.senders)
    metrics = Metrics.build()  # one registry per app, counted by inbox and dispatcher
    dispatcher = ReportingDispatcher(
        db,
        senders,
        clock,
        on_unreachable=MarkUnreachable(desk),
        max_attempts=config.outbox.max_attempts,
        metrics=metrics,
    )
    watcher = Watcher(db, clock, FireDeadline(desk), dispatcher.wake)  # alerts to send

    def after_commit() -> None:
        dispatcher.wake()  # replies to send
        watcher.wake()  # perhaps an earlier deadline

    inbox = Inbox(db, desk, after_commit, metrics)
    telegram = _telegram_channel(config, bot, inbox)
    if _wechat_enabled(config):
        from bot.wechat.wiring import add_callbacks

        add_callbacks(wechat, config, inbox)
    supervisor = Supervisor(clock)
    return App(config, db, desk, dispatcher, watcher, inbox, telegram, wechat, supervisor, metrics)


def _miniapp_links(config: Config, clock: Clock) -> MiniAppLinks | None:
    """The Mini App's sign-in links and /case's page button when it is on (issue 16)."""
    if not config.miniapp.enabled:
        return None
    from bot.miniapp.links import links

    return links(config, clock)


def _wechat_enabled(config: Config) -> bool:
    return config.wechat.enabled or config.wecom.enabled


def _wechat_senders(config: Config, db: Database, clock: Clock) -> WeChatParts:
    """The WeChat / WeCom senders; the adapters and wechatpy are imported only when one is
    configured (issue 18: ~15 MB a Telegram-only desk does not need)."""
    if not _wechat_enabled(config):
        return WeChatParts()
    from bot.wechat.wiring import senders_for

    return senders_for(config, db, clock)


def _telegram_bot(config: Config) -> Bot | None:
    """The Bot API client when a token is configured; aiogram is imported only then."""
    if not config.telegram.token:
        return None
    from bot.telegram.runtime import make_bot

    return make_bot(config.telegram)


def _telegram_channel(config: Config, bot: Bot | None, inbox: Inbox) -> TelegramChannel | None:
    if bot is None:
        return None
    from bot.telegram.runtime import TelegramChannel

    return TelegramChannel(config.telegram, bot, inbox, FileStore.for_config(config))


class ReportingDispatcher(Dispatcher):
    """The outbox dispatcher, telling the supervisor after each round that went through
    (its `run` loop is the outbox's own; this only watches its rounds)."""

    beat: Beat = staticmethod(lambda: None)

    async def deliver_round(self, batch: int = 200) -> int:
        handled = await super().deliver_round(batch)
        self.beat()
        return handled


async def prepare(app: App) -> None:
    """Schema up to date and the config roster in the staff table."""
    await migrate(app.db)
    async with unit_of_work(app.db) as uow:
        await sync_roster(uow, app.desk, app.config.policy.staff, complete=True)


async def tidy(app: App, sweeps: tuple[Sweep, ...] = SWEEPS) -> None:
    """The sweeps: survey reminders, expired conversations, long-open grade raises,
    progress reports on serious cases, digests. One failing sweep stops no other."""
    for sweep in sweeps:
        try:
            await sweep_once(app, sweep)
        except Exception as error:
            log.exception("sweep_failed name=%s error=%s", sweep.__name__, type(error).__name__)


async def sweep_once(app: App, sweep: Sweep) -> None:
    await perform(app.db, partial(sweep, desk=app.desk), app.dispatcher.wake)


async def sweep_forever(app: App, sweep: Sweep, beat: Beat) -> None:
    """One sweep every minute; a failure ends the loop for the supervisor to restart."""
    while True:
        await sweep_once(app, sweep)
        beat()
        await asyncio.sleep(SWEEP_SECONDS)


def supervise(app: App) -> Supervisor:
    """Register every background loop, with how long each may go without a good round."""
    supervisor = app.supervisor

    def stuck_after(period: float) -> timedelta:
        return 3 * timedelta(seconds=period) + STUCK_MARGIN

    async def outbox(beat: Beat) -> None:
        if isinstance(app.dispatcher, ReportingDispatcher):
            app.dispatcher.beat = beat
        await app.dispatcher.run(OUTBOX_POLL_SECONDS)

    supervisor.add("outbox", outbox, stuck_after(OUTBOX_POLL_SECONDS))
    supervisor.add("watcher", app.watcher.run, stuck_after(MAX_SLEEP_SECONDS))
    for sweep in (*SWEEPS, SweepFiles(FileStore.for_config(app.config))):  # issue 13
        loop = partial(sweep_forever, app, sweep)
        supervisor.add(f"sweep:{sweep.__name__}", loop, stuck_after(SWEEP_SECONDS))
    if app.telegram is not None and app.config.telegram.mode == "polling":
        from bot.telegram.polling import LONG_POLL_SECONDS

        supervisor.add("telegram", app.telegram.poll, stuck_after(LONG_POLL_SECONDS))
    return supervisor


def web_app(app: App) -> web.Application:
    server = web.Application()
    calendar = app.desk.policy.calendar
    server.add_routes([health_route(app.db, app.desk.clock, app.supervisor.health, calendar)])
    zone = app.desk.policy.calendar.zone
    loops = app.supervisor.health
    server.add_routes([metrics_route(app.metrics, app.db, app.desk.clock, zone, loops)])
    if app.telegram is not None and app.config.telegram.mode == "webhook":
        app.telegram.mount(server)
    for path, callback in app.wechat.callbacks.items():
        callback.mount(server, path)
    if app.config.miniapp.enabled:  # the case page and dashboard (issue 16)
        from bot.miniapp.routes import routes
        from bot.miniapp.wiring import mini_app

        server.add_routes(routes(mini_app(app)))
    return server


async def serve(app: App) -> None:
    """Run every configured channel, the outbox and the sweeps until SIGTERM or SIGINT
    (or cancellation); raises `Unrecoverable` when a loop meets a fault no restart fixes."""
    await until_signalled(_serve(app))


async def _story_reader_ready() -> None:
    """Load the story reader's Chinese dictionary before the first update, in a thread: on
    the first story it took a second or more inside that update's transaction, holding the
    SQLite writer and a WeChat callback's five seconds (issue 19)."""
    started = time.perf_counter()  # a duration, not a time of day: not the desk's clock
    await asyncio.to_thread(segment.load)
    log.info("story_reader_ready seconds=%.1f", time.perf_counter() - started)


async def until_signalled(work: Coroutine[Any, Any, None]) -> None:
    """Run `work`; SIGTERM or SIGINT cancels it, so every loop's `finally` runs (the
    dispatcher gives up its sender lease there), and then return normally."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not task.cancelled() or (current is not None and current.cancelling()):
            raise  # we were cancelled from outside, not by a signal
        log.info("stopped_by_signal")
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)


async def _serve(app: App) -> None:
    await prepare(app)
    await _story_reader_ready()
    web_settings = app.config.web
    runner = await start_server(web_app(app), web_settings.host, web_settings.port)
    log.info(
        "serving database=%s channels=%s http=%s:%s",
        app.db.dialect,
        sorted(app.dispatcher.senders),
        web_settings.host,
        web_settings.port,
    )
    try:
        if app.telegram is not None:
            await app.telegram.set_commands()
            if app.config.telegram.mode != "polling":
                await app.telegram.register_webhook()
        await supervise(app).run()
    finally:
        await runner.cleanup()
        for callback in app.wechat.callbacks.values():
            await callback.finish()  # messages answered "retry" still commit
        if app.telegram is not None:
            await app.telegram.bot.session.close()
        for api in app.wechat.apis:
            await api.close()
        await app.db.dispose()


def configure_logging(level: str | None = None, regions: Sequence[str] | None = None) -> None:
    """JSON lines off a terminal, key=value on one (bot/logs.py); `level` is the config's,
    else COMPLAINTDESK_LOGGING__LEVEL, else INFO (issue 17); `regions`: the config's phone
    regions, masked in every line (issue 15)."""
    from bot import logs  # kept inside: this function is the app's only use of it

    logs.install(logs.configured_level(level), regions=regions or privacy.DEFAULT_REGIONS)
