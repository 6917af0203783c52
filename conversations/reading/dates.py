"""When it happened (issue 19): the day words of a story resolved against the business's
today, leaving out days that are not the incident: a deadline or a threat given to the
desk ('今天再不处理…', 'by Friday') and a purchase day when another day follows it.

Day words are facts of the languages, so they live here; `today` is the business's
date (timewords.local_date), never a day after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from conversations.base.phrases import Phrases, normal

_NUMBERS = {"一": 1, "两": 2, "兩": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
            "八": 8, "九": 9, "十": 10, "半": 0, "a": 1, "an": 1, "one": 1, "two": 2,
            "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10}  # fmt: skip
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
             "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}  # fmt: skip
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_DAYS_BACK = {
    "大前天": 3, "前天": 2, "前晚": 2, "前日": 2, "昨天": 1, "昨日": 1, "昨晚": 1, "昨夜": 1,
    "昨儿": 1, "今天": 0, "今日": 0, "今早": 0, "今晚": 0, "今儿": 0,
    "the day before yesterday": 2, "yesterday": 1, "last night": 1, "today": 0,
    "this morning": 0, "this afternoon": 0, "earlier today": 0, "tonight": 0,
    "刚才": 0, "剛才": 0, "刚刚": 0, "剛剛": 0, "just now": 0, "a moment ago": 0,
    "琴日": 1, "尋日": 1, "琴晚": 1, "尋晚": 1, "今朝": 0,  # Cantonese
}  # fmt: skip
# Days of the shopping and public calendar: (month, day).
_FEASTS = {
    "双十一": (11, 11), "雙十一": (11, 11), "双11": (11, 11), "雙11": (11, 11),
    "双十二": (12, 12), "雙十二": (12, 12), "双12": (12, 12), "雙12": (12, 12),
    "元旦": (1, 1), "圣诞节": (12, 25), "聖誕節": (12, 25), "平安夜": (12, 24),
    "christmas day": (12, 25), "christmas eve": (12, 24), "new year's day": (1, 1),
    "singles' day": (11, 11), "singles day": (11, 11), "double eleven": (11, 11),
}  # fmt: skip


@dataclass(frozen=True)
class Mention:
    """A day named in the text: where, and the date it names (None: not resolvable)."""

    start: int
    end: int
    day: date | None
    written: bool = False  # a calendar date written out ('10月31日', 'October 31')


Resolver = Callable[[re.Match[str], date], date | None]
_WEEK = r"(?:周|週|星期|礼拜|禮拜)"
_CN_NUM = r"([0-9]+|[一两兩二三四五六七八九十半])"
_EN_NUM = r"([0-9]+|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_EN_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_EN_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _past(candidate: date, today: date) -> date:
    """A month and day without a year: this year's, or last year's if still ahead."""
    return candidate if candidate <= today else candidate.replace(year=today.year - 1)


def _ymd(m: re.Match[str], today: date) -> date | None:
    return date(int(m[1]), int(m[2]), int(m[3]))


def _md(m: re.Match[str], today: date) -> date | None:
    return _past(date(today.year, int(m[1]), int(m[2])), today)


def _en_md(m: re.Match[str], today: date) -> date | None:
    month, day = (m[1], m[2]) if m[1] else (m[4], m[3])
    return _past(date(today.year, _MONTHS[month[:3]], int(day)), today)


def _day_of_month(m: re.Match[str], today: date) -> date | None:
    """'20号', 'on the 20th': this month's, or last month's if still ahead."""
    day = int(m[1])
    candidate = today.replace(day=day) if day <= 31 else None
    if candidate is not None and candidate <= today:
        return candidate
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=day)


def _last_month_day(m: re.Match[str], today: date) -> date | None:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=int(m[1]))


def _ago(unit_days: int) -> Resolver:
    def resolve(m: re.Match[str], today: date) -> date | None:
        amount = _number(m[1])
        return today - timedelta(days=amount * unit_days) if amount else None

    return resolve


def _last_week(m: re.Match[str], today: date) -> date | None:
    """'上周五', 'last Friday': that day of the week before this one (weeks from Monday)."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday + timedelta(days=_WEEKDAYS[m[1]])


def _this_week(m: re.Match[str], today: date) -> date | None:
    """'这周一', 'this Monday': that day of this week, if it has come."""
    day = today - timedelta(days=today.weekday()) + timedelta(days=_WEEKDAYS[m[1]])
    return day if day <= today else None


def _weekday(m: re.Match[str], today: date) -> date | None:
    """'周五', 'on Friday': the latest such day not after today."""
    back = (today.weekday() - _WEEKDAYS[m[1]]) % 7
    return today - timedelta(days=back)


_PATTERNS: tuple[tuple[re.Pattern[str], Resolver], ...] = tuple(
    (re.compile(pattern), resolver)
    for pattern, resolver in (
        (r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号號]?(?!\d)", _ymd),
        (r"(?<![\d.])(\d{1,2})[月/](\d{1,2})(?:[日号號]|(?![\d/]))", _md),
        (r"(?:上个月|上個月|上月)(\d{1,2})[日号號]", _last_month_day),
        (r"(?<![\d月/])(\d{1,2})[号號](?!码|碼|楼|樓|线|線|房|床|桌|窗)", _day_of_month),
        (
            _EN_MONTH
            + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            + _EN_MONTH,
            _en_md,
        ),
        (
            r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s*(?:floor|storey|story|row|time|century))",
            _day_of_month,
        ),
        (_CN_NUM + r"(?:天|日)(?:前|之前|以前)", _ago(1)),
        (_CN_NUM + r"(?:个|個)?(?:星期|礼拜|禮拜|周|週)(?:前|之前|以前)", _ago(7)),
        (r"\b" + _EN_NUM + r"\s+days?\s+ago\b", _ago(1)),
        (r"\b" + _EN_NUM + r"\s+weeks?\s+ago\b", _ago(7)),
        (r"(?:上|上个|上個)" + _WEEK + r"([一二三四五六日天])", _last_week),
        (r"\blast\s+" + _EN_DAY + r"\b", _last_week),
        (r"(?:这|這|本)(?:个|個)?" + _WEEK + r"([一二三四五六日天])", _this_week),
        (r"\bthis\s+(?:past\s+)?" + _EN_DAY + r"\b", _this_week),
        (_WEEK + r"([一二三四五六日天])", _weekday),
        (r"\b" + _EN_DAY + r"\b", _weekday),
    )
)


@cache
def _day_words() -> Phrases:
    return Phrases([*_DAYS_BACK, *_FEASTS])


def _day_word(phrase: str, today: date) -> date:
    key = normal(phrase)
    if key in _DAYS_BACK:
        return today - timedelta(days=_DAYS_BACK[key])
    month, day = _FEASTS[key]
    return _past(date(today.year, month, day), today)


def mentions(text: str, today: date) -> list[Mention]:
    """Every day named in `text` (normal form offsets), earliest first; overlapping
    ones resolved to the longest ('大前天' is not '前天', '上周五' not '周五')."""
    folded = normal(text)
    found = [
        Mention(f.start, f.end, _day_word(f.phrase, today))
        for f in _day_words().occurrences(folded)
    ]
    for pattern, resolve in _PATTERNS:
        for match in pattern.finditer(folded):
            try:
                day = resolve(match, today)
            except (ValueError, KeyError):
                day = None
            written = resolve in (_ymd, _md, _en_md)
            found.append(Mention(match.start(), match.end(), day, written))
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= k.start or k.end <= mention.start for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
