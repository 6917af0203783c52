"""Choosing the language a person is spoken to in; the same menu for customers and staff."""

from __future__ import annotations

from gettext import NullTranslations

from conversations.actions import Pick, choice, picked
from conversations.base.messages import Option, Reply
from conversations.base.policy import Language
from conversations.intents import SetLanguage

LANGUAGE_NAMES = {
    Language.ZH_HANS: "简体中文",
    Language.ZH_HANT: "繁體中文",
    Language.EN: "English",
}


def language_menu(t: NullTranslations) -> Reply:
    options = tuple(
        Option(name, choice(Pick.LANGUAGE, code.value)) for code, name in LANGUAGE_NAMES.items()
    )
    return Reply(t.gettext("Choose your language:"), options)


def language_chosen(button: str) -> SetLanguage | None:
    """The choice a `lang:CODE` button makes, or None when it is not one we speak."""
    value = picked(button, Pick.LANGUAGE)
    if value is not None and value in {code.value for code in Language}:
        return SetLanguage(value)
    return None
