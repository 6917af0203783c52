"""Translations per language: every word a person reads is a gettext message."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from conversations.policy import Language

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"


@cache
def translation(language: Language) -> gettext.NullTranslations:
    """The catalog for `language`; English msgids when no catalog is installed."""
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language.value], fallback=True
    )


def language_of(code: str | None, default: Language) -> Language:
    """Map a stored or platform language code (zh-hans, zh-TW, en-US...) to ours."""
    if not code:
        return default
    lowered = code.lower().replace("-", "_")
    if lowered.startswith("en"):
        return Language.EN
    if lowered in {"zh_hant", "zh_tw", "zh_hk", "zh_mo"}:
        return Language.ZH_HANT
    if lowered.startswith("zh"):
        return Language.ZH_HANS
    return default
