"""Danger phrases against a labelled corpus (issue 14): precision and recall per language,
no false alarm on a near-miss or a product name, and the matcher's word rules."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.base.phrases import Phrases
from conversations.base.policy import Grading
from tests.fakes import policy as fake

CORPUS = Path(__file__).parent.parent / "data" / "danger_phrases.tsv"
# Measured on the corpus when it was written; a change that loses threats fails here.
RECALL_FLOOR = {"zh_Hans": 0.9, "zh_Hant": 0.85, "en": 0.85}
MUST_NOT_ALERT = {"near_miss", "product"}


@dataclass(frozen=True)
class Sentence:
    language: str
    kind: str
    text: str


def corpus() -> list[Sentence]:
    lines = [line for line in CORPUS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [Sentence(**row) for row in csv.DictReader(lines, delimiter="\t")]


def grading() -> Grading:
    return fake.test_policy().grading


def test_corpus_is_large_enough_in_every_language() -> None:
    counts = Counter((s.language, s.kind) for s in corpus())
    assert sum(counts.values()) >= 200
    for language in RECALL_FLOOR:
        assert counts[language, "threat"] >= 25
        assert counts[language, "near_miss"] + counts[language, "product"] >= 20


def test_precision_and_recall_per_language(capsys: pytest.CaptureFixture[str]) -> None:
    phrases, misses, false_alarms = grading().danger_phrases, [], []
    for language, floor in RECALL_FLOOR.items():
        tally: Counter[str] = Counter()
        for sentence in (s for s in corpus() if s.language == language):
            alerted, threat = bool(phrases.find(sentence.text)), sentence.kind == "threat"
            tally[f"{'t' if alerted == threat else 'f'}{'p' if alerted else 'n'}"] += 1
            if threat and not alerted:
                misses.append(sentence.text)
            if alerted and sentence.kind in MUST_NOT_ALERT:
                false_alarms.append(f"{sentence.text} -> {phrases.find(sentence.text)}")
        precision = tally["tp"] / max(1, tally["tp"] + tally["fp"])
        recall = tally["tp"] / max(1, tally["tp"] + tally["fn"])
        with capsys.disabled():
            print(f"\n{language}: precision {precision:.3f} recall {recall:.3f} {dict(tally)}")
        assert recall >= floor, f"{language} recall {recall:.3f} < {floor}; missed: {misses}"
    with capsys.disabled():
        print("missed threats:", misses)
    assert not false_alarms


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Small issue with the lid", []),
        ("家里的烟雾报警器一直响", []),
        ("Thanks for the courtesy call", []),
        ("The multimedia player is broken", []),
        ("I got fired last week", []),
        ("我要投诉到市场监管局", ["市场监管局"]),
        ("打12345，也打１２３１５", ["12345", "12315"]),
        ("订单号8123456", []),
        ("发微博曝光，曝光你们，曝光！", ["发微博", "曝光"]),
        ("那个人打我，我要报警", ["报警"]),
        ("I will SUE you. My LAWYER agrees", ["will sue", "lawyer"]),
        ("孩子食物中毒了", ["食物中毒"]),
    ],
)
def test_phrases_match_whole_words_and_skip_near_misses(text: str, found: list[str]) -> None:
    assert grading().danger_phrases.find(text) == found


def test_config_extends_the_list_and_adds_near_misses() -> None:
    base = grading().model_dump()
    extended = Grading.model_validate(
        {**base, "danger_words": ["差评"], "danger_near_misses": ["律师事务所楼下"]}
    )
    assert extended.danger_phrases.find("再不退款就给差评") == ["差评"]
    assert extended.danger_phrases.find("店在律师事务所楼下") == []
    assert extended.danger_phrases.find("我请了律师") == ["律师"]


def test_config_can_replace_the_list() -> None:
    base = grading().model_dump()
    alone = Grading.model_validate({**base, "danger_words": ["差评"], "danger_defaults": False})
    assert alone.danger_phrases.find("我请了律师，还要给差评") == ["差评"]


def test_an_empty_list_finds_nothing() -> None:
    assert Phrases([]).find("律师 lawyer") == []
