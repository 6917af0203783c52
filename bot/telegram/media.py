"""A photo, file, voice note or video of an outbox message, as one Bot API call (issue 13).

A file that came from Telegram goes by its file id (the same bot may reuse it, no
upload); one from another channel, or whose id Telegram no longer knows, is uploaded
from the desk's file store. With neither, the text goes with a line saying the file
could not be attached: a message is never dropped for its file.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.files import MEGABYTE, FileStore
from bot.telegram.convert import CHANNEL
from bot.telegram.format import pages
from conversations.base.i18n import translation
from conversations.base.policy import Language
from notifications.senders import Attached

log = logging.getLogger(__name__)
MAX_CAPTION = 1024  # Telegram's caption limit, in characters as it counts them
MAX_PHOTO_UPLOAD = 10 * MEGABYTE  # sendPhoto's; a bigger picture goes as a document
MAX_UPLOAD = 50 * MEGABYTE  # any other upload's (with [paths] max_file_mb set above it)
FileSource = str | BufferedInputFile
# Telegram's answers to a file id it will not send (another bot's token, expired): the
# stored copy goes instead, or the line saying the file could not be attached.
FILE_REFUSED = ("wrong file identifier", "file reference", "wrong remote file", "file_id")


@dataclass(frozen=True)
class FilePart:
    """One file of a message, with the message's text as its caption when it fits."""

    attached: Attached
    caption: str | None = None  # escaped HTML, as `pages` makes it


@dataclass(frozen=True)
class Target:
    chat: int
    thread: int | None
    markup: InlineKeyboardMarkup | None


def caption_of(text: str) -> str | None:
    """The text as a caption, or None when it is empty or longer than a caption may be."""
    escaped = pages(text)
    if (
        len(escaped) != 1
        or not escaped[0]
        or len(escaped[0].encode("utf-16-le")) // 2 > MAX_CAPTION
    ):
        return None
    return escaped[0]


class MediaSender:
    def __init__(self, bot: Bot, files: FileStore | None, language: Language) -> None:
        self.bot = bot
        self.files = files
        self.language = language

    async def send(self, part: FilePart, to: Target) -> Message:
        attached = part.attached
        if attached.channel == CHANNEL and attached.ref:
            try:
                return await self._call(attached, attached.ref, part.caption, to)
            except TelegramBadRequest as error:  # an id from another token, or expired
                if not any(words in error.message.lower() for words in FILE_REFUSED):
                    raise
                log.info("telegram_file_id_refused error=%s", error.message[:80])
        upload = await self._upload(attached)
        if upload is None:
            return await self._missing(part, to)
        return await self._call(attached, upload, part.caption, to)

    async def _upload(self, attached: Attached) -> BufferedInputFile | None:
        content = await self.files.read(attached.path) if self.files is not None else None
        if content is None or len(content) > MAX_UPLOAD:  # gone, or more than a bot may send
            return None
        name = attached.name or PurePosixPath(attached.path or "file").name
        return BufferedInputFile(content, filename=name)

    async def _call(
        self, attached: Attached, source: FileSource, caption: str | None, to: Target
    ) -> Message:
        big = isinstance(source, BufferedInputFile) and len(source.data) > MAX_PHOTO_UPLOAD
        kind = "document" if attached.kind == "photo" and big else attached.kind
        methods: dict[str, Callable[..., Awaitable[Message]]] = {
            "photo": self.bot.send_photo,
            "voice": self.bot.send_voice,
            "video": self.bot.send_video,
        }
        send = methods.get(kind, self.bot.send_document)
        return await send(
            to.chat,
            source,
            caption=caption,
            parse_mode="HTML" if caption else None,
            message_thread_id=to.thread,
            reply_markup=to.markup,
        )

    async def _missing(self, part: FilePart, to: Target) -> Message:
        """The caption the file would have carried, and a line that it could not be."""
        log.warning(
            "telegram_file_missing kind=%s channel=%s", part.attached.kind, part.attached.channel
        )
        t = translation(self.language).gettext
        name = part.attached.name
        line = (
            t("(A file could not be attached: {name})").format(name=name)
            if name
            else t("(A photo or file could not be attached.)")
        )
        text = "\n\n".join(p for p in (part.caption, pages(line)[0]) if p)
        return await self.bot.send_message(
            to.chat, text, message_thread_id=to.thread, parse_mode="HTML", reply_markup=to.markup
        )
