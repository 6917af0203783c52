"""Telegram's message rules: HTML escaping, 4096-character limit, 64-byte button data."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from conversations.actions import CaseButton, CaseVerb, decode

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
# A raw piece this long stays under MAX_TEXT even if every character is escaped (&amp;)
# or is an emoji (Telegram counts UTF-16 code units: two for a character beyond U+FFFF).
_RAW_PIECE = MAX_TEXT // 5


class ButtonTooLong(ValueError):
    """An action does not fit Telegram's 64-byte callback data."""


def pages(text: str) -> list[str]:
    """The escaped text in pieces of at most 4096 characters, split at line boundaries."""
    chunks: list[str] = []
    current = ""
    for line in _lines(text):
        escaped = html.escape(line, quote=False)
        if current and _units(current) + _units(escaped) > MAX_TEXT:
            chunks.append(current.rstrip("\n"))
            current = ""
        current += escaped
    if current or not chunks:
        chunks.append(current.rstrip("\n"))
    return chunks


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), escapes counted in full."""
    return len(text.encode("utf-16-le")) // 2


def _lines(text: str) -> list[str]:
    """Lines with their newline; a line too long for one message is cut in raw pieces."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > _RAW_PIECE:
            pieces.append(line[:_RAW_PIECE])
            line = line[_RAW_PIECE:]
        pieces.append(line)
    return pieces


@dataclass(frozen=True)
class Pages:
    """Where the Mini App lives ([miniapp] url and link), for the Details button."""

    url: str
    link: str | None = None


def keyboard(
    choices: list[dict[str, str]], pages: Pages | None = None, *, private: bool = False
) -> InlineKeyboardMarkup | None:
    """One button per row: labels in Chinese run long, and rows keep them readable."""
    if not choices:
        return None
    rows = []
    for choice in choices:
        data = choice["action"]
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            msg = f"button action over {MAX_CALLBACK_BYTES} bytes: {data!r}"
            raise ButtonTooLong(msg)
        label = choice["label"][:64]
        opened = _case_page(label, data, pages, private) if pages else None
        rows.append([opened or InlineKeyboardButton(text=label, callback_data=data)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _case_page(label: str, data: str, pages: Pages, private: bool) -> InlineKeyboardButton | None:
    """Details opens the case page (issue 16): a web_app button in a private chat; in a
    group, where Telegram allows no web_app button, the Mini App's direct link."""
    action = decode(data)
    if not isinstance(action, CaseButton) or action.verb is not CaseVerb.DETAILS:
        return None
    number = quote(action.number, safe="")
    if private:
        return InlineKeyboardButton(
            text=label, web_app=WebAppInfo(url=f"{pages.url}/app/case/{number}")
        )
    if pages.link:
        return InlineKeyboardButton(text=label, url=f"{pages.link}?startapp={number}")
    return None


def address(chat: str) -> tuple[int, int | None]:
    """'-1001234' -> (chat, None); '-1001234:56' -> (chat, forum topic 56)."""
    chat_id, _, thread = chat.partition(":")
    return int(chat_id), int(thread) if thread else None
