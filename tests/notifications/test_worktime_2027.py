"""Spring Festival 2027 from configured holidays, and the warning when they are missing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.base.policy import Calendar
from conversations.base.worktime import WorkingCalendar, uncovered_years
from tests.fakes.policy import test_policy as example_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_spring_festival_2027_from_the_example_config_is_skipped() -> None:
    calendar = WorkingCalendar(example_policy().calendar)
    thursday = datetime(2027, 2, 4, 17, 0, tzinfo=SHANGHAI)
    # Eve (Fri 02-05) to day 3 (Mon 02-08) are off: one working hour lands on Tuesday.
    assert calendar.add_working(thursday, timedelta(hours=2)) == datetime(
        2027, 2, 9, 10, 0, tzinfo=SHANGHAI
    )


def test_without_configured_holidays_spring_festival_2027_counts_as_working() -> None:
    calendar = WorkingCalendar(Calendar())
    assert calendar.is_workday(date(2027, 2, 5)) and calendar.is_workday(date(2027, 2, 8))


def test_a_year_ahead_without_data_or_holidays_is_named() -> None:
    assert uncovered_years(Calendar(), date(2026, 11, 30)) == [2027]
    assert uncovered_years(Calendar(), date(2025, 6, 1)) == []  # 2025-2026 are in the package
    assert uncovered_years(example_policy().calendar, date(2026, 11, 30)) == []
    assert uncovered_years(Calendar(region="none"), date(2026, 11, 30)) == []
