"""Relative dates in the business's time zone, and a day word in a threat is not when it
happened (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations import filing
from conversations.base.parsing import find_date
from conversations.base.policy import Language
from conversations.base.timewords import local_date
from tests.conversations.flow_table import context, message

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLY = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 06:30 on Tuesday 24 Nov in Shanghai
TODAY = date(2026, 11, 24)


def test_the_business_date_at_half_past_six_in_shanghai_is_already_today() -> None:
    assert EARLY.date() == date(2026, 11, 23)
    assert local_date(EARLY, SHANGHAI) == TODAY


@pytest.mark.parametrize(
    ("text", "day"),
    [("昨天收到的水壶漏水", date(2026, 11, 23)), ("今天早上送来的菜是坏的", TODAY)],
)
def test_a_description_at_six_thirty_takes_the_shanghai_date(text: str, day: date) -> None:
    ctx = replace(context(Language.ZH_HANS), now=EARLY)
    answer = filing.answer_description(message(text), ctx, {})
    assert isinstance(answer, dict)
    assert answer["occurred_on"] == day.isoformat()


@pytest.mark.parametrize(
    "text",
    [
        "如果今天不给我解决，我就投诉到市场监管局",
        "今天之内必须给我退款",
        "要是今天还不处理，我就报警",
        "If you do not fix it today I will call my lawyer",
        "I expect a refund by today",
        "今天不給我解決就找記者",
    ],
)
def test_a_day_word_in_a_demand_is_not_when_it_happened(text: str) -> None:
    assert find_date(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("昨天买的面包发霉了，如果今天不给我解决，我就投诉", date(2026, 11, 23)),
        ("如果今天不退款我就起诉。前天收到的", date(2026, 11, 22)),
        ("Yesterday the kettle leaked; fix it by today", date(2026, 11, 23)),
        ("I bought it today", TODAY),
        ("I bought it the day before yesterday", date(2026, 11, 22)),
    ],
)
def test_the_day_told_as_an_account_is_found_beside_a_demand(text: str, day: date) -> None:
    assert find_date(text, TODAY) == day
