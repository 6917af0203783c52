"""The channel-sender seam: each channel adapter in bot/ implements `Sender`.

The dispatcher owns order, retries and (later) rate limits; a sender only performs one
platform call and reports what happened, so no adapter sleeps or retries on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from conversations.base.messages import Document


@dataclass(frozen=True)
class Attached:
    """A photo, file, voice note or video sent with a message (issue 13). A sender uses
    `ref` when the file came from its own channel (a Telegram file id is reusable by the
    same bot), otherwise it uploads the desk's stored copy at `path` (relative to the
    file store); with neither, the text says the file could not be attached."""

    kind: str
    channel: str
    ref: str = ""
    path: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to deliver, or an edit of one already delivered."""

    chat_id: str
    text: str
    choices: list[dict[str, str]] = field(default_factory=list)
    edit_of: str | None = None
    image: bytes | None = None  # a PNG to show with the text (digest charts)
    document: Document | None = None  # a file sent before the text (/mydata, issue 15)
    template: str | None = None  # which update this is, for channels with template messages
    values: dict[str, str] = field(default_factory=dict)  # what the template's keywords show
    # A text split for the platform's size limit: the parts before this one were
    # delivered by an earlier attempt, so only the rest is sent (issue 11).
    first_part: int = 0
    media: tuple[Attached, ...] = ()  # files sent with the text (issue 13)


def without_document(message: Outgoing) -> Outgoing:
    """The message for a channel that cannot carry its file: the text written for that
    case (the file's content, readable) instead of the text that presents the file."""
    if message.document is None:
        return message
    return replace(message, text=message.document.instead, document=None)


@dataclass(frozen=True)
class Delivered:
    """What a send achieved. A message split in parts may go one part per call, so each
    part is paced like a message of its own: `parts_sent` then counts the parts
    delivered in all (with `Outgoing.first_part`) and `more` says some remain."""

    platform_message_id: str | None
    parts_sent: int = 0
    more: bool = False


class SendFailed(Exception):
    """A failed platform call. Permanent ones (blocked, chat gone) are parked; others
    are retried, after `retry_after` seconds when the platform says so. `unreachable`
    means the person cannot be messaged at all (e.g. they blocked the bot).

    `parts_sent`: how many parts of a split message were delivered in all, counting
    `Outgoing.first_part`, so a retry resends none of them; `platform_message_id`: the
    first part's id, when this attempt delivered it. `moved_to`: the platform moved the
    chat to this id (a group upgraded to a supergroup): record it and send there."""

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        unreachable: bool = False,
        parts_sent: int | None = None,
        platform_message_id: str | None = None,
        moved_to: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.unreachable = unreachable
        self.parts_sent = parts_sent
        self.platform_message_id = platform_message_id
        self.moved_to = moved_to


@dataclass(frozen=True)
class ChannelLimits:
    """What a platform allows, for the dispatcher to enforce (no adapter sleeps itself).

    Rates are messages per second; None means no limit of that kind. `max_text` is in
    the platform's own unit: characters for Telegram, UTF-8 bytes for WeChat and the WeCom
    robot (a sender measuring in bytes says so through `notifications.outgoing.Measured`)."""

    per_chat: float | None = None
    per_group: float | None = None
    overall: float | None = None
    max_text: int | None = None


UNLIMITED = ChannelLimits()


class Sender(Protocol):
    channel: str
    limits: ChannelLimits

    def is_group(self, chat_id: str) -> bool:
        """Whether the chat is a group (paced by the per-group limit)."""
        ...

    async def deliver(self, message: Outgoing) -> Delivered: ...


@runtime_checkable
class Windowed(Protocol):
    """A sender whose platform allows only a few messages per customer in a window
    (WeChat's customer-service messages: 5 within 48 h of the customer's last message).
    The dispatcher combines a chat's queued texts when they outnumber the sends left."""

    async def sends_left(self, chat_id: str) -> int | None:
        """Messages the chat's window still allows now; None when it sets no limit."""
        ...


@runtime_checkable
class Topics(Protocol):
    """A sender whose groups may be forums: a topic per case (Telegram, issue 13). Both
    raise SendFailed like `deliver` when the platform cannot be reached."""

    async def open_topic(self, chat_id: str, name: str) -> str | None:
        """Create a topic in the group: its thread id, or None when the group has no
        topics (not a forum, or the bot may not manage them)."""
        ...

    async def close_topic(self, chat_id: str, thread: str) -> None: ...
