"""Masking of personal details wherever staff, reports or logs show a customer's words
(POLICY §8, issue 15): phone numbers of the configured regions (landlines too, decided by
`phonenumbers`), ID-card numbers (checksum), bank card numbers (Luhn) and e-mail
addresses, however the digits are written (conversations/base/numbers.py).

`mask` keeps the text readable (138****5678); `redact` removes what it finds, and the
names given, for a confidential filer's words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator

from conversations.base.numbers import DIGITISH, Group, Run, runs

DEFAULT_REGIONS = ("CN", "HK", "TW", "MO")
HIDDEN = "[***]"


class Privacy(BaseModel):
    """[privacy] in the policy: whose phone numbers are recognised in free text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    phone_regions: tuple[str, ...] = Field(
        DEFAULT_REGIONS, min_length=1, description="ISO 3166 codes, e.g. CN, HK, TW, MO"
    )

    @field_validator("phone_regions")
    @classmethod
    def _known(cls, regions: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in regions if r.upper() not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            msg = f"unknown phone regions {unknown}: use ISO 3166 codes such as CN, HK, TW, MO"
            raise ValueError(msg)
        return tuple(r.upper() for r in regions)


class Kind(StrEnum):
    PHONE = "phone"
    ID_CARD = "id_card"
    BANK_CARD = "bank_card"
    EMAIL = "email"


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int
    end: int
    shown: str  # the masked form


def mask(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """The text with every contact, ID and card number masked: 138****5678."""
    return _replace(text, findings(text, regions), None)


def redact(
    text: str, known: Iterable[str | None] = (), regions: Sequence[str] = DEFAULT_REGIONS
) -> str:
    """The text with those details removed, and the `known` strings (a confidential
    filer's name, phone) too, wherever she wrote them."""
    for secret in sorted(
        {s.strip() for s in known if s and len(s.strip()) > 1}, key=len, reverse=True
    ):
        text = text.replace(secret, HIDDEN)
    return _replace(text, findings(text, regions), HIDDEN)


def for_staff(
    text: str,
    *,
    confidential: bool,
    known: Iterable[str | None] = (),
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> str:
    """A customer's words as staff read them: masked, or for a confidential filer (seed 002,
    举报人保密) without her name and contacts."""
    return redact(text, known, regions) if confidential else mask(text, regions)


def mask_phone(phone: str | None, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """A stored contact field, masked even when it is no valid number: 138****5678."""
    if not phone:
        return ""
    shown = mask(phone, regions)
    if shown != phone:
        return shown
    digits = "".join(c for c in phone if c.isdigit())
    return _stars(digits) if digits else "*" * len(phone)


def findings(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> list[Finding]:
    """What would be masked, in order; nothing overlaps."""
    if not _worth_a_look(text):
        return []
    found = _emails(text) if _AT.search(text) else []
    for run in runs(text):
        found.extend(_in_run(text, run, regions))
    found.sort(key=lambda f: f.start)
    kept: list[Finding] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


# Old names, one function underneath.
mask_phones_in = mask


def redact_phones_in(text: str) -> str:
    return redact(text)


_LONG_NUMBER = re.compile(r"[A-Za-z]{0,4}-?\d[\d-]{4,}\d")  # order, ID and account numbers


def anonymise(text: str, secrets: list[str]) -> str:
    """Text safe for training material: known personal strings (names, order numbers,
    channel ids), contacts, ID and card numbers, and any long number removed."""
    return _LONG_NUMBER.sub(HIDDEN, redact(text, secrets))


# -- finding --------------------------------------------------------------------------

_AT = re.compile(r"[@＠]|[(\[]at[)\]]", re.IGNORECASE)


def _worth_a_look(text: str) -> bool:
    """Most log lines and messages hold no number long enough: skip the scan."""
    return _AT.search(text) is not None or len(DIGITISH.findall(text)) >= 7


_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+\s*(?:@|[(\[]at[)\]])\s*[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    re.IGNORECASE,
)


def _emails(text: str) -> list[Finding]:
    """E-mail addresses, full-width ones and '(at)' spellings included."""
    folded, origin = _folded(text)
    found = []
    for match in _EMAIL.finditer(folded):
        local, _, domain = re.split(r"\s*(@|[(\[]at[)\]])\s*", match[0], maxsplit=1, flags=re.I)
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        found.append(Finding(Kind.EMAIL, start, end, f"{local[:1]}***@{domain}"))
    return found


def _folded(text: str) -> tuple[str, list[int]]:
    """NFKC per character with invisible ones dropped, and where each came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        for piece in unicodedata.normalize("NFKC", char):
            chars.append(piece)
            origin.append(index)
    return "".join(chars), origin


def _in_run(text: str, run: Run, regions: Sequence[str]) -> list[Finding]:
    """The longest numbers from the left: a phone and a date written side by side are
    two findings."""
    found: list[Finding] = []
    groups, first = run.groups, 0
    while first < len(groups):
        for last in range(_longest(groups, first), first, -1):
            plus = run.plus is not None and first == 0
            item = _classify(text, groups[first:last], plus, regions)
            if item is not None:
                start = run.plus if plus and run.plus is not None else groups[first].start
                start -= _bracket(text, start, groups[last - 1].end)
                found.append(Finding(item[0], start, groups[last - 1].end, item[1]))
                first = last
                break
        else:
            first += 1
    return found


def _bracket(text: str, start: int, end: int) -> int:
    """1 when the finding opens with a bracket its digits close: (010) 1234 5678."""
    opened = start > 0 and text[start - 1] in "(（"
    return 1 if opened and any(c in ")）" for c in text[start:end]) else 0


def _longest(groups: tuple[Group, ...], first: int) -> int:
    total, last = 0, first
    while last < len(groups) and total + len(groups[last].digits) <= 19:
        total += len(groups[last].digits)
        last += 1
    return last


def _classify(
    text: str, groups: tuple[Group, ...], plus: bool, regions: Sequence[str]
) -> tuple[Kind, str] | None:
    digits = "".join(group.digits for group in groups)
    if len(digits) < 7:
        return None
    if len(digits) == 18 and _id_card(digits):
        return Kind.ID_CARD, _stars(digits, 3, 4)
    if not digits.isdigit() or _is_date(groups):
        return None
    if _amount(text, groups[0].start, groups[-1].end):
        return None
    if 15 <= len(digits) <= 19 and _bank_card(digits):
        return Kind.BANK_CARD, _stars(digits, 4, 4)
    shown = _phone(digits, plus, tuple(regions))
    return (Kind.PHONE, shown) if shown else None


# -- what a number is -------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_card(digits: str) -> bool:
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


def _bank_card(digits: str) -> bool:
    """Card numbers pass the Luhn check and start as issuers' numbers do (UnionPay 62,
    Visa 4, Mastercard 5 and 2221-2720, Amex/JCB 3)."""
    if not (digits[0] in "3456" or 2221 <= int(digits[:4]) <= 2720):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _is_date(groups: tuple[Group, ...]) -> bool:
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


def _amount(text: str, start: int, end: int) -> bool:
    """A sum of money (¥36800000, 12345678元) is no phone number."""
    before = text[max(0, start - 4) : start].rstrip()
    after = text[end : end + 4].lstrip()
    return before.upper().endswith(_MONEY_BEFORE) or after.upper().startswith(_MONEY_AFTER)


@lru_cache(maxsize=4096)
def _phone(digits: str, plus: bool, regions: tuple[str, ...]) -> str | None:
    """The masked number when `phonenumbers` finds it valid as it was written: nationally
    (with the trunk 0 where the region dials one), or with the country code."""
    if not 7 <= len(digits) <= 17:
        return None
    international = digits[2:] if digits.startswith("00") else digits if plus else None
    if international is not None:
        number = _parsed("+" + international, None)
        if number is not None:
            return f"+{number.country_code} {_stars(str(number.national_number))}"
        return None
    for region in regions:
        if not _may_be(digits, region):
            continue
        number = _parsed(digits, region)
        if number is None:
            continue
        significant = str(number.national_number)
        if digits == f"{number.country_code}{significant}":
            return f"+{number.country_code} {_stars(significant)}"
        if _as_dialled(digits, significant, region):
            return _stars(digits)
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


def _stars(digits: str, head: int | None = None, tail: int | None = None) -> str:
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


def _replace(text: str, found: list[Finding], hidden: str | None) -> str:
    pieces, position = [], 0
    for item in found:
        pieces += [text[position : item.start], hidden or item.shown]
        position = item.end
    return "".join([*pieces, text[position:]])
