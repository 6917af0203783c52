"""Refusals name a case's status in the reader's language, never the stored value (issue 14)."""

from __future__ import annotations

import pytest

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.wording import refusal


@pytest.mark.parametrize(
    ("language", "words"),
    [(Language.ZH_HANS, "处理中"), (Language.ZH_HANT, "處理中"), (Language.EN, "being handled")],
)
def test_wrong_status_names_the_status_in_words(language: Language, words: str) -> None:
    params = {"number": "TS202611-0001", "action": "take", "status": "acknowledged"}
    text = refusal(translation(language), "case.wrong_status", params)
    assert words in text
    assert "acknowledged" not in text
