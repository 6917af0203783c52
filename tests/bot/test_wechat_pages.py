"""WeChat's text pages: within the byte limit, never cutting a character in two."""

from __future__ import annotations

from bot.wechat.pages import byte_pages


def test_a_cut_inside_a_line_falls_on_a_character_edge() -> None:
    text = "a" + "😀" * 10  # 4-byte characters: a 16-byte cut would split the fourth
    pages = byte_pages(text, 16)
    assert "".join(pages) == text
    assert all(len(page.encode()) <= 16 for page in pages)


def test_lines_are_kept_whole_when_they_fit() -> None:
    assert byte_pages("一二\n三四\n五", 13) == ["一二\n三四", "五"]
    assert byte_pages("", 2048) == [""]
