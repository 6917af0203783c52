"""The files of an update, downloaded into the desk's file store before it is dispatched
(issue 13): a Telegram file id dies with the bot token, the stored copy does not.

A file over the configured limit is not downloaded: it leaves the message and the flow
tells the person the limit (`Inbound.too_large_mb`); their words still count. A download
that fails (network, Telegram 5xx) keeps the file id and logs: the case still gets the
reference, and a redelivered update downloads again (the store keeps one copy).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiohttp import ClientError

from bot.files import FileStore, TooLarge
from conversations.base.messages import Inbound, Media

log = logging.getLogger(__name__)
DOWNLOAD_SECONDS = 60
TOO_BIG = "file is too big"  # getFile's answer above the Bot API's 20 MB


class Downloads:
    def __init__(self, bot: Bot, files: FileStore) -> None:
        self.bot = bot
        self.files = files

    async def fetched(self, inbound: Inbound) -> Inbound:
        """The update with each file kept (path, size), oversize ones left out."""
        if not inbound.media:
            return inbound
        kept: list[Media] = []
        for media in inbound.media:
            fetched = await self._fetch(inbound, media) if self.files.fits(media.size) else None
            if fetched is None:
                log.info(
                    "telegram_file_too_large update=%s kind=%s size=%s",
                    inbound.update_id,
                    media.kind,
                    media.size,
                )
                continue
            kept.append(fetched)
        refused = len(kept) < len(inbound.media)
        return replace(
            inbound,
            media=tuple(kept),
            too_large_mb=self.files.max_file_mb if refused else inbound.too_large_mb,
        )

    async def _fetch(self, inbound: Inbound, media: Media) -> Media | None:
        """The media with its stored copy; None when it is too large to keep."""
        try:
            file = await self.bot.get_file(media.ref)
            if not self.files.fits(file.file_size):
                return None
            if file.file_path is None:  # Telegram had no copy to give: keep the id
                log.warning("telegram_file_without_path update=%s", inbound.update_id)
                return media
            content = await self.bot.download_file(file.file_path, timeout=DOWNLOAD_SECONDS)
            assert content is not None  # a BytesIO when no destination is given
            stored = await self.files.keep(content.read(), media.kind, media.name)
        except TooLarge:
            return None
        except TelegramBadRequest as error:
            if TOO_BIG in error.message.lower():
                return None
            _failed(inbound, media, error)
            return media
        except (TelegramAPIError, ClientError, TimeoutError, OSError) as error:
            _failed(inbound, media, error)
            return media
        return replace(media, path=stored.path, size=stored.size)


def _failed(inbound: Inbound, media: Media, error: Exception) -> None:
    log.warning(
        "telegram_file_not_downloaded update=%s kind=%s error=%s",
        inbound.update_id,
        media.kind,
        type(error).__name__,
    )
