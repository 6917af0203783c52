"""Translations per language: every word a person reads is a gettext message.

Catalogs are Babel `.po` files under `conversations/locale/`, read at start-up, so the
files people edit are the files that run (no compiled `.mo` to fall out of date).
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conversations.base.policy import Language

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"


def catalog_path(language: Language) -> Path:
    return LOCALE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translation(language: Language) -> gettext.NullTranslations:
    """The catalog for `language`; English msgids when it has no catalog."""
    path = catalog_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language.value)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


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
