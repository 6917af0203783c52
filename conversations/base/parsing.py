"""Reading what people type: clean text, phone numbers, order references, dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import cache

from conversations.base.phrases import Phrases

CASE_NUMBER = re.compile(r"\b([A-Za-z]{1,6}\d{6}-\d{4,})\b")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?!\d)")
_ORDER = re.compile(
    r"(?:订单号?|訂單號?|order(?:\s*(?:no\.?|number|#))?)\s*[:：#]?\s*((?=[A-Za-z-]*\d)[A-Za-z0-9][A-Za-z0-9-]{3,39})",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})[日号號]")
_RELATIVE = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "yesterday": 1,
    "昨天": 1,
    "昨日": 1,
    "前天": 2,
    "day before yesterday": 2,
}
# Format characters such as zero-width joiners (emoji sequences) are allowed; controls are
# not, and neither are bidirectional overrides, embeddings, isolates and marks: U+202E
# turns 'txt.exe' around on screen and hides what a case says (issue 14).
_ALLOWED_CONTROLS = {"\n", "\t"}
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Drop control characters (keeping newlines and tabs), bidi controls and surrounding
    blanks."""
    kept = (
        ch
        for ch in _BIDI.sub("", text)
        if ch in _ALLOWED_CONTROLS or unicodedata.category(ch) not in {"Cc", "Cs", "Co"}
    )
    return "".join(kept).strip()


def storable(text: str) -> str:
    """Text as typed, minus what no database can store (NUL: PostgreSQL refuses it in text
    and JSON; lone surrogates: not UTF-8) and what no one should store (bidi controls)."""
    if "\x00" not in text and not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub("", text.replace("\x00", ""))


_UNSTORABLE = re.compile("[\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plausible_name(name: str) -> bool:
    """A name to address someone by: up to 100 characters with at least one letter ('1',
    '。。' and a phone number are not names)."""
    return 0 < len(name) <= 100 and any(unicodedata.category(ch).startswith("L") for ch in name)


def find_phone(text: str) -> str | None:
    """A mainland mobile number in the text, digits only."""
    match = _PHONE.search(text)
    return re.sub(r"\D", "", match.group(1)) if match else None


def find_order(text: str) -> str | None:
    match = _ORDER.search(text)
    return match.group(1) if match else None


def find_date(text: str, today: date) -> date | None:
    """'today', '昨天', '2026-11-20', '11月20日'; never a day in the future. `today` is the
    business's date (timewords.local_date), not UTC's. A relative word in a demand or a
    condition ('如果今天不给我解决', 'fix it by today') is not when it happened."""
    for clause in _CLAUSE.split(text):
        words = _relative_words().find(clause)
        if words and not _demand_words().find(clause):
            return today - timedelta(days=_RELATIVE[words[0]])
    found = _explicit_date(text, today)
    return found if found is not None and found <= today else None


_CLAUSE = re.compile(r"[，。！？；,.!?;\n]+")
# Words that make a clause a demand, a condition or a deadline rather than an account.
_DEMAND = (
    "如果", "要是", "假如", "若是", "不给", "不給", "必须", "必須", "之内", "之內", "以内",
    "以內", "再不", "否则", "否則", "不然", "不解决", "不解決", "不处理", "不處理", "等到",
    "if", "unless", "otherwise", "or else", "must", "until", "by today", "by tomorrow",
    "by tonight", "before", "expect", "need it", "want it", "deadline",
)  # fmt: skip


@cache
def _relative_words() -> Phrases:
    return Phrases(_RELATIVE)


@cache
def _demand_words() -> Phrases:
    return Phrases(_DEMAND, near_misses=("day before yesterday",))  # 'before' in a date


def _explicit_date(text: str, today: date) -> date | None:
    try:
        if match := _ISO_DATE.search(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _MONTH_DAY.search(text):
            candidate = date(today.year, int(match[1]), int(match[2]))
            return candidate if candidate <= today else candidate.replace(year=today.year - 1)
    except ValueError:
        return None
    return None


def find_case_number(text: str) -> str | None:
    match = CASE_NUMBER.search(text)
    return match.group(1).upper() if match else None
