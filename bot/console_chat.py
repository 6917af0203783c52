"""`complaintdesk chat`: hold the real dialogues in a terminal, against the real database."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.app import App, tidy
from bot.channels.console import CHANNEL, ConsolePlayer, ConsoleSender, read_line
from handlers.dispatch import Inbox, dispatch
from notifications.dispatcher import Dispatcher
from storage.models import Identity
from storage.people import PeopleRepository
from storage.uow import unit_of_work


class UnknownStaff(Exception):
    """--as-staff named nobody on the roster."""


async def staff_player(app: App, name: str, language: str | None) -> ConsolePlayer:
    """Play a staff member: their console account is linked on first use."""
    account = f"staff:{name}"
    async with unit_of_work(app.db) as uow:
        people = PeopleRepository(uow.session)
        staff = await people.staff_by_name(name)
        if staff is None:
            raise UnknownStaff(name)
        if await people.identity(CHANNEL, account) is None:
            await people.add_identity(
                Identity(
                    channel=CHANNEL,
                    external_id=account,
                    staff_id=staff.id,
                    created_at=app.desk.clock.now(),
                )
            )
    return ConsolePlayer(account, name, language)


async def converse(app: App, player: ConsolePlayer, source: TextIO, out: TextIO) -> None:
    """Read lines until the end of input; print what the desk delivers after each. On
    the way out (end of input, Ctrl-D, Ctrl-C) the console's sender lease is given up,
    so a session started right after this one prints its answers at once."""
    sender = ConsoleSender(player.sender_id, out)
    outbox = Dispatcher(app.db, {CHANNEL: sender}, app.desk.clock)
    try:
        await _play(app, player, sender, outbox, source, out)
    finally:
        await asyncio.shield(outbox.step_down())


async def _play(
    app: App,
    player: ConsolePlayer,
    sender: ConsoleSender,
    outbox: Dispatcher,
    source: TextIO,
    out: TextIO,
) -> None:
    inbox = Inbox(app.db, app.desk)
    interactive = source.isatty()
    if interactive:
        print(
            "Type a message; a number picks a choice; +photo NAME sends a photo; Ctrl-D ends.",
            file=out,
        )
    while (line := await read_line(source)) is not None:
        if not line.strip():
            continue
        if not interactive:
            print(f"you> {line.rstrip()}", file=out)
        await tidy(app)
        await app.watcher.tick()
        await dispatch(inbox, player.inbound(line, sender, app.desk.clock))
        while await outbox.deliver_round():
            pass
