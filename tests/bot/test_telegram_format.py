"""Telegram's text rules: every piece within 4,096 UTF-16 code units, escapes intact."""

from __future__ import annotations

import html

import pytest

from bot.telegram.format import MAX_TEXT, pages


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    "text",
    [
        "😀" * 3000,  # two code units each: 3,000 characters are 6,000 units
        ("漏水😀\n" * 1500),
        "<&>" * 3000,  # every character escaped
        "a" * 9000,
    ],
)
def test_every_page_fits_telegram_and_the_text_survives_whole(text: str) -> None:
    parts = pages(text)
    assert all(utf16(part) <= MAX_TEXT for part in parts)
    assert all(
        "&" not in part.replace("&lt;", "").replace("&gt;", "").replace("&amp;", "")
        for part in parts
    )  # no escape cut in half
    assert "".join(html.unescape(part) for part in parts).replace("\n", "") == text.replace(
        "\n", ""
    )
