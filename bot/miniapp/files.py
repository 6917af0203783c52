"""A case's photos and files, fetched from the platform on demand and passed through our
server (never a public URL): Telegram's getFile, then the file download (issue 16)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiogram import Bot


class FileSource(Protocol):
    async def fetch(self, file_ref: str) -> tuple[bytes, str]:
        """The file's bytes and content type."""


@dataclass(frozen=True)
class TelegramFiles:
    bot: Bot

    async def fetch(self, file_ref: str) -> tuple[bytes, str]:
        found = await self.bot.get_file(file_ref)
        assert found.file_path is not None
        data = await self.bot.download_file(found.file_path)
        assert data is not None
        kind = mimetypes.guess_type(found.file_path)[0] or "application/octet-stream"
        return data.read(), kind
