"""The desk's file store: the photos, files, voice notes and videos people send, kept
under the data directory so they outlive the platform's ids (a Telegram file id dies with
the bot token; a WeChat media id after three days) (issue 13).

Files are stored by content, `attachments/<2 hex>/<sha256>.<ext>`: a resent update (a
webhook retry, a restart during polling) writes nothing new, and two people sending the
same picture share one copy. Paths handed out are relative to the store's root, which is
what Attachment.stored_path and the outbox's "media" keep.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config

FOLDER = "attachments"
MEGABYTE = 1024 * 1024
DEFAULT_MAX_MB = 20  # what the Bot API lets a bot download (getFile)
EXTENSIONS = {"photo": "jpg", "voice": "ogg", "video": "mp4", "document": "bin"}
_SUFFIX = re.compile(r"^[a-z0-9]{1,10}$")
_STORED = re.compile(r"^attachments/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,10}$")


class TooLarge(Exception):
    """A file over the configured limit: not kept, and the sender is told the limit."""

    def __init__(self, size: int, limit_mb: int) -> None:
        super().__init__(f"{size} bytes is over the {limit_mb} MB limit")
        self.size = size
        self.limit_mb = limit_mb


@dataclass(frozen=True)
class Stored:
    """A kept file: its path relative to the store and its size in bytes."""

    path: str
    size: int


class FileStore:
    def __init__(self, root: Path, max_file_mb: int = DEFAULT_MAX_MB) -> None:
        self.root = root
        self.max_file_mb = max_file_mb

    @classmethod
    def for_config(cls, config: Config) -> FileStore:
        """The store under `[paths] data_dir` (absolute once load_config has read it)."""
        folder = Path(config.paths.data_dir or "complaintdesk-files")
        return cls(folder, config.paths.max_file_mb)

    @property
    def max_bytes(self) -> int:
        return self.max_file_mb * MEGABYTE

    def fits(self, size: int | None) -> bool:
        """Whether a file of `size` may be kept; an unknown size is checked on saving."""
        return size is None or size <= self.max_bytes

    async def keep(self, content: bytes, kind: str, name: str | None = None) -> Stored:
        """Save `content` (off the event loop); raises TooLarge above the limit."""
        return await asyncio.to_thread(self.save, content, kind, name)

    def save(self, content: bytes, kind: str, name: str | None = None) -> Stored:
        if not self.fits(len(content)):
            raise TooLarge(len(content), self.max_file_mb)
        digest = hashlib.sha256(content).hexdigest()
        relative = f"{FOLDER}/{digest[:2]}/{digest}.{extension(kind, name)}"
        target = self.root / relative
        if not target.exists():  # same bytes, same name: already kept
            _write_atomically(target, content)
        return Stored(relative, len(content))

    def path_of(self, relative: str | None) -> Path | None:
        """The stored file's location, or None when the path is not one this store hands
        out (a forged '../' path) or the file is gone (deleted by retention, a new disk)."""
        if not relative or not _STORED.match(relative):
            return None
        path = self.root / PurePosixPath(relative)
        return path if path.is_file() else None

    async def read(self, relative: str | None) -> bytes | None:
        path = self.path_of(relative)
        return None if path is None else await asyncio.to_thread(path.read_bytes)

    def remove_unused(self, in_use: set[str], before: float) -> int:
        """Delete the stored files nothing names any more (an erased customer's, a case's
        past retention) and half-written leftovers, when last written before `before`
        (a POSIX time: a file downloaded a moment ago may wait for its commit)."""
        folder = self.root / FOLDER
        if not folder.is_dir():
            return 0
        removed = 0
        for path in folder.glob("*/*"):
            relative = path.relative_to(self.root).as_posix()
            unused = relative not in in_use or path.name.startswith(".part-")
            if unused and path.is_file() and path.stat().st_mtime < before:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def extension(kind: str, name: str | None) -> str:
    """The file name's own extension when it is a plain one, else one for its kind."""
    suffix = PurePosixPath(name or "").suffix.lower().removeprefix(".")
    return suffix if _SUFFIX.match(suffix) else EXTENSIONS.get(kind, "bin")


def _write_atomically(target: Path, content: bytes) -> None:
    """Written beside its place and renamed into it: a crash leaves no half file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
