"""Every message the bot can say is translated in all three languages, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conversations.base.i18n import catalog_path, translation
from conversations.base.policy import Language

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["conversations", "handlers", "notifications", "bot"]
KEYWORDS = {"gettext": None, "t": None, "g": None}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


MESSAGES = sorted(source_messages())


def test_the_source_has_messages_to_check() -> None:
    assert len(MESSAGES) > 100


@pytest.mark.parametrize("language", list(Language))
def test_every_message_is_translated_with_the_same_placeholders(language: Language) -> None:
    with catalog_path(language).open("rb") as source:
        catalog = read_po(source)
    problems = []
    for msgid in MESSAGES:
        entry = catalog.get(msgid)
        if entry is None or not entry.string:
            problems.append(f"untranslated: {msgid!r}")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(str(entry.string))):
            problems.append(f"placeholders differ: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
    assert problems == []


def test_catalogs_load_and_differ_by_language() -> None:
    msgid = "Please choose one of the options below."
    said = {language: translation(language).gettext(msgid) for language in Language}
    assert said[Language.EN] == msgid
    assert said[Language.ZH_HANS] == "请从下面的选项中选择一项。"
    assert said[Language.ZH_HANT] == "請從下面的選項中選擇一項。"
