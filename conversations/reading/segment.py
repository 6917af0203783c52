"""Whole words (issue 19): a listed phrase counts where it does not cut a word. Latin
letters and digits must not continue it; in Chinese, which has no spaces, jieba cuts the
text into words and a phrase counts unless a word straddles its edge ('门口' is not in
'部门|口碑', '收到' not in '没收|到'); inside one word it counts ('赔偿' in '赔偿损失').

jieba's own dictionary (349,046 words) costs about 75 MB of memory and a second to load;
the reader needs only jieba's words to find where words end, so it loads the 60,000 most
frequent of them (`jieba_words.txt`: jieba 0.42.1's dict.txt sorted by frequency, cut at
60,000; about 5 MB and 0.1 s, the same accuracy on the story corpus). A serving desk loads
it before its first update (bot/app.py); elsewhere the first Chinese story does.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick  # type: ignore[import-not-found]

from conversations.base.phrases import Found, normal

WORDS = Path(__file__).with_name("jieba_words.txt")  # see the module's docstring
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_COUNTS, _NEAR_MISS = 0, 1


@cache
def _tokenizer() -> Any:
    import jieba  # type: ignore[import-untyped]  # deferred: the dictionary load is slow

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer(dictionary=str(WORDS))
    tokenizer.initialize()
    return tokenizer


def load() -> None:
    """Load the dictionary now (a benchmark measures it apart from the reading)."""
    _tokenizer()


def words(folded: str) -> list[tuple[int, int]]:
    """jieba's words of a normal-form text as (start, end); none without Chinese."""
    if not _CJK.search(folded):
        return []
    spans, offset = [], 0
    for word in _tokenizer().cut(folded, HMM=False):
        spans.append((offset, offset + len(word)))
        offset += len(word)
    return spans


class WordPhrases:
    """Phrases found as whole words, near-misses ('准时送到' holds no '送到') left out,
    then leftmost-longest: like `conversations.base.phrases.Phrases`, with the word test
    made before overlapping phrases are dropped, so '全额退' cut by '全额|退款' leaves
    '退款' standing."""

    def __init__(self, counting: Iterable[str], near_misses: Iterable[str] = ()) -> None:
        counting = list(counting)
        self._automaton: Any = ahocorasick.Automaton()
        for kind, phrases in ((_NEAR_MISS, near_misses), (_COUNTS, counting)):
            for phrase in phrases:
                if key := normal(phrase):
                    self._automaton.add_word(key, (kind, key))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()
        self._words = [normal(p) for p in counting if _CJK.search(p)]
        self._taught: Any = None  # the tokenizer taught these words

    def _teach(self) -> None:
        """jieba keeps the listed phrases whole ('换新' in '换新机', not '换|新机')."""
        tokenizer = _tokenizer()
        if self._taught is not tokenizer:
            for word in self._words:
                tokenizer.add_word(word)
            self._taught = tokenizer

    def occurrences(self, text: str) -> list[Found]:
        """Each phrase occurrence kept, by position; `phrase` is its normal form."""
        folded = normal(text)
        if self._empty or not folded:
            return []
        if _CJK.search(folded):
            self._teach()
        spans = words(folded)
        counting: list[Found] = []
        covered: list[Found] = []
        for end, (kind, key) in self._automaton.iter(folded):
            found = Found(key, end - len(key) + 1, end + 1)
            if not _latin_whole(folded, found) or _cut(found, spans):
                continue
            (covered if kind == _NEAR_MISS else counting).append(found)
        chosen: list[Found] = []
        for found in sorted(counting, key=lambda f: (f.start, -f.end)):
            if not _overlaps(found, covered) and not _overlaps(found, chosen):
                chosen.append(found)
        return chosen


def _overlaps(found: Found, others: list[Found]) -> bool:
    return any(o.start < found.end and found.start < o.end for o in others)


def _cut(found: Found, spans: list[tuple[int, int]]) -> bool:
    """A word that begins before the phrase and ends inside it, or begins inside it and
    ends after it."""
    return any(
        (start < found.start < end < found.end) or (found.start < start < found.end < end)
        for start, end in spans
    )


def _latin(character: str) -> bool:
    return character.isalnum() and unicodedata.east_asian_width(character) in {"Na", "N", "A"}


def _latin_whole(folded: str, found: Found) -> bool:
    """'sue' is not in 'issue': a phrase beginning or ending with a Latin letter or digit
    does not continue a word there."""
    first, last = found.phrase[0], found.phrase[-1]
    if _latin(first) and found.start > 0 and _latin(folded[found.start - 1]):
        return False
    return not (_latin(last) and found.end < len(folded) and _latin(folded[found.end]))
