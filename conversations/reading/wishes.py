"""What the customer asks for (issue 19): wish phrases in the three languages, a wish
that is negated ('不要退款', 'not a refund') or told as a past fact ('修了三次') left out,
the last wish standing winning ('不要退款，只要换一个' is a replacement).

These are facts of the languages, not of the business, so they live in the code.
"""

from __future__ import annotations

from functools import cache

from conversations.base.phrases import Found, Phrases, normal
from conversations.base.values import Wanted
from conversations.reading.segment import whole_words

WISHES: dict[Wanted, tuple[str, ...]] = {
    Wanted.REFUND: (
        "退款", "退钱", "退货", "退费", "全额退", "把钱退", "钱退给我", "退回",
        "退錢", "退貨", "退費", "全額退", "把錢退", "錢退給我",
        "refund", "refunded", "money back", "my money", "reimburse", "reimbursed",
    ),
    Wanted.REPLACEMENT: (
        "换一个", "换个新的", "换新", "换货", "更换", "重新发", "补发", "重发", "换一台",
        "換一個", "換個新的", "換新", "換貨", "重新發", "補發", "重發", "換一台",
        "replacement", "replace it", "replace the", "a new one", "exchange", "swap it",
        "send another", "resend",
    ),
    Wanted.REPAIR: (
        "维修", "修好", "修理", "修一下", "上门修", "来修", "修复", "修一修",
        "維修", "修理", "修一下", "上門修", "來修", "修復",
        "repair", "repaired", "fix it", "fix the", "fixed", "get it fixed", "mend",
    ),
    Wanted.APOLOGY: (
        "道歉", "赔礼", "致歉", "赔个不是", "賠禮", "賠個不是",
        "apology", "apologise", "apologize", "say sorry",
    ),
    Wanted.COMPENSATION: (
        "赔偿", "补偿", "赔钱", "赔我", "賠償", "補償", "賠錢", "賠我",
        "compensation", "compensate", "compensated", "damages", "pay for the",
    ),
    Wanted.EXPLANATION: (
        "解释", "说法", "交代", "说明原因", "给个理由", "解釋", "說法", "交代", "說明原因",
        "explanation", "explain", "tell me why", "know why", "an answer",
    ),
}  # fmt: skip

NEGATIONS = (
    "不要", "不用", "不需要", "不想要", "不是要", "不必", "无需", "無需", "不求", "别", "別",
    "don't want", "do not want", "don't need", "do not need", "not a", "not asking for",
    "not looking for", "no need for", "instead of", "rather than", "not interested in",
)  # fmt: skip

# A wish after one of these is asked for even when a negation came before it.
CONTRASTS = ("只要", "只是", "而是", "就要", "就是要", "but", "just", "only", "instead")

# A wish right before these is something that happened, not what is asked for.
PAST = ("了", "过", "過")


@cache
def _wishes() -> tuple[Phrases, dict[str, Wanted]]:
    owner = {normal(p): wish for wish, phrases in WISHES.items() for p in phrases}
    return Phrases(owner), owner


@cache
def _negations() -> Phrases:
    return Phrases(NEGATIONS)


@cache
def _contrasts() -> Phrases:
    return Phrases(CONTRASTS)


_CLAUSE_ENDS = "，。！？；,.!?;\n"
_REACH = 8  # characters between a negation and the wish it negates


def wishes(text: str) -> list[Wanted]:
    """The wishes asked for, in the order they are said."""
    phrases, owner = _wishes()
    folded = normal(text)
    negations = _negations().occurrences(text)
    contrasts = _contrasts().occurrences(text)
    asked = []
    for found in whole_words(phrases, text):
        if _negated(found, negations, contrasts, folded) or _told_as_past(found, folded):
            continue
        asked.append(owner[normal(found.phrase)])
    return asked


def _negated(wish: Found, negations: list[Found], contrasts: list[Found], folded: str) -> bool:
    for negation in negations:
        gap = folded[negation.end : wish.start]
        if 0 <= wish.start - negation.end <= _REACH and not any(c in gap for c in _CLAUSE_ENDS):
            return not any(negation.end <= c.start < wish.start for c in contrasts)
    return False


def _told_as_past(wish: Found, folded: str) -> bool:
    return folded[wish.end : wish.end + 1] in PAST and not folded[wish.start].isascii()
