"""check-config on deadlines and calendar coverage (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.config_checks import refusals
from bot.config_warnings import warnings
from tests.bot.config_variants import isolate, variant

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


def test_a_grade_without_a_step_is_refused_naming_the_cases(here: Path) -> None:
    path = variant(
        here,
        ('[policy.deadlines.major]\nacknowledge = "30 minutes"\n', "[policy.deadlines.major]\n"),
    )
    with pytest.raises(ConfigError) as error:
        load_config(path, NOW)
    text = str(error.value)
    assert "policy.deadlines.major.acknowledge" in text and "complaint in product_quality" in text


def test_a_rule_covering_the_gap_is_enough(here: Path) -> None:
    path = variant(
        here,
        ('[policy.deadlines.major]\nacknowledge = "30 minutes"\n', "[policy.deadlines.major]\n"),
        (
            "[policy.calendar]",
            '[[policy.deadline_rules]]\nstep = "acknowledge"\nspan = "1 hour"\n\n[policy.calendar]',
        ),
    )
    assert not refusals(load_config(path, NOW), NOW)


def test_missing_next_year_holidays_are_warned_and_the_example_is_not(here: Path) -> None:
    example = load_config(variant(here), NOW)
    assert not [w for w in warnings(example, NOW) if "calendar" in w.key]
    path = variant(
        here,
        ('    "2027-01-01",\n', ""),
        ('"2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",', ""),
        ('"2027-04-05",', ""),
        ('"2027-05-01", "2027-05-02",', ""),
        ('"2027-10-01", "2027-10-02", "2027-10-03",', ""),
    )
    found = [
        w for w in warnings(load_config(path, NOW), NOW) if w.key == "policy.calendar.holidays"
    ]
    assert len(found) == 1 and "2027" in found[0].message
