"""English word forms (issue 19): a category phrase listed once counts in its other forms
('charge' in 'charged', 'leaking' in 'leaks', 'slipped' in 'slips'), as whole-word
matching would miss them. Only the last word of a phrase is inflected; a form made that no
one writes ('chargs') is harmless, as it never matches."""

from __future__ import annotations

import re

_LAST_WORD = re.compile(r"^(.*?\b)([a-z]{3,})$")
_VOWELS = "aeiou"


def forms(phrase: str) -> list[str]:
    """`phrase` and the other forms of its last word (-s, -es, -ed, -ing)."""
    match = _LAST_WORD.match(phrase) if phrase.isascii() else None
    if match is None:
        return [phrase]
    head, word = match[1], match[2]
    made = {form for base in _bases(word) for form in _inflected(base)}
    return [phrase, *sorted(head + form for form in made - {word})]


def _bases(word: str) -> set[str]:
    """What the word may be a form of: 'charged' of 'charge', 'slipped' of 'slip'."""
    if word.endswith(("ies", "ied")):
        return {word[:-3] + "y"}
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in _VOWELS + "ls":
                base = base[:-1]
            return {base, base + "e"}
    if word.endswith("es") and len(word) >= 5:
        return {word[:-2], word[:-1]}
    if word.endswith("s") and not word.endswith("ss") and len(word) >= 4:
        return {word[:-1]}
    return {word}


def _inflected(base: str) -> set[str]:
    made = {base, base + "s"}
    if base.endswith(("s", "x", "ch", "sh", "o")):
        made.add(base + "es")
    if base.endswith("e"):
        made |= {base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2:-1] not in _VOWELS:
        made |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    else:
        made |= {base + "ed", base + "ing"}
    if 3 <= len(base) <= 4 and _closed(base):
        made |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return made


def _closed(base: str) -> bool:
    """'ship', 'drop', 'slip': consonant, vowel, consonant doubles before -ed, -ing."""
    return base[-1] not in _VOWELS + "wxy" and base[-2] in _VOWELS and base[-3] not in _VOWELS
