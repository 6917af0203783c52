"""Whole words in Chinese (issue 19): jieba cuts the text into words, and a listed phrase
counts only where it begins and ends between words ('门口' is not in '部门口碑').

jieba's dictionary takes most of a second to load, so it is loaded on the first Chinese
story, once per process, and not when the desk starts.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from conversations.base.phrases import Found, Phrases, normal

_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


@cache
def _tokenizer() -> Any:
    import jieba  # type: ignore[import-untyped]  # deferred: the dictionary load is slow

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def load() -> None:
    """Load the dictionary now (a benchmark measures it apart from the reading)."""
    _tokenizer()


def boundaries(folded: str) -> frozenset[int] | None:
    """The offsets between jieba's words in a normal-form text; None without Chinese
    (Latin words are whole-word matched by `Phrases` already)."""
    if not _CJK.search(folded):
        return None
    edges, offset = {0}, 0
    for word in _tokenizer().cut(folded, HMM=False):
        offset += len(word)
        edges.add(offset)
    return frozenset(edges)


def whole_words(phrases: Phrases, text: str) -> list[Found]:
    """The phrases of `phrases` found in `text` that begin and end between words."""
    found = phrases.occurrences(text)
    edges = boundaries(normal(text)) if found else None
    if edges is None:
        return found
    return [f for f in found if f.start in edges and f.end in edges]
