"""What a run of digits is (issue 15): a phone number of one of the configured regions,
an ID-card number, a bank card number; or a date or a sum of money, which are none of them.
Phone numbers are decided by `phonenumbers`; our code only finds the candidates.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import phonenumbers

from conversations.base.numbers import Group

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card(digits: str) -> bool:
    """A resident ID number (GB 11643): 17 digits, a birth date, a check character."""
    body, check = digits[:17], digits[17].upper()
    if not body.isdigit() or body[0] not in "12345678":
        return False
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != check:
        return False
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return False
    return born.year >= 1900


def bank_card(digits: str) -> bool:
    """Card numbers pass the Luhn check and start as issuers' numbers do (UnionPay 62,
    Visa 4, Mastercard 5 and 2221-2720, Amex/JCB 3)."""
    if not (digits[0] in "3456" or 2221 <= int(digits[:4]) <= 2720):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_date(groups: tuple[Group, ...]) -> bool:
    """2026-11-30, 2026.11.30, 30/11/2026: a date, whatever a phone plan allows."""
    sizes = [len(g.digits) for g in groups]
    if len(groups) != 3 or not (sizes[0] == 4 or sizes[2] == 4):
        return False
    year, a, b = (
        (groups[0], groups[1], groups[2]) if sizes[0] == 4 else (groups[2], groups[1], groups[0])
    )
    return 1900 <= int(year.digits) <= 2100 and all(1 <= int(x.digits) <= 31 for x in (a, b))


_MONEY_BEFORE = ("¥", "￥", "$", "RMB", "HK$", "NT$", "MOP")
_MONEY_AFTER = ("元", "块", "圆", "萬", "万", "RMB", "HKD", "港币", "港幣", "台币", "澳门元")


def is_amount(text: str, start: int, end: int) -> bool:
    """A sum of money (¥36800000, 12345678元) is no phone number."""
    before = text[max(0, start - 4) : start].rstrip()
    after = text[end : end + 4].lstrip()
    return before.upper().endswith(_MONEY_BEFORE) or after.upper().startswith(_MONEY_AFTER)


@lru_cache(maxsize=4096)
def phone(digits: str, plus: bool, regions: tuple[str, ...]) -> str | None:
    """The masked number when `phonenumbers` finds it valid as it was written: nationally
    (with the trunk 0 where the region dials one), or with the country code."""
    if not 7 <= len(digits) <= 17:
        return None
    international = digits[2:] if digits.startswith("00") else digits if plus else None
    if international is not None:
        number = _parsed("+" + international, None)
        if number is not None:
            return f"+{number.country_code} {stars(str(number.national_number))}"
        return None
    for region in regions:
        if not _may_be(digits, region):
            continue
        number = _parsed(digits, region)
        if number is None:
            continue
        significant = str(number.national_number)
        if digits == f"{number.country_code}{significant}":
            return f"+{number.country_code} {stars(significant)}"
        if _as_dialled(digits, significant, region):
            return stars(digits)
    return None


def _as_dialled(digits: str, significant: str, region: str) -> bool:
    """Written as the region dials it at home: with the trunk prefix exactly where the
    national format puts one (010 1234 5678 and 138 1234 5678, but not 20 2611 0007)."""
    prefix = _plan(region)[0]
    if not prefix:
        return digits == significant
    if digits == prefix + significant:
        return _prefixed(region, digits[len(prefix) :][:6], len(significant))
    return digits == significant and not _prefixed(region, digits[:6], len(digits))


@lru_cache(maxsize=4096)
def _prefixed(region: str, lead: str, size: int) -> bool:
    """Whether the national format of numbers starting so puts the trunk prefix first;
    the format is chosen by the leading digits, so a few of them decide (and are cached)."""
    number = phonenumbers.parse(lead.ljust(size, "0"), region)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(c for c in national if c.isdigit()) != lead.ljust(size, "0")


def _may_be(digits: str, region: str) -> bool:
    """A cheap look at the region's lengths and number pattern before parsing."""
    prefix, code, lengths, pattern = _plan(region)
    forms = [digits]
    if prefix and digits.startswith(prefix):
        forms.append(digits[len(prefix) :])
    if digits.startswith(code):
        forms.append(digits[len(code) :])
    return any(len(form) in lengths and pattern.fullmatch(form) for form in forms)


@lru_cache(maxsize=64)
def _plan(region: str) -> tuple[str | None, str, frozenset[int], re.Pattern[str]]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None and metadata.general_desc is not None  # Privacy checked it
    general = metadata.general_desc
    return (
        metadata.national_prefix,
        str(metadata.country_code),
        frozenset(general.possible_length or ()),
        re.compile(general.national_number_pattern or "$^"),
    )


def _parsed(written: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def stars(digits: str, head: int | None = None, tail: int | None = None) -> str:
    """At least four digits hidden, fewer shown the shorter the number: 138****5678,
    91****67."""
    size = len(digits)
    if size <= 6:
        return "*" * size
    if tail is None:
        tail = 4 if size >= 11 else 3 if size >= 9 else 2
    if head is None:
        head = min(3, max(size - tail - 4, 0))
    if head + tail + 4 > size:
        head, tail = 0, max(size - 4, 0)
    return digits[:head] + "*" * (size - head - tail) + digits[size - tail :]
