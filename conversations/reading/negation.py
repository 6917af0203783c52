"""Words said to be unwanted (issue 19): '不要退款', 'not a refund', 'no more repairs'.
A phrase shortly after a negation, in the same clause and with no 'but'/'只要' between,
is negated; wishes and category phrases both ask."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from conversations.base.phrases import Found, Phrases, normal

NEGATIONS = (
    "不要", "不用", "不需要", "不想要", "不是要", "不必", "无需", "無需", "不求", "别", "別",
    "don't want", "do not want", "don't need", "do not need", "not a", "not asking for",
    "not looking for", "no need for", "instead of", "rather than", "not interested in",
    "don't", "do not", "no more", "never mind",
)  # fmt: skip

# A phrase after one of these is meant even when a negation came before it.
CONTRASTS = ("只要", "只是", "而是", "就要", "就是要", "but", "just", "only", "instead")

_CLAUSE_ENDS = "，。！？；,.!?;\n"


@cache
def _negations() -> Phrases:
    return Phrases(NEGATIONS)


@cache
def _contrasts() -> Phrases:
    return Phrases(CONTRASTS)


@dataclass(frozen=True)
class Negations:
    """The negations and contrasts of one text, found once."""

    folded: str
    negations: tuple[Found, ...]
    contrasts: tuple[Found, ...]

    @classmethod
    def of(cls, text: str) -> Negations:
        negations = tuple(_negations().occurrences(text))
        contrasts = tuple(_contrasts().occurrences(text)) if negations else ()
        return cls(normal(text), negations, contrasts)

    def negate(self, found: Found, reach: int = 8) -> bool:
        """Whether a negation at most `reach` characters before `found` negates it."""
        for negation in self.negations:
            gap = self.folded[negation.end : found.start]
            if negation.end <= found.start <= negation.end + reach and not any(
                c in gap for c in _CLAUSE_ENDS
            ):
                return not any(negation.end <= c.start < found.start for c in self.contrasts)
        return False
