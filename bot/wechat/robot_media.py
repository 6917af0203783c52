"""Files in a WeCom group robot's message (issue 13): the markdown names each file on a
line; a stored photo of 2 MB at most follows as an image message (base64 and md5, the
only way a robot sends a picture without an upload)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from bot.files import FileStore
from bot.wechat.inert import inert_markdown
from conversations.base.i18n import translation
from conversations.base.policy import Language
from notifications.senders import Attached

ROBOT_IMAGE_BYTES = 2 * 2**20  # a robot's image message: jpg or png, 2 MB at most
ROBOT_IMAGE_TYPES = (".jpg", ".jpeg", ".png")


async def robot_photos(store: FileStore | None, media: Sequence[Attached]) -> list[bytes]:
    """The photos that go as images, in order."""
    photos = []
    for item in media:
        path = (item.path or "").lower()
        if store is None or item.kind != "photo" or not path.endswith(ROBOT_IMAGE_TYPES):
            continue
        data = await store.read(item.path or "")
        if data is not None and len(data) <= ROBOT_IMAGE_BYTES:
            photos.append(data)
    return photos


def robot_line(item: Attached, language: Language) -> str:
    t = translation(language)
    name = inert_markdown(item.name or (item.path or "").rsplit("/", 1)[-1] or item.kind)
    return t.gettext("> Attached: {name}").format(name=name)


def robot_image(data: bytes) -> dict[str, object]:
    encoded = base64.b64encode(data).decode()
    return {"msgtype": "image", "image": {"base64": encoded, "md5": hashlib.md5(data).hexdigest()}}
