"""A case's photos and files passed through our server (never a public URL): the file
store's copy (issue 13), else fetched from the platform on demand: Telegram's getFile,
then the file download (issue 16)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiogram import Bot

    from bot.miniapp.readers import MiniApp
    from storage.models import Attachment

# Shown in the page; anything else (an SVG could carry script) is a download.
INLINE = {"image/jpeg", "image/png", "image/gif", "image/webp"}


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


async def stored_file(mini: MiniApp, attachment: Attachment) -> tuple[bytes, str] | None:
    """The bytes and content type, or None when neither the store nor the platform has it."""
    if mini.store is not None and attachment.stored_path:
        data = await mini.store.read(attachment.stored_path)  # only paths it hands out
        if data is not None:
            kind = mimetypes.guess_type(attachment.stored_path)[0] or "application/octet-stream"
            return data, kind
    if mini.files is not None and attachment.channel == "telegram":
        return await mini.files.fetch(attachment.file_ref)
    return None


def file_headers(kind: str, attachment: Attachment) -> dict[str, str]:
    headers = {"Cache-Control": "private, no-store"}
    if kind not in INLINE:
        name = "".join(c for c in (attachment.file_name or "file") if c.isalnum() or c in "._-")
        headers["Content-Disposition"] = f'attachment; filename="{name or "file"}"'
    return headers
