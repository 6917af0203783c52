"""A console session prints only what belongs to it: its player's messages and what its
own actions caused, never rows left by an earlier session or queued to another player;
and two sessions open at once both answer (no shared sender lease). Issue 11."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

from bot.app import App
from bot.channels.console import CHANNEL, ConsolePlayer
from bot.config import Config
from bot.console_chat import converse
from conversations.base.values import OutboxStatus
from handlers.dispatch import Inbox
from handlers.overdue import FireDeadline
from notifications.dispatcher import Dispatcher
from notifications.watcher import Watcher
from storage import leases
from storage.uow import unit_of_work
from tests.bot.test_console_sessions import unanswered
from tests.fakes.world import World
from tests.notifications.rows import queue, stored

FILING = "我买的电水壶漏水\n1\n1\n2\n王芳\n1\n"  # a whole filing: receipt and group alert
LEFTOVERS = [
    {"text": "left for another player"},
    {"text": "an old alert from a killed session"},
    {"text": "left for this player"},
]


def app_for(world: World) -> App:
    outbox = Dispatcher(world.db, {}, world.clock)
    watcher = Watcher(world.db, world.clock, FireDeadline(world.desk))
    inbox = Inbox(world.db, world.desk, outbox.wake)
    return App(Config(policy=world.desk.policy), world.db, world.desk, outbox, watcher, inbox)


async def session(app: App, user: str, script: str) -> str:
    """One in-process `complaintdesk chat --as USER` fed `script`; its transcript."""
    out = io.StringIO()
    await converse(app, ConsolePlayer(user, None, None), io.StringIO(script), out)
    return out.getvalue()


async def test_a_session_prints_its_own_replies_and_alerts_not_what_others_left(
    world: World,
) -> None:
    chats = ["someone-else", "product", "console-user"]
    left = await queue(world.db, world.clock.now(), chats, CHANNEL, LEFTOVERS)
    world.clock.advance(minutes=5)  # the session that wrote those rows was killed
    transcript = await session(app_for(world), "console-user", FILING)
    assert "bot> left for this player" in transcript  # its own, whenever written
    assert "TS" in transcript and "[to product] " in transcript  # its receipt and alert
    assert "left for another player" not in transcript
    assert "an old alert from a killed session" not in transcript
    rows = {row.id: row for row in await stored(world.db)}
    assert [rows[i].status for i in left[:2]] == [OutboxStatus.PENDING] * 2  # the owners'
    assert {r.status for i, r in rows.items() if i not in left[:2]} == {OutboxStatus.SENT}


async def test_two_sessions_open_at_once_both_answer_every_line(world: World) -> None:
    async with unit_of_work(world.db) as uow:  # a session in another process is running
        await leases.take(
            uow.session, f"send:{CHANNEL}", "elsewhere:1", world.clock.now(), timedelta(hours=1)
        )
    app, script = app_for(world), "你好\n/help\n你好\n"
    first, second = await asyncio.gather(
        session(app, "console-a", script), session(app, "console-b", script)
    )
    for transcript in (first, second):
        assert transcript.count("you> ") == 3 and unanswered(transcript) == []
        assert "[to console-" not in transcript  # neither printed the other's replies
