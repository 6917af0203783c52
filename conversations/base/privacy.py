"""Masking of personal details wherever staff, reports or logs show a customer's words
(POLICY §8, issue 15): phone numbers of the configured regions (landlines too, decided by
`phonenumbers`), ID-card numbers (checksum), bank card numbers (Luhn) and e-mail
addresses, however the digits are written (conversations/base/numbers.py).

`mask` keeps the text readable (138****5678); `redact` removes what it finds, and the
names given, for a confidential filer's words. An anonymous filer's stored name (a
platform's display name, a name from an earlier filing) is removed from what staff read
either way (`for_staff`'s `withheld`, issue 19); her phone stays, masked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator

from conversations.base import identifiers
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
    text = without(text, known)
    return _replace(text, findings(text, regions), HIDDEN)


def without(text: str, known: Iterable[str | None]) -> str:
    """The text with each of the `known` strings (longer than one character) replaced by
    HIDDEN, the longest first, wherever they stand."""
    for secret in sorted(
        {s.strip() for s in known if s and len(s.strip()) > 1}, key=len, reverse=True
    ):
        text = text.replace(secret, HIDDEN)
    return text


def for_staff(
    text: str,
    *,
    confidential: bool,
    known: Iterable[str | None] = (),
    regions: Sequence[str] = DEFAULT_REGIONS,
    withheld: Iterable[str | None] = (),
) -> str:
    """A customer's words as staff read them: masked, or for a confidential filer (seed 002,
    举报人保密) without her name and contacts; `withheld` (an anonymous filer's stored
    name, issue 19) is removed either way."""
    if confidential:
        return redact(text, [*known, *withheld], regions)
    return mask(without(text, withheld), regions)


def mask_phone(phone: str | None, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """A stored contact field, masked even when it is no valid number: 138****5678."""
    if not phone:
        return ""
    shown = mask(phone, regions)
    if shown != phone:
        return shown
    digits = "".join(c for c in phone if c.isdigit())
    return identifiers.stars(digits) if digits else "*" * len(phone)


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


# The old name (benchmarks/inbound_turn.py, tests/conversations/test_parsing.py use it).
mask_phones_in = mask


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
    if len(digits) == 18 and identifiers.id_card(digits):
        return Kind.ID_CARD, identifiers.stars(digits, 3, 4)
    if not digits.isdigit() or identifiers.is_date(groups):
        return None
    if identifiers.is_amount(text, groups[0].start, groups[-1].end):
        return None
    if 15 <= len(digits) <= 19 and identifiers.bank_card(digits):
        return Kind.BANK_CARD, identifiers.stars(digits, 4, 4)
    shown = identifiers.phone(digits, plus, tuple(regions))
    return (Kind.PHONE, shown) if shown else None


def _replace(text: str, found: list[Finding], hidden: str | None) -> str:
    pieces, position = [], 0
    for item in found:
        pieces += [text[position : item.start], hidden or item.shown]
        position = item.end
    return "".join([*pieces, text[position:]])
