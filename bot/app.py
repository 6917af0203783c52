"""Build the application in one place from the configuration (STYLE habit 2).

Order of assembly: the database first (everything stores through it), then the desk
(policy, calendar, clock) the use cases need, then the outbox dispatcher with one sender
per configured channel. With no platform configured, `complaintdesk run` plays the console
channel instead (bot/console_chat.py).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.config import Config
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.housekeeping import expire_conversations, remind_surveys
from notifications.clock import Clock, SystemClock
from notifications.dispatcher import Dispatcher
from notifications.senders import Sender
from storage.engine import Database, open_database
from storage.migrate import migrate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class App:
    config: Config
    db: Database
    desk: Desk
    dispatcher: Dispatcher


def build_app(config: Config, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    db = open_database(config.database.url)
    senders: dict[str, Sender] = {}
    return App(config, db, Desk.build(config.policy, clock), Dispatcher(db, senders, clock))


async def tidy(app: App) -> None:
    """The dialogue sweeps: survey reminders and expired conversations."""
    await perform(app.db, lambda uow: remind_surveys(uow, app.desk), app.dispatcher.wake)
    await perform(app.db, lambda uow: expire_conversations(uow, app.desk), app.dispatcher.wake)


async def tidy_forever(app: App, every_seconds: float = 60) -> None:
    while True:
        await tidy(app)
        await asyncio.sleep(every_seconds)


async def serve(app: App) -> None:
    """Run until cancelled (Ctrl-C or SIGTERM)."""
    await migrate(app.db)
    log.info("serving database=%s channels=%s", app.db.dialect, sorted(app.dispatcher.senders))
    try:
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(app.dispatcher.run())
            tasks.create_task(tidy_forever(app))
    except asyncio.CancelledError:
        log.info("stopping")
        raise
    finally:
        await app.db.dispose()


def configure_logging(level: int = logging.INFO) -> None:
    """key=value lines; bodies and phone numbers are never logged at INFO."""
    logging.basicConfig(level=level, format="%(asctime)s level=%(levelname)s %(name)s %(message)s")
