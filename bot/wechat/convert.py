"""Parsed WeChat / WeCom callback messages -> Inbound; choices -> numbered text."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from conversations.base.messages import Inbound, Media

OFFICIAL_ACCOUNT = "wechat"
WECOM_APP = "wecom"
# Menu buttons configured on the Official Account send CLICK events with these keys.
# Messages the desk cannot read: the customer is told so (not silently ignored).
UNREADABLE = {"video", "shortvideo", "location", "link", "file"}
MENU = {"FILE": ("", "file:complaint"), "CASES": ("/cases", None), "HELP": ("/help", None)}


def to_inbound(message: Any, channel: str, received_at: datetime) -> Inbound | None:
    """Text, image and voice messages (the media_id as the ref, fetched into the file
    store by bot/wechat/media.py); subscribe and menu-click events; what the desk cannot
    read (video, location, link) marked as such."""
    kind = getattr(message, "type", "")
    sender = str(message.source)
    text, button, unreadable = "", None, None
    media: tuple[Media, ...] = ()
    if kind == "text":
        text = message.content or ""
    elif kind == "image":
        media = (Media("photo", str(getattr(message, "media_id", "") or message.image)),)
    elif kind == "voice":  # kept as a file; its words when WeChat's recognition is on
        text = getattr(message, "recognition", None) or ""
        media = (Media("voice", str(message.media_id), name=_voice_name(message)),)
    elif kind == "event":
        return _event(message, channel, sender, received_at)
    elif kind in UNREADABLE:
        unreadable = kind
    else:
        return None
    inbound = _inbound(channel, f"msg:{message.id}", sender, received_at, text, button, media)
    return replace(inbound, unreadable=unreadable)


def _voice_name(message: Any) -> str:
    """voice.amr / voice.speex: the format WeChat says, for the stored copy's name."""
    extension = "".join(c for c in str(getattr(message, "format", "") or "amr") if c.isalnum())
    return f"voice.{extension[:8].lower() or 'amr'}"


def _event(message: Any, channel: str, sender: str, received_at: datetime) -> Inbound | None:
    event = str(getattr(message, "event", "")).lower()
    update_id = f"evt:{sender}:{int(message.create_time.timestamp())}:{event}"
    if event in {"subscribe", "subscribe_scan"}:
        scene = str(getattr(message, "scene_id", "") or "")  # a QR code's scene: the source
        return _inbound(channel, update_id, sender, received_at, f"/start {scene}".strip())
    if event == "click":
        text, button = MENU.get(str(message.key), (str(message.key), None))
        return _inbound(channel, update_id, sender, received_at, text, button)
    return None


def _inbound(
    channel: str,
    update_id: str,
    sender: str,
    received_at: datetime,
    text: str = "",
    button: str | None = None,
    media: tuple[Media, ...] = (),
) -> Inbound:
    """Official Account and WeCom app chats are one-to-one: the chat is the sender."""
    return Inbound(
        channel=channel,
        update_id=update_id,
        chat_id=sender,
        sender_id=sender,
        received_at=received_at,
        text=text,
        button=button,
        media=media,
    )


def numbered(text: str, choices: list[dict[str, str]], hint: str) -> str:
    """Choices as numbered lines: the person answers with the number."""
    if not choices:
        return text
    lines = [f"{n}. {choice['label']}" for n, choice in enumerate(choices, start=1)]
    return "\n".join([text, "", *lines, hint])
