"""Reading what people type, and masking what groups must not see."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.base.parsing import (
    clean,
    find_case_number,
    find_date,
    find_order,
    find_phone,
    plausible_name,
    storable,
)
from conversations.base.privacy import mask_phone, mask_phones_in

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("call 13812345678", "13812345678"),
        ("电话：138 1234 5678。", "13812345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("order 8812345678", None),
        ("12345678901", None),
    ],
)
def test_find_phone(text: str, phone: str | None) -> None:
    assert find_phone(text) == phone


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("昨天买的", date(2026, 11, 23)),
        ("today", TODAY),
        ("前天", date(2026, 11, 22)),
        ("2026-11-20 收到", date(2026, 11, 20)),
        ("11月20日", date(2026, 11, 20)),
        ("12月30日", date(2025, 12, 30)),
        ("2027-01-01", None),
        ("2026-02-30", None),
    ],
)
def test_find_date_never_in_the_future(text: str, day: date | None) -> None:
    assert find_date(text, TODAY) == day


def test_find_order_and_case_number() -> None:
    assert find_order("订单号：E20261123-77 漏发") == "E20261123-77"
    assert find_order("order #A88123") == "A88123"
    assert find_order("no order here") is None
    assert find_case_number("看看 ts202611-0007 怎样了") == "TS202611-0007"


def test_clean_drops_controls_and_bidi_controls_but_keeps_joiners_and_newlines() -> None:
    assert clean(" a\x00b\x07\nc\u202e ") == "ab\nc"
    bidi = "".join(chr(c) for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
    assert clean(f"订单{bidi}漏发") == "订单漏发"
    assert clean("👩\u200d💻 ok") == "👩\u200d💻 ok"  # a zero-width joiner builds the emoji


def test_stored_text_loses_bidi_controls_nul_and_surrogates() -> None:
    assert storable("exe.\u202etxt\u2066x\u2069\x00\ud800") == "exe.txtx"
    assert storable("普通文字 plain") == "普通文字 plain"


@pytest.mark.parametrize(
    ("name", "plausible"),
    [("1", False), ("。。", False), ("13812345678", False), ("", False), ("x" * 101, False)],
)
def test_names_without_letters_are_refused(name: str, plausible: bool) -> None:
    assert plausible_name(name) is plausible


@pytest.mark.parametrize("name", ["王芳", "陳小姐", "Anna-Lena O'Brien", "李2", "J"])
def test_names_with_letters_are_taken(name: str) -> None:
    assert plausible_name(name)


def test_masking() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert (
        mask_phones_in("电话13812345678，备用 139 1234 5678") == "电话138****5678，备用 139****5678"
    )
    assert mask_phones_in("订单 8812345678") == "订单 8812345678"
