"""A message with files, as WeChat and WeCom can send it (issue 13).

Customer-service and app messages carry images and voice by media_id, never an
arbitrary file: each image or voice note goes as its own message (one part, one call,
so a retry resends none), then the text; every other file, and one that cannot be had,
is a line of the text, never a silent drop. A template message (outside the window)
says a photo was sent and links to it when the desk has a public address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.files import FileStore
from bot.wechat.media import sendable
from conversations.base.i18n import translation
from conversations.base.policy import Language
from notifications.senders import Attached, Delivered


@dataclass(frozen=True)
class Split:
    """The files that go as messages of their own, and the text with a line for each
    file that does not."""

    files: list[Attached]
    text: str


async def split(
    store: FileStore | None,
    message_text: str,
    media: Sequence[Attached],
    channel: str,
    language: Language,
) -> Split:
    files, lines = [], []
    for item in media:
        if sendable(item) is not None and await _available(store, item, channel):
            files.append(item)
        else:
            lines.append(file_line(item, language, await _available(store, item, channel)))
    return Split(files, "\n".join([message_text, *lines]).strip("\n"))


async def _available(store: FileStore | None, item: Attached, channel: str) -> bool:
    if store is not None and item.path and await store.read(item.path) is not None:
        return True
    return item.channel == channel and bool(item.ref)


def file_line(item: Attached, language: Language, available: bool) -> str:
    t = translation(language)
    if not available:
        return t.gettext("(A file could not be attached.)")
    name = item.name or (item.path or "").rsplit("/", 1)[-1] or item.kind
    return t.gettext("(Attached file: {name}. WeChat cannot carry it here.)").format(name=name)


def notice(media: Sequence[Attached], language: Language, linked: bool) -> str:
    """A template keyword (20 characters at most) saying what was sent."""
    t = translation(language)
    if any(item.kind == "photo" for item in media):
        if linked:
            return t.gettext("We sent you a photo: tap to view")
        return t.gettext("We sent you a photo: reply to us")
    return t.gettext("We sent you a file: reply to us")


async def one_part(
    number: int,
    files: Sequence[Attached],
    pages: Sequence[str],
    send_file: Callable[[Attached], Awaitable[None]],
    send_text: Callable[[str], Awaitable[None]],
) -> Delivered:
    """Part `number` of files-then-pages, sent; what remains said in `more`."""
    total = len(files) + len(pages)
    number = min(number, total - 1)
    if number < len(files):
        await send_file(files[number])
    else:
        await send_text(pages[number - len(files)])
    return Delivered(None, parts_sent=number + 1, more=number + 1 < total)
