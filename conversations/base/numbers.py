"""Numbers however a person writes them (issue 15): full-width digits, Chinese numerals,
digits split by spaces, dots, slashes, brackets or invisible characters.

`runs` finds each stretch of digits that separators hold together, as groups with their
places in the original text, so a finding can be masked where it was written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Chinese numerals as they spell a phone number (幺 is "one" read aloud), simplified,
# traditional and the financial forms written on receipts.
CHINESE_DIGITS = {
    **dict.fromkeys("〇零", "0"),
    **dict.fromkeys("一幺壹", "1"),
    **dict.fromkeys("二两兩贰貳", "2"),
    **dict.fromkeys("三叁參", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆陸", "6"),
    **dict.fromkeys("七柒", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖", "9"),
}
# What people put between the digits of one number; Zs and Cf (spaces, non-breaking and
# zero-width characters) count too.
SEPARATORS = frozenset(" -./()[]_·~—–‐‑‒―、")
# Where a run may start (a cheap search before the character-by-character walk).
DIGITISH = re.compile("[\\d\u2460-\u2468\u24ea" + "".join(CHINESE_DIGITS) + "]")
MAX_GAP = 3  # separators in a row that still join two groups: "(010) 1234", " - "


@dataclass(frozen=True)
class Group:
    """Digits written together; `start`/`end` are places in the original text."""

    digits: str
    start: int
    end: int


@dataclass(frozen=True)
class Run:
    groups: tuple[Group, ...]
    plus: int | None  # where a '+' stands right before the first group


def digit(char: str) -> str | None:
    """The digit a character stands for: 8, ８, 八, 捌, ⑧ all give '8'."""
    if char.isascii():
        return char if char.isdigit() else None
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if char in CHINESE_DIGITS:
        return CHINESE_DIGITS[char]
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 and folded.isascii() and folded.isdigit() else None


def is_separator(char: str) -> bool:
    if char.isascii():
        return char in SEPARATORS
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded in SEPARATORS:
        return True
    return unicodedata.category(char) in ("Zs", "Cf")


def runs(text: str) -> list[Run]:
    """Every run of digit groups; an 'X' after the 17th digit ends an ID-card number."""
    found: list[Run] = []
    index, size = 0, len(text)
    while (start := DIGITISH.search(text, index)) is not None:
        index = start.start()
        groups: list[Group] = []
        plus = _plus_before(text, index)
        while True:
            group, index = _group(text, index, sum(len(g.digits) for g in groups))
            groups.append(group)
            after = index
            while after < size and after - index < MAX_GAP and is_separator(text[after]):
                after += 1
            if after == index or after >= size or digit(text[after]) is None:
                break
            index = after
        found.append(Run(tuple(groups), plus))
    return found


def _group(text: str, index: int, before: int) -> tuple[Group, int]:
    start, digits = index, []
    while index < len(text) and (value := digit(text[index])) is not None:
        digits.append(value)
        index += 1
    if before + len(digits) == 17 and index < len(text) and text[index] in "Xx×ｘＸ":
        digits.append("X")
        index += 1
    return Group("".join(digits), start, index), index


def _plus_before(text: str, index: int) -> int | None:
    back = index - 1
    while back >= 0 and index - back <= 2 and is_separator(text[back]):
        back -= 1
    if back >= 0 and text[back] in "+＋":
        return back
    return None
