"""Which named day is the incident's (issue 19): not a deadline or a threat given to the
desk ('今天再不处理我就投诉', 'fix it by Friday'), not a count of days ('今天已经是第
二十五天'), not the purchase when another day is named ('三月买的，昨天坏了'); of the
days left the last one told, as a story ends with what went wrong ('上周一刚修过，昨天又
坏了'); never a day after today."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from conversations.base.phrases import Phrases, normal
from conversations.reading.dates import Mention, mentions

THREATS = (
    "再不", "如果", "要是", "假如", "若是", "否则", "否則", "不然", "必须", "必須", "务必",
    "務必", "之内", "之內", "以内", "以內", "给我答复", "給我答覆", "给个答复", "給個答覆",
    "if", "unless", "otherwise", "or else", "must", "deadline", "i expect", "i need",
    "i want", "i'll", "i will", "we will", "we'll", "no later than",
)  # fmt: skip
BEFORE_DAY = ("by", "before", "until", "till", "within", "by next", "截止", "截至")
AFTER_DAY = ("前", "之前", "以前", "为止", "為止", "内", "內")
PURCHASES = (
    "买", "買", "购", "購", "下单", "下單", "订的", "訂的", "订了", "訂了", "订购", "訂購",
    "入住", "办的", "辦的", "办了", "辦了", "签的", "簽的", "签了", "簽了", "开的卡", "開的卡",
    "bought", "purchased", "ordered", "booked", "signed", "paid for", "got it",
)  # fmt: skip

# A day word inside these counts or spans time; it is not when something happened.
NOT_INCIDENTS = (
    "今天已经是第", "今天已經是第", "今天是第", "到今天", "至今天", "截至今天", "截止到今天",
    "截止今天", "times today", "today is the", "as of today", "until today", "till today",
    "up to today", "to this day",
)  # fmt: skip

_CLAUSE = re.compile(r"[，。！？；,.!?;\n]+")


@dataclass(frozen=True)
class Incident:
    day: date
    sure: bool  # one day only, in a plain account


@cache
def _threats() -> Phrases:
    return Phrases(THREATS)


@cache
def _purchases() -> Phrases:
    return Phrases(PURCHASES)


@cache
def _not_incidents() -> Phrases:
    return Phrases(NOT_INCIDENTS)


@cache
def _before_day() -> Phrases:
    return Phrases(BEFORE_DAY)


def incident(text: str, today: date) -> Incident | None:
    """The day it happened, or None when the story names none that fits."""
    folded = normal(text)
    candidates: list[tuple[Mention, bool]] = []
    counts = _not_incidents().occurrences(folded)
    for mention in mentions(folded, today):
        if mention.day is None or mention.day > today:
            continue
        if any(c.start < mention.end and mention.start < c.end for c in counts):
            continue
        clause = _clause(folded, mention)
        if _deadline(folded, mention, clause):
            continue
        candidates.append((mention, bool(_purchases().find(clause))))
    if not candidates:
        return None
    accounts = [m for m, purchase in candidates if not purchase] or [m for m, _ in candidates]
    days = {m.day for m, _ in candidates}
    chosen = accounts[-1].day
    assert chosen is not None
    return Incident(chosen, sure=len(days) == 1)


def _clause(folded: str, mention: Mention) -> str:
    starts = [m.end() for m in _CLAUSE.finditer(folded, 0, mention.start)]
    begin = starts[-1] if starts else 0
    after = _CLAUSE.search(folded, mention.end)
    return folded[begin : after.start() if after else len(folded)]


def _deadline(folded: str, mention: Mention, clause: str) -> bool:
    """A day the desk is given to act by, or a day inside a threat or a demand; a date
    written out and already past after 'by' is a deadline that was missed, the incident."""
    if _threats().find(clause):
        return True
    if folded[mention.end :].startswith(AFTER_DAY) and not folded[mention.start].isascii():
        return True
    before = folded[max(0, mention.start - 12) : mention.start]
    if mention.written:
        return False
    return any(f.end == len(before.rstrip()) for f in _before_day().occurrences(before))
