"""Telegram update -> Inbound. Nothing else: no routing, no policy, no SQL."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Message, Update

from conversations.base.messages import Inbound, Media

CHANNEL = "telegram"
GROUP_TYPES = {"group", "supergroup"}
# Message contents the desk cannot read; the person is told so (conversations decide how).
# Photos, documents, voice notes and videos are media (issue 13).
UNREADABLE = (
    "video_note",
    "audio",
    "sticker",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
)


def to_inbound(
    update: Update, received_at: datetime | None = None, bot_id: int | None = None
) -> Inbound | None:
    """The neutral message, or None for updates the desk does not use. `bot_id` tells
    the bot's own messages apart, so a reply to one of them names it (`quoted`)."""
    at = received_at or datetime.now(UTC)
    if update.callback_query is not None:
        return _from_button(update.update_id, update.callback_query, at)
    if update.message is not None:
        return _from_message(update.update_id, update.message, at, bot_id)
    return None


def _from_message(
    update_id: int, message: Message, at: datetime, bot_id: int | None
) -> Inbound | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None
    group = message.chat.type in GROUP_TYPES
    if group and not _in_topic(message):
        return None  # groups carry alerts and buttons; only a case's topic is talk (issue 13)
    inbound = Inbound(
        channel=CHANNEL,
        update_id=str(update_id),
        chat_id=_chat_address(message.chat.id, message.message_thread_id if group else None),
        sender_id=str(user.id),
        received_at=at,
        text=message.text or message.caption or "",
        media=_media(message),
        language=user.language_code,
        sender_name=user.full_name,
        is_group=group,
        unreadable=next((kind for kind in UNREADABLE if getattr(message, kind, None)), None),
        quoted=_quoted(message, bot_id),
        album=message.media_group_id,
    )
    if group and not (inbound.text or inbound.media or inbound.unreadable):
        return None  # a service message in the topic (created, renamed, closed)
    return inbound


def _in_topic(message: Message) -> bool:
    """A message in a forum topic of a supergroup (not its General thread)."""
    return bool(message.is_topic_message and message.message_thread_id)


def _quoted(message: Message, bot_id: int | None) -> str | None:
    """The bot's message this one replies to. In a forum topic every message 'replies'
    to the topic's first (service) message: that is no reply."""
    quoted = message.reply_to_message
    if quoted is None or quoted.from_user is None or not quoted.from_user.is_bot:
        return None
    if bot_id is not None and quoted.from_user.id != bot_id:
        return None
    if quoted.forum_topic_created is not None or quoted.message_id == message.message_thread_id:
        return None
    return str(quoted.message_id)


def _media(message: Message) -> tuple[Media, ...]:
    """The file a message carries; an album's photos come one update each."""
    if message.photo:
        largest = message.photo[-1]
        return (Media("photo", largest.file_id, size=largest.file_size),)
    if message.document is not None:
        document = message.document
        return (
            Media("document", document.file_id, size=document.file_size, name=document.file_name),
        )
    if message.voice is not None:
        return (Media("voice", message.voice.file_id, size=message.voice.file_size),)
    if message.video is not None:
        video = message.video
        return (Media("video", video.file_id, size=video.file_size, name=video.file_name),)
    return ()


def _from_button(update_id: int, query: CallbackQuery, at: datetime) -> Inbound | None:
    if query.message is None or query.data is None:
        return None
    chat = query.message.chat
    return Inbound(
        channel=CHANNEL,
        update_id=str(update_id),
        chat_id=_chat_address(chat.id, getattr(query.message, "message_thread_id", None)),
        sender_id=str(query.from_user.id),
        received_at=at,
        button=query.data,
        language=query.from_user.language_code,
        sender_name=query.from_user.full_name,
        is_group=chat.type in GROUP_TYPES,
    )


def _chat_address(chat_id: int, thread_id: int | None) -> str:
    """A forum topic is addressed as 'chat:thread', the same form the config uses."""
    return f"{chat_id}:{thread_id}" if thread_id else str(chat_id)
