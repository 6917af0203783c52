"""Files to and from WeChat and WeCom (issue 13).

In: an image or voice message carries only a media_id, which WeChat keeps for three days;
the file is fetched (media/get) into the desk's file store before the message is
dispatched, so the case keeps it. A failed fetch keeps the media_id and is logged (a
resent callback fetches again); a file over the store's limit is not kept.
Out: a stored file is uploaded as temporary media (media/upload) to be sent by media_id.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, replace

from bot.files import FileStore
from bot.files import TooLarge as OverLimit
from bot.wechat.api import PlatformAPI, TooLarge
from conversations.base.messages import Inbound, Media
from notifications.senders import Attached, SendFailed

log = logging.getLogger(__name__)
MEDIA_GET = "/cgi-bin/media/get"
MEDIA_UPLOAD = "/cgi-bin/media/upload"
# What WeChat takes as temporary media and sends as a message of that kind: images up
# to 10 MB (bmp/png/jpeg/gif), voice up to 2 MB and 60 s (amr/mp3) (素材管理: 新增临时素材).
SENDABLE = {
    "photo": ("image", {".jpg", ".jpeg", ".png", ".gif", ".bmp"}, 10 * 2**20),
    "voice": ("voice", {".amr", ".mp3"}, 2 * 2**20),
}


@dataclass(frozen=True)
class Fetcher:
    """Keeps the files of an inbound message: Media gets its stored path, size and name."""

    api: PlatformAPI
    store: FileStore

    async def keep(self, inbound: Inbound) -> Inbound:
        if not inbound.media:
            return inbound
        kept = tuple([await self._kept(inbound, item) for item in inbound.media])
        return replace(inbound, media=kept)

    async def _kept(self, inbound: Inbound, item: Media) -> Media:
        try:
            found = await self.api.download(MEDIA_GET, {"media_id": item.ref}, self.store.max_bytes)
        except TooLarge as error:
            log.warning("media_too_large update=%s size=%s", inbound.update_id, error.size)
            return item
        except SendFailed as error:  # the media_id stays: it can be fetched for 3 days
            log.warning("media_fetch_failed update=%s reason=%s", inbound.update_id, error)
            return item
        name = item.name or found.name or _named(item.kind, found.content_type)
        try:
            stored = await self.store.keep(found.data, item.kind, name)
        except OverLimit:
            log.warning("media_too_large update=%s size=%s", inbound.update_id, len(found.data))
            return item
        return replace(item, path=stored.path, size=stored.size, name=name)


def _named(kind: str, content_type: str) -> str:
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return f"{kind}{'.jpg' if extension == '.jpe' else extension}"


def sendable(item: Attached) -> str | None:
    """WeChat's media type for the file when it can go as an image or voice message."""
    rule = SENDABLE.get(item.kind)
    if rule is None:
        return None
    media_type, extensions, _limit = rule
    name = (item.name or item.path or "").lower()
    if not name:  # only the platform's id: the platform knows its type
        return media_type
    return media_type if any(name.endswith(e) for e in extensions) else None


async def media_id(
    api: PlatformAPI, store: FileStore | None, item: Attached, channel: str
) -> str | None:
    """A media_id to send the file by: its own when it came from this channel and was
    not kept, else the stored copy uploaded; None when neither is there (or too big)."""
    media_type = sendable(item)
    if media_type is None:
        return None
    data = await store.read(item.path) if store is not None and item.path else None
    if data is None:
        return item.ref if item.channel == channel and item.ref else None
    if len(data) > SENDABLE[item.kind][2]:
        return None
    name = item.name or item.path or "file"
    return await api.upload(MEDIA_UPLOAD, media_type, data, name.rsplit("/", 1)[-1])
