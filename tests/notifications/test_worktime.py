"""Working-time arithmetic on the mainland-China business calendar (POLICY §5)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.base.policy import Calendar, Closure, Span
from conversations.base.worktime import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def hours(n: float) -> Span:
    return Span(amount=n, unit="hour", working=True)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(Calendar(holidays=["2027-01-01"]))


def test_friday_evening_rolls_over_the_weekend(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2026-11-27 17:00"), hours(4)) == at("2026-11-30 12:00")


def test_filing_at_night_starts_counting_next_morning(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2026-11-24 22:30"), hours(2)) == at("2026-11-25 11:00")


def test_national_day_2025_holiday_is_skipped(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2025-09-30 16:00"), hours(4)) == at("2025-10-09 11:00")


def test_make_up_sunday_2025_09_28_is_a_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2025-09-26 17:00"), hours(2)) == at("2025-09-28 10:00")


def test_make_up_saturday_before_spring_festival_2026(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2026-02-13 17:00"), hours(3)) == at("2026-02-14 11:00")


def test_spring_festival_2026_is_skipped(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2026-02-14 17:00"), hours(2)) == at("2026-02-24 10:00")


def test_working_days_count_whole_days_of_working_time(calendar: WorkingCalendar) -> None:
    three_days = Span(amount=3, unit="day", working=True)
    assert calendar.add(at("2026-11-23 10:00"), three_days) == at("2026-11-26 10:00")


def test_late_december_2026_into_2027_uses_configured_holidays(
    calendar: WorkingCalendar,
) -> None:
    # 2027-01-01 is a configured holiday, then a weekend: next working hour is Monday.
    assert calendar.add(at("2026-12-31 17:00"), hours(2)) == at("2027-01-04 10:00")


def test_unknown_year_warns_once_and_never_fails(caplog: pytest.LogCaptureFixture) -> None:
    calendar = WorkingCalendar(Calendar())  # nothing configured for 2027
    with caplog.at_level(logging.WARNING):
        first = calendar.add(at("2026-12-31 17:00"), hours(2))
        calendar.add(at("2027-03-01 09:00"), hours(30))
    assert first == at("2027-01-01 10:00")  # a plain Friday when nothing says otherwise
    warnings = [r for r in caplog.records if "calendar_year_unknown" in r.getMessage()]
    assert len(warnings) == 1


def test_configured_workday_overrides_a_weekend_in_an_unknown_year() -> None:
    calendar = WorkingCalendar(Calendar(workdays=["2027-01-09"], holidays=["2027-01-08"]))
    assert calendar.add(at("2027-01-07 17:30"), hours(1)) == at("2027-01-09 09:30")


def test_company_closure_is_skipped(calendar: WorkingCalendar) -> None:
    closed = WorkingCalendar(
        Calendar(closures=[Closure(start="2026-11-25", end="2026-11-26", reason="stocktake")])
    )
    assert closed.add(at("2026-11-24 17:00"), hours(2)) == at("2026-11-27 10:00")


def test_calendar_time_runs_around_the_clock(calendar: WorkingCalendar) -> None:
    thirty_minutes = Span.parse("30 minutes")
    assert calendar.add(at("2026-11-28 03:00"), thirty_minutes) == at("2026-11-28 03:30")


def test_second_level_spans_for_testing(calendar: WorkingCalendar) -> None:
    assert calendar.add(at("2026-11-24 10:00"), Span.parse("5 working seconds")) == at(
        "2026-11-24 10:00:05"
    )


def test_lunch_break_is_not_working_time() -> None:
    split = WorkingCalendar(Calendar(working_hours=[("09:00", "12:00"), ("13:30", "18:00")]))
    assert split.add(at("2026-11-24 11:00"), hours(2)) == at("2026-11-24 14:30")


def test_working_between_is_the_inverse_of_add(calendar: WorkingCalendar) -> None:
    start = at("2026-02-13 15:00")
    end = calendar.add_working(start, timedelta(hours=11))
    assert calendar.working_between(start, end) == timedelta(hours=11)
    assert calendar.working_between(end, start) == timedelta()


def test_result_keeps_the_callers_time_zone(calendar: WorkingCalendar) -> None:
    start = at("2026-11-24 10:00").astimezone(ZoneInfo("UTC"))
    assert calendar.add(start, hours(1)).tzinfo == ZoneInfo("UTC")


@pytest.mark.parametrize("text", ["4 hours working", "four hours", "3 weeks", ""])
def test_unreadable_spans_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="<number> \\[working\\] <unit>"):
        Span.parse(text)
