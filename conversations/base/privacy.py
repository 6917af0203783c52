"""Masking of personal details shown to staff in group chats (POLICY §8)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")


def mask_phone(phone: str | None) -> str:
    """Keep the first three and last four digits: 13812345678 -> 138****5678."""
    if not phone:
        return ""
    digits = _DIGITS.sub("", phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")


def mask_phones_in(text: str) -> str:
    """Mask every mobile number written inside free text (descriptions, notes)."""
    return _MOBILE_IN_TEXT.sub(lambda match: mask_phone(_DIGITS.sub("", match[0])[-11:]), text)


def redact_phones_in(text: str) -> str:
    """Remove mobile numbers from free text entirely (a confidential filer's own words)."""
    return _MOBILE_IN_TEXT.sub("[***]", text)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_LONG_NUMBER = re.compile(r"[A-Za-z]{0,4}-?\d[\d-]{4,}\d")  # order, ID and account numbers


def anonymise(text: str, secrets: list[str]) -> str:
    """Text safe for training material: known personal strings (names, order numbers,
    channel ids), mobile numbers, e-mail addresses and long numbers removed."""
    for secret in sorted((s for s in secrets if s and len(s) > 1), key=len, reverse=True):
        text = text.replace(secret, "[***]")
    text = redact_phones_in(text)
    text = _EMAIL.sub("[***]", text)
    return _LONG_NUMBER.sub("[***]", text)
