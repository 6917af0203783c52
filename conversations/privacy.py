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
