"""Reading what people type, and masking what groups must not see."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.base.parsing import clean, find_case_number, find_date, find_order, find_phone
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


def test_clean_drops_controls_but_keeps_rtl_marks_and_newlines() -> None:
    assert clean(" a\x00b\x07\nc\u202e ") == "ab\nc\u202e"


def test_masking() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert (
        mask_phones_in("电话13812345678，备用 139 1234 5678") == "电话138****5678，备用 139****5678"
    )
    assert mask_phones_in("订单 8812345678") == "订单 8812345678"
