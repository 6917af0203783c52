"""The console channel: a person in a terminal (or a script on stdin) plays one chat.

It translates typed lines into `Inbound` (a number picks the numbered choice shown last)
and prints every delivered message: the player's own as the bot's answer, others (group
alerts, other people's notifications) marked with where they went.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from conversations.base.clock import Clock
from conversations.base.messages import Document, Inbound, Media
from notifications.senders import UNLIMITED, ChannelLimits, Delivered, Outgoing

CHANNEL = "console"


@dataclass
class ConsoleSender:
    """Prints deliveries; remembers the choices last shown to each chat."""

    player_chat: str
    out: TextIO = field(default_factory=lambda: sys.stdout)
    channel: str = CHANNEL
    limits: ChannelLimits = UNLIMITED
    choices: dict[str, list[str]] = field(default_factory=dict)
    # Where a file sent to a chat is written (the desk's data directory when run).
    files: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _save(self, image: bytes) -> Path:
        path = Path(tempfile.gettempdir()) / f"complaintdesk-chart-{next(self._ids)}.png"
        path.write_bytes(image)
        return path

    def _keep(self, document: Document) -> Path:
        """The file under `files`, its name made safe and never overwriting another."""
        self.files.mkdir(parents=True, exist_ok=True)
        name = Path(document.name).name or "file"
        path = self.files / name
        while path.exists():
            path = self.files / f"{Path(name).stem}-{next(self._ids)}{Path(name).suffix}"
        path.write_bytes(document.content)
        return path

    def is_group(self, chat_id: str) -> bool:
        return False  # a terminal paces nothing

    async def deliver(self, message: Outgoing) -> Delivered:
        mine = message.chat_id == self.player_chat
        head = "bot>" if mine else f"[to {message.chat_id}{' (edited)' if message.edit_of else ''}]"
        lines = [f"{head} {message.text}"]
        if message.image is not None:
            lines.append(f"  (chart: {self._save(message.image)})")
        if message.document is not None:
            lines.insert(0, f"{head} (file: {self._keep(message.document)})")
        lines += [f"  {n}. {c['label']}" for n, c in enumerate(message.choices, start=1)]
        print("\n".join(lines), file=self.out, flush=True)
        self.choices[message.chat_id] = [c["action"] for c in message.choices]
        return Delivered(platform_message_id=str(next(self._ids)))


@dataclass
class ConsolePlayer:
    """Who is typing: a customer or a staff member, and in which language.

    Update ids carry a token of this session: they must never repeat across sessions, or
    a returning person's first lines are dropped as duplicates (issue 11)."""

    sender_id: str
    name: str | None
    language: str | None
    updates: itertools.count[int] = field(default_factory=itertools.count)
    session: str = field(default_factory=lambda: secrets.token_hex(6))

    def inbound(self, line: str, sender: ConsoleSender, clock: Clock) -> Inbound:
        text, button = line.strip(), None
        media: tuple[Media, ...] = ()
        shown = sender.choices.get(self.sender_id, [])
        if text.isdigit() and 1 <= int(text) <= len(shown):
            text, button = "", shown[int(text) - 1]
        elif text.startswith("+photo "):
            text, media = "", (Media("photo", text.removeprefix("+photo ").strip()),)
        return Inbound(
            channel=CHANNEL,
            update_id=f"{self.sender_id}:{self.session}:{next(self.updates)}",
            chat_id=self.sender_id,
            sender_id=self.sender_id,
            received_at=clock.now(),
            text=text,
            button=button,
            media=media,
            language=self.language,
            sender_name=self.name,
        )


async def read_line(source: TextIO) -> str | None:
    """The next line from the terminal or the script; None at the end of input."""
    line = await asyncio.to_thread(source.readline)
    return line or None
