"""A text cut into messages of at most `limit` UTF-8 bytes, for WeChat's size limit:
split at line ends where it can, inside a line (at a character's edge) where it must."""

from __future__ import annotations

from collections.abc import Iterator


def byte_pages(text: str, limit: int) -> list[str]:
    """The text's pages in order; at least one (an empty text is one empty page)."""
    pages, current = [], ""
    for piece in _pieces(text, limit):
        if current and len((current + piece).rstrip("\n").encode()) > limit:
            pages.append(current)
            current = ""
        current += piece
    pages.append(current)
    kept = [page.strip("\n") for page in pages if page.strip("\n")]  # no blank page
    return kept or [""]


def _pieces(text: str, limit: int) -> Iterator[str]:
    """Each line with its line end, a line over the limit in parts within it."""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:
            head = line.encode()[:limit].decode(errors="ignore") or line[0]  # char edge
            yield head
            line = line[len(head) :]
        yield line
