"""Outbox message -> Bot API call, and Bot API errors -> what the dispatcher should do."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.files import FileStore
from bot.telegram.convert import CHANNEL
from bot.telegram.format import ButtonTooLong, Pages, address, keyboard, pages
from bot.telegram.media import FilePart, MediaSender, Target, caption_of
from conversations.base.messages import Document
from conversations.base.policy import Language
from notifications.senders import (
    ChannelLimits,
    Delivered,
    Outgoing,
    SendFailed,
    without_document,
)
from notifications.supervisor import Unrecoverable

# Telegram's published limits: about 1 message a second per chat, 20 a minute per
# group, 30 a second overall (we stay at 25 to leave room for callback answers).
LIMITS = ChannelLimits(per_chat=1.0, per_group=20 / 60, overall=25.0, max_text=4096)
MAX_FILE_BYTES = 50 * 1024 * 1024  # sendDocument's upload limit; a bigger file goes as text
REVOKED = (
    "Telegram refused the bot token (401 Unauthorized): it was revoked or mistyped. "
    "Put the token @BotFather gives in [telegram] token (or its environment variable) "
    "and start again."
)
GONE = ("chat not found", "chat_id is empty", "user not found", "group chat was deactivated")
MAX_TOPIC_NAME = 128  # createForumTopic's name limit
Part = str | bytes | Document | FilePart


class TelegramSender:
    channel = CHANNEL
    limits = LIMITS

    def __init__(
        self,
        bot: Bot,
        case_pages: Pages | None = None,
        files: FileStore | None = None,
        language: Language = Language.ZH_HANS,
    ) -> None:
        self.bot = bot
        self.case_pages = case_pages  # the Mini App, when enabled: Details opens it
        # Files from other channels are uploaded from the store; `language` words the
        # line that says a file could not be attached (the desk's default).
        self.media = MediaSender(bot, files, language)

    def _keyboard(self, message: Outgoing) -> InlineKeyboardMarkup | None:
        private = not self.is_group(message.chat_id)
        return keyboard(message.choices, self.case_pages, private=private)

    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")  # Telegram's group and channel ids are negative

    async def deliver(self, message: Outgoing) -> Delivered:
        try:
            if message.edit_of is not None:
                return await self._edit(message, message.edit_of)
            return await self._send(message)
        except TelegramBadRequest as error:
            if message.edit_of is not None and "message is not modified" in error.message:
                return Delivered(message.edit_of)  # the card already says this
            raise _failure(error, message.chat_id) from error
        except (AiogramError, ButtonTooLong, TimeoutError) as error:
            raise _failure(error, message.chat_id) from error

    async def open_topic(self, chat_id: str, name: str) -> str | None:
        """A forum topic in the group (issue 13): its thread id, or None when the group
        is no forum or the bot may not manage its topics (Telegram answers 400)."""
        chat, _thread = address(chat_id)
        try:
            topic = await self.bot.create_forum_topic(chat, name[:MAX_TOPIC_NAME] or "-")
        except TelegramBadRequest as error:
            if any(words in error.message.lower() for words in GONE):
                raise _failure(error, chat_id) from error
            return None
        except (AiogramError, TimeoutError) as error:
            raise _failure(error, chat_id) from error
        return str(topic.message_thread_id)

    async def close_topic(self, chat_id: str, thread: str) -> None:
        """Close a case's topic; one closed already (or deleted) stays as it is."""
        chat, _thread = address(chat_id)
        try:
            await self.bot.close_forum_topic(chat, int(thread))
        except TelegramBadRequest:
            return  # TOPIC_NOT_MODIFIED, TOPIC_ID_INVALID: nothing left to close
        except (AiogramError, TimeoutError) as error:
            raise _failure(error, chat_id) from error

    async def _send(self, message: Outgoing) -> Delivered:
        """One part per call: the picture (if any), then each page of the text, so the
        dispatcher paces every part (1 a second per chat) and records it as it goes
        (issue 11); the keyboard goes with the last part, after all it answers."""
        chat, thread = address(message.chat_id)
        markup = self._keyboard(message)  # checked before any part goes
        parts = _parts(message)
        part = parts[min(message.first_part, len(parts) - 1)]
        last = message.first_part >= len(parts) - 1
        if isinstance(part, bytes):
            picture = BufferedInputFile(part, filename="chart.png")
            sent = await self.bot.send_photo(chat, picture, message_thread_id=thread)
        elif isinstance(part, Document):
            file = BufferedInputFile(part.content, filename=part.name)
            sent = await self.bot.send_document(chat, file, message_thread_id=thread)
        elif isinstance(part, FilePart):
            to = Target(chat, thread, markup if last else None)
            sent = await self.media.send(part, to)
        else:
            sent = await self.bot.send_message(
                chat,
                part,
                message_thread_id=thread,
                parse_mode="HTML",
                reply_markup=markup if last else None,
            )
        return Delivered(str(sent.message_id), parts_sent=message.first_part + 1, more=not last)

    async def _edit(self, message: Outgoing, message_id: str) -> Delivered:
        chat, _thread = address(message.chat_id)
        await self.bot.edit_message_text(
            text=pages(message.text)[0],
            chat_id=chat,
            message_id=int(message_id),
            parse_mode="HTML",
            reply_markup=self._keyboard(message),
        )
        return Delivered(message_id)


