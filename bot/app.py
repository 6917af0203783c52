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
from dataclasses import dataclass, field
from functools import partial

from aiohttp import web

from bot.config import Config
from bot.telegram.runtime import TelegramChannel, make_bot
from bot.telegram.sender import TelegramSender
from bot.web import health_route, start_server
from bot.wechat.wiring import WeChatParts, add_callbacks, senders_for
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.digest_job import send_due_digests
from handlers.dispatch import Inbox
from handlers.grading import raise_long_open
from handlers.housekeeping import expire_conversations, remind_surveys
from handlers.overdue import FireDeadline
from handlers.progress import report_progress
from handlers.reachability import MarkUnreachable
from handlers.staffing import sync_roster
from notifications.clock import Clock, SystemClock
from notifications.dispatcher import Dispatcher
from notifications.senders import Sender
from notifications.watcher import Watcher
from storage.engine import Database, open_database
from storage.migrate import migrate
from storage.uow import unit_of_work

log = logging.getLogger(__name__)
SWEEPS = (remind_surveys, expire_conversations, raise_long_open, report_progress, send_due_digests)


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


def build_app(config: Config, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    db = open_database(config.database.url)
    desk = Desk.build(config.policy, clock)
    senders: dict[str, Sender] = {}
    bot = make_bot(config.telegram) if config.telegram.token else None
    if bot is not None:
        senders["telegram"] = TelegramSender(bot)
    wechat = senders_for(config, db, clock)
    senders.update(wechat.senders)
    dispatcher = Dispatcher(db, senders, clock, on_unreachable=MarkUnreachable(desk))
    watcher = Watcher(db, clock, FireDeadline(desk))

    def after_commit() -> None:
        dispatcher.wake()  # replies to send
        watcher.wake()  # perhaps an earlier deadline

    inbox = Inbox(db, desk, after_commit)
    telegram = TelegramChannel(config.telegram, bot, inbox) if bot is not None else None
    add_callbacks(wechat, config, inbox)
    return App(config, db, desk, dispatcher, watcher, inbox, telegram, wechat)


async def prepare(app: App) -> None:
    """Schema up to date and the config roster in the staff table."""
    await migrate(app.db)
    async with unit_of_work(app.db) as uow:
        await sync_roster(uow, app.desk, app.config.policy.staff)


async def tidy(app: App) -> None:
    """The sweeps: survey reminders, expired conversations, long-open grade raises,
    progress reports on serious cases, digests."""
    for sweep in SWEEPS:
        await perform(app.db, partial(sweep, desk=app.desk), app.dispatcher.wake)


async def tidy_forever(app: App, every_seconds: float = 60) -> None:
    while True:
        await tidy(app)
        await asyncio.sleep(every_seconds)


def web_app(app: App) -> web.Application:
    server = web.Application()
    server.add_routes([health_route(app.db, app.desk.clock)])
    if app.telegram is not None and app.config.telegram.mode == "webhook":
        app.telegram.mount(server)
    for path, callback in app.wechat.callbacks.items():
        callback.mount(server, path)
    return server


async def serve(app: App) -> None:
    """Run every configured channel, the outbox and the sweeps until cancelled."""
    await prepare(app)
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
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(app.dispatcher.run())
            tasks.create_task(app.watcher.run())
            tasks.create_task(tidy_forever(app))
            if app.telegram is not None:
                await app.telegram.set_commands()
                if app.config.telegram.mode == "polling":
                    tasks.create_task(app.telegram.poll())
                else:
                    await app.telegram.register_webhook()
    finally:
        await runner.cleanup()
        if app.telegram is not None:
            await app.telegram.bot.session.close()
        for api in app.wechat.apis:
            await api.close()
        await app.db.dispose()


def configure_logging(level: int = logging.INFO) -> None:
    """key=value lines; bodies and phone numbers are never logged at INFO."""
    logging.basicConfig(level=level, format="%(asctime)s level=%(levelname)s %(name)s %(message)s")
