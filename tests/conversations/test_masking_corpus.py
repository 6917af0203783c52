"""Masking against a corpus (issue 15): every phone, ID-card, bank-card number and e-mail
address however it is written is masked; order numbers, dates, amounts and case numbers are
left as they are. Prints how many were caught; any miss fails."""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.base.numbers import digit
from conversations.base.privacy import Privacy, anonymise, findings, mask, mask_phone, redact

CORPUS = Path(__file__).parent.parent / "data" / "masking_corpus.tsv"


@dataclass(frozen=True)
class Line:
    expect: str
    kind: str
    secret: str
    text: str


def corpus() -> list[Line]:
    lines = [line for line in CORPUS.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [Line(**row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def digits_of(text: str) -> str:
    """Every digit however written, and ID cards' X, with everything else dropped."""
    return "".join(digit(c) or ("X" if c in "Xx" else "") for c in text)


def survives(line: Line, masked: str) -> bool:
    if line.kind == "email":
        folded = unicodedata.normalize("NFKC", masked).lower()
        visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
        return line.secret.split("@")[0].lower() in visible
    return line.secret.upper() in digits_of(masked)


def test_corpus_is_large_and_covers_every_spelling() -> None:
    lines = corpus()
    counts = Counter((line.expect, line.kind) for line in lines)
    assert len(lines) >= 100
    assert counts["mask", "phone"] >= 50 and counts["mask", "id_card"] >= 8
    assert counts["mask", "bank_card"] >= 8 and counts["mask", "email"] >= 8
    assert sum(n for (expect, _), n in counts.items() if expect == "keep") >= 40
    invisible = [line for line in lines if any(c in line.text for c in "\u200b\u00a0\u200c\ufeff")]
    assert len(invisible) >= 4  # the invisible characters really are in the file


def test_every_number_is_masked_and_nothing_else(capsys: pytest.CaptureFixture[str]) -> None:
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures = []
    for line in corpus():
        masked, kinds = mask(line.text), {f.kind.value for f in findings(line.text)}
        total[f"{line.expect}:{line.kind}"] += 1
        if line.expect == "keep":
            ok = masked == line.text
        else:
            ok = line.kind in kinds and not survives(line, masked)
        caught[f"{line.expect}:{line.kind}"] += ok
        if not ok:
            failures.append(f"{line.expect} {line.kind}: {line.text!r} -> {masked!r}")
    with capsys.disabled():
        shown = ", ".join(f"{key} {caught[key]}/{total[key]}" for key in sorted(total))
        print(f"\nmasking corpus: {sum(caught.values())}/{sum(total.values())} right ({shown})")
    assert failures == []


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("电话13812345678，备用 139 1234 5678", "电话138****5678，备用 139****5678"),
        ("(010) 1234 5678", "010****5678"),
        ("9123 4567", "91****67"),
        ("0912-345-678", "091****678"),
        ("+852 9123 4567", "+852 91****67"),
        ("一三八一二三四五六七八", "138****5678"),
        ("身份证11010519491231002X", "身份证110***********002X"),
        ("mail zhang.san@qq.com", "mail z***@qq.com"),
    ],
)
def test_masked_text_stays_readable(written: str, shown: str) -> None:
    assert mask(written) == shown


def test_a_stored_contact_is_masked_even_when_it_is_no_valid_number() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
    assert mask_phone(None) == ""


def test_redact_removes_names_and_every_contact() -> None:
    text = "我是赵女士，电话一三八一二三四五六七八，邮箱 zhao@qq.com，赵女士敬上"
    assert redact(text, ["赵女士", None, ""]) == "我是[***]，电话[***]，邮箱 [***]，[***]敬上"


def test_the_typical_case_export_removes_every_spelling() -> None:
    """handlers/typical.py's anonymise kept 6 of 16 common spellings before (issue 15)."""
    kept = [
        line.text
        for line in corpus()
        if line.expect == "mask" and survives(line, anonymise(line.text, []))
    ]
    assert kept == []


def test_regions_come_from_the_configuration() -> None:
    assert mask("0912-345-678", ("CN",)) == "0912-345-678"
    assert mask("0912-345-678", Privacy(phone_regions=("tw",)).phone_regions) == "091****678"
    with pytest.raises(ValueError, match="ISO 3166"):
        Privacy(phone_regions=("XX",))


# The masking this replaced: plain mainland mobiles only (the reference for the figure).
OLD_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")


def test_masking_a_log_line_costs_little(capsys: pytest.CaptureFixture[str]) -> None:
    """A figure beside a reference measured in the same run: the former one-regex mask."""
    lines = [
        f"event sent case=TS2026{i % 90 + 10}-{i:04d} update={10**8 + i * 7919}" for i in range(500)
    ]
    start = time.perf_counter()
    shown = [mask(line) for line in lines]
    masked = (time.perf_counter() - start) / len(lines) * 1e6
    start = time.perf_counter()
    for line in lines:
        OLD_MOBILE.sub("***", line)
    reference = (time.perf_counter() - start) / len(lines) * 1e6
    with capsys.disabled():
        print(f"\nmask per log line: {masked:.0f} µs (the former regex: {reference:.1f} µs)")
    assert shown == lines  # ids and case numbers are no phone numbers
