"""`complaintdesk chat`: hold the real dialogues in a terminal, against the real database."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.app import App, tidy
from bot.channels.console import CHANNEL, ConsolePlayer, ConsoleSender, read_line
from handlers.dispatch import Inbox, dispatch
from notifications.dispatcher import Dispatcher
from storage.models import Identity
from storage.outbox import ClaimScope
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


async def converse(
    app: App, player: ConsolePlayer, source: TextIO, out: TextIO, files: Path | None = None
) -> None:
    """Read lines until the end of input; print what the desk delivers after each; a
    file sent to the player (/mydata) is written under `files` (the data directory)."""
    sender = ConsoleSender(player.sender_id, out)
    if files is not None:
        sender.files = files
    await _play(app, player, sender, session_outbox(app, player, sender), source, out)


def session_outbox(app: App, player: ConsolePlayer, sender: ConsoleSender) -> Dispatcher:
    """Prints the player's own messages and what this session causes, nothing left by
    another session (issue 11). No sender lease: the console has no rate to keep, and
    with one, a second session at the same time stayed silent until the first ended."""
    scope = ClaimScope(frozenset({player.sender_id}), since=app.desk.clock.now())
    return Dispatcher(app.db, {CHANNEL: sender}, app.desk.clock, scope=scope, leased=False)


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