def _parts(message: Outgoing) -> list[Part]:
    """What goes, one call each: the picture, the file, the photos and files (issue 13),
    then the text's pages, unless it fits as the first file's caption (1024 characters).
    A file over Telegram's limit goes as the text written for channels without files."""
    if message.document is not None and len(message.document.content) > MAX_FILE_BYTES:
        message = without_document(message)
    parts: list[Part] = [message.image] if message.image is not None else []
    if message.document is not None:
        parts.append(message.document)
    caption = caption_of(message.text) if message.media else None
    for index, attached in enumerate(message.media):
        parts.append(FilePart(attached, caption if index == 0 else None))
    if caption is None and (message.text or not message.media):
        parts.extend(pages(message.text))
    return parts


def _failure(error: Exception, chat_id: str) -> SendFailed:
    """The error as what the dispatcher does next."""
    verdict = _verdict(error, chat_id)
    return SendFailed(
        f"{type(error).__name__}: {error}",
        permanent=verdict.permanent,
        retry_after=verdict.retry_after,
        unreachable=verdict.unreachable,
        moved_to=verdict.moved_to,
    )


@dataclass(frozen=True)
class Verdict:
    permanent: bool = False
    unreachable: bool = False
    retry_after: float | None = None
    moved_to: str | None = None


def _verdict(error: Exception, chat_id: str) -> Verdict:
    """Every Bot API error a send can meet, as retry, park, move, or stop (issue 11)."""
    match error:
        case TelegramUnauthorizedError():
            raise Unrecoverable(REVOKED) from error
        case TelegramRetryAfter():  # only this chat waits; the others go on
            return Verdict(retry_after=error.retry_after)
        case TelegramMigrateToChat():  # a group became a supergroup: same chat, new id
            _chat, thread = address(chat_id)
            return Verdict(
                moved_to=f"{error.migrate_to_chat_id}" + (f":{thread}" if thread else "")
            )
        case TelegramForbiddenError() | TelegramNotFound():  # blocked, removed, chat gone
            return Verdict(permanent=True, unreachable=True)
        case TelegramBadRequest() if any(words in error.message.lower() for words in GONE):
            return Verdict(permanent=True, unreachable=True)
        case TelegramEntityTooLarge() | TelegramBadRequest() | ButtonTooLong():
            return Verdict(permanent=True)  # the same request would fail the same way
        case (
            TelegramNetworkError()
            | TimeoutError()
            | TelegramServerError()
            | TelegramConflictError()
            | ClientDecodeError()
        ):  # it may pass later
            return Verdict()
        case _:  # not an answer we know: the dispatcher parks the row as a fault
            raise error
