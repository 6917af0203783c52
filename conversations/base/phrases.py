"""Finding listed phrases in what people type, respecting words (issue 14).

One Aho-Corasick automaton holds the phrases that count and the near-misses that do not;
a single pass finds every occurrence of both, overlapping ones included. A phrase counts
only where no near-miss overlaps it ('报警' inside '烟雾报警器') and, for Latin letters and
digits, only as a whole word ('sue' not in 'issue', '12345' not inside a longer number).
Chinese has no spaces between words, so its phrases are listed as they are used
('发微博', '投诉到市场监管局') with near-misses beside them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick  # type: ignore[import-not-found]

_COUNTS, _NEAR_MISS = 0, 1


def normal(text: str) -> str:
    """Case and width folded ('１２３１５' is '12315', 'Lawyer' is 'lawyer'), spaces
    collapsed; phrases and texts are compared in this form."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _word_character(character: str) -> bool:
    """A letter or digit that would join a Latin word or a number (CJK characters do
    not: '打12345' holds the number 12345)."""
    return character.isalnum() and unicodedata.east_asian_width(character) in {"Na", "N", "A"}


@dataclass(frozen=True)
class Found:
    """A phrase as listed, where it begins and ends in the normal form of the text."""

    phrase: str
    start: int
    end: int


class Phrases:
    """A compiled phrase list: `find` returns each counting phrase once, first seen first."""

    def __init__(self, counting: Iterable[str], near_misses: Iterable[str] = ()) -> None:
        self._automaton: Any = ahocorasick.Automaton()
        for kind, phrases in ((_NEAR_MISS, near_misses), (_COUNTS, counting)):
            for phrase in phrases:
                if key := normal(phrase):
                    self._automaton.add_word(key, (kind, key, phrase))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def occurrences(self, text: str) -> list[Found]:
        """Every counting phrase in `text`, by position, near-misses and parts of words
        left out."""
        if self._empty:
            return []
        folded = normal(text)
        counting: list[Found] = []
        covered: list[tuple[int, int]] = []
        for end, (kind, key, phrase) in self._automaton.iter(folded):
            start = end - len(key) + 1
            if not _whole(folded, start, end + 1, key):
                continue
            if kind == _NEAR_MISS:
                covered.append((start, end + 1))
            else:
                counting.append(Found(phrase, start, end + 1))
        chosen: list[Found] = []
        for found in sorted(counting, key=lambda f: (f.start, -f.end)):
            taken = [(c.start, c.end) for c in chosen]
            if not _touches(found, covered) and not _touches(found, taken):
                chosen.append(found)
        return chosen

    def find(self, text: str) -> list[str]:
        """The counting phrases in `text`, each once, in the order they first appear."""
        return list(dict.fromkeys(found.phrase for found in self.occurrences(text)))


def _touches(found: Found, spans: list[tuple[int, int]]) -> bool:
    """Overlapping a near-miss ('the media' in 'the media room' is the room) or a phrase
    already taken (leftmost, then longest: 'will sue you' is one threat, not two)."""
    return any(start < found.end and found.start < end for start, end in spans)


def _whole(text: str, start: int, end: int, key: str) -> bool:
    """A phrase that begins or ends with a Latin letter or a digit must not continue a
    word there: 'court' is not in 'courtesy', 'fire' not in 'fired'."""
    if _word_character(key[0]) and start > 0 and _word_character(text[start - 1]):
        return False
    return not (_word_character(key[-1]) and end < len(text) and _word_character(text[end]))
