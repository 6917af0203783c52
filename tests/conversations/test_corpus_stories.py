"""The labelled story corpus (tests/data/stories/, issue 19) stays well formed: every line
JSON with the agreed keys, ids unique, categories the example config's, wishes the desk's,
a date phrase exactly when a date, written in the text and not after NOW, every category in
every language often enough, and about a third held out."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conversations.base.values import Wanted
from tests.fakes.policy import test_policy as example_policy

STORIES = Path(__file__).parents[1] / "data" / "stories"
NOW = date(2026, 11, 24)  # the corpus's "today" (tests/data/stories/README.md)
KEYS = {"id", "text", "category", "wants", "date_phrase", "occurred_on", "split"}
LANGUAGES = {"zh_Hans": 130, "zh_Hant": 90, "en": 100}  # at least this many stories each


def stories(language: str) -> list[dict[str, Any]]:
    lines = (STORIES / f"{language}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_story_is_well_formed(language: str) -> None:
    rows = stories(language)
    categories = {c.key for c in example_policy().categories}
    assert len(rows) >= LANGUAGES[language]
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)
    for row in rows:
        assert KEYS <= set(row) <= KEYS | {"note"}, row["id"]
        assert row["category"] in categories, row["id"]
        assert row["wants"] is None or row["wants"] in {w.value for w in Wanted}, row["id"]
        assert row["split"] in {"tune", "held"}, row["id"]
        phrase, when = row["date_phrase"], row["occurred_on"]
        assert (phrase is None) == (when is None), row["id"]
        if phrase is not None:
            assert phrase in row["text"] and date.fromisoformat(when) <= NOW, row["id"]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_category_is_told_and_held_out(language: str) -> None:
    rows = stories(language)
    told = Counter(r["category"] for r in rows)
    held = Counter(r["category"] for r in rows if r["split"] == "held")
    assert set(told) == {c.key for c in example_policy().categories}
    assert min(told.values()) >= 8 and min(held.values()) >= 2
    assert 0.25 <= sum(held.values()) / len(rows) <= 0.45
