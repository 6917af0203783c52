"""Telegram update -> Inbound. Nothing else: no routing, no policy, no SQL."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Message, Update

from conversations.base.messages import Inbound, Media

CHANNEL = "telegram"
GROUP_TYPES = {"group", "supergroup"}
# Message contents the desk cannot read; the person is told so (conversations decide how).
UNREADABLE = (
    "voice",
    "video_note",
    "video",
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


def to_inbound(update: Update, received_at: datetime | None = None) -> Inbound | None:
    """The neutral message, or None for updates the desk does not use."""
    at = received_at or datetime.now(UTC)
    if update.callback_query is not None:
        return _from_button(update.update_id, update.callback_query, at)
    if update.message is not None:
        return _from_message(update.update_id, update.message, at)
    return None


def _from_message(update_id: int, message: Message, at: datetime) -> Inbound | None:
    if message.chat.type in GROUP_TYPES or message.from_user is None:
        return None  # groups carry alerts and buttons; people talk to the bot in private
    user = message.from_user
    return Inbound(
        channel=CHANNEL,
        update_id=str(update_id),
        chat_id=str(message.chat.id),
        sender_id=str(user.id),
        received_at=at,
        text=message.text or message.caption or "",
        media=_media(message),
        language=user.language_code,
        sender_name=user.full_name,
        unreadable=next((kind for kind in UNREADABLE if getattr(message, kind, None)), None),
    )


def _media(message: Message) -> tuple[Media, ...]:
    if message.photo:
        return (Media("photo", message.photo[-1].file_id),)  # the largest size
    if message.document is not None:
        return (Media("document", message.document.file_id),)
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
