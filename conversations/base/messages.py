"""The channel-neutral values every layer passes around: what came in, what to say."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Media:
    """A photo, file, voice note or video. `ref` is the platform's id for it; `path` the
    desk's own copy in its file store (relative to it), when the adapter has saved one;
    `size` in bytes and the file's `name` when the platform says (issue 13)."""

    kind: str
    ref: str
    path: str | None = None
    size: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One update from any channel, as its adapter understood it."""

    channel: str
    update_id: str
    chat_id: str
    sender_id: str
    received_at: datetime
    text: str = ""
    button: str | None = None
    media: tuple[Media, ...] = ()
    language: str | None = None
    sender_name: str | None = None
    is_group: bool = False
    # What the person sent that the desk cannot read (a voice note, a sticker, a
    # location), so the flow can say so instead of silently asking again.
    unreadable: str | None = None
    # The platform's id of the bot's message this one answers (Telegram's reply), so a
    # staff member's reply reaches the customer of the case it was about (issue 13).
    quoted: str | None = None
    # A file the person sent was over the desk's size limit (this many MB) and was not
    # kept; they are told so, and the rest of the message counts as usual (issue 13).
    too_large_mb: int | None = None
    # The album this photo or file belongs to (Telegram sends each as its own update,
    # the caption with the first), so the flow keeps the rest quietly (issue 13).
    album: str | None = None

    @property
    def only_unreadable(self) -> bool:
        return bool(self.unreadable) and not (self.text.strip() or self.button or self.media)


@dataclass(frozen=True)
class Option:
    """A choice offered: a button on Telegram, a numbered line on WeChat and console."""

    label: str
    action: str


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (a customer's data on /mydata, issue 15). `instead` is
    what a channel that cannot carry the file (WeChat, or one over its size limit) sends
    in place of the reply's text, so the reader still gets the content."""

    name: str
    content: bytes
    instead: str


@dataclass(frozen=True)
class Reply:
    text: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    document: Document | None = None
