"""Canned answers are checked when the config loads (issue 13): a template missing a
language, an unknown placeholder, a duplicate key or an unknown category stops the desk
at start-up with the key named, so a customer never receives '{nmae}' or nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import EXAMPLE_CONFIG, ConfigError, load_config
from conversations.base.policy import Language
from tests.bot.config_variants import variant

PHOTO_EN = 'texts.en = "Dear {name}, to handle case {number} quickly'
COURIER = 'key = "courier"\ncategories = ["product_quality", "aftersales"]'


def problem(path: Path) -> str:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    return str(error.value)


def test_the_examples_canned_answers_load_in_every_language() -> None:
    canned = load_config(EXAMPLE_CONFIG).policy.canned
    assert [answer.key for answer in canned] == ["photo", "courier", "tracing"]
    for answer in canned:
        for language in Language:
            text = answer.render(language, name="N", number="TS1", due="D")
            assert "TS1" in text and "{" not in text


def test_a_template_missing_a_language_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = variant(tmp_path, (PHOTO_EN, "# " + PHOTO_EN))
    said = problem(path)
    assert "policy.canned.0" in said and "'photo'" in said and "['en']" in said


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        ((PHOTO_EN, PHOTO_EN.replace("{name}", "{nmae}")), "unknown placeholder(s) ['nmae']"),
        ((PHOTO_EN, PHOTO_EN.replace("{name}", "{name!r}")), "without a format or conversion"),
        ((PHOTO_EN, PHOTO_EN.replace("{name}", "{name")), "cannot read"),
        ((COURIER, COURIER.replace("aftersales", "repairs")), "unknown categories ['repairs']"),
        (('key = "courier"', 'key = "photo"'), "'photo' is defined twice"),
        (('key = "courier"', 'key = "Courier!"'), "policy.canned.1.key"),
        (('texts.en = "Dear {name}, the', 'texts.fr = "x"\ntexts.en = "Dear {name}, the'), "fr"),
    ],
)
def test_a_wrong_canned_answer_is_refused_at_load(
    tmp_path: Path, edit: tuple[str, str], says: str
) -> None:
    said = problem(variant(tmp_path, edit))
    assert says in said
    assert "canned" in said
