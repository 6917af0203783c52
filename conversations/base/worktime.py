"""Working-time arithmetic on the business calendar (POLICY §5, DESIGN §5).

A day is a working day unless it is a company closure; the configured extra working and
extra holiday lists come next; then the region's official calendar (mainland China from
the `chinesecalendar` package, with its make-up working days); for a year the package
does not know yet, weekends plus the configured lists, with one warning per year.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

import chinese_calendar

from conversations.base.policy import Calendar, Span

log = logging.getLogger(__name__)

# Longest stretch searched for working time; only a calendar with no working days hits it.
_SEARCH_DAYS = 3660

RegionRule = Callable[[date], bool | None]


def china_workday(day: date) -> bool | None:
    """Mainland China's official answer, or None for a year the package has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def no_region(day: date) -> bool | None:
    return None


REGIONS: dict[str, RegionRule] = {"CN": china_workday, "none": no_region}


class WorkingCalendar:
    """Adds spans to instants and measures working time between them."""

    def __init__(self, calendar: Calendar, region: RegionRule | None = None) -> None:
        self.zone = calendar.zone
        self._intervals = calendar.intervals()
        self._weekend = set(calendar.weekend)
        self._holidays = set(calendar.holidays)
        self._workdays = set(calendar.workdays)
        self._closures = [(c.start, c.end) for c in calendar.closures]
        self._region = region or REGIONS[calendar.region]
        self._warned_years: set[int] = set()
        self._day_cache: dict[date, bool] = {}

    @property
    def day_length(self) -> timedelta:
        return sum((_length(b, e) for b, e in self._intervals), timedelta())

    def is_workday(self, day: date) -> bool:
        cached = self._day_cache.get(day)
        if cached is None:
            cached = self._decide(day)
            self._day_cache[day] = cached
        return cached

    def _decide(self, day: date) -> bool:
        if any(start <= day <= end for start, end in self._closures):
            return False
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        official = self._region(day)
        if official is not None:
            return official
        if self._region is not no_region and day.year not in self._warned_years:
            self._warned_years.add(day.year)
            log.warning(
                "calendar_year_unknown year=%s using=weekends+configured_days "
                "fix='list the year's holidays in calendar.holidays/workdays'",
                day.year,
            )
        return day.weekday() not in self._weekend

    def add(self, start: datetime, span: Span) -> datetime:
        """The instant `span` after `start`: plain time, or working time if the span says so."""
        if not span.working:
            return start + span.calendar()
        if span.unit == "day":
            return self.add_working(start, self.day_length * span.amount)
        return self.add_working(start, span.calendar())

    def add_working(self, start: datetime, amount: timedelta) -> datetime:
        """Move forward through working hours only, skipping nights, weekends and holidays."""
        remaining = amount
        for begin, end in self._working_stretches(start):
            if remaining <= end - begin:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= end - begin
        msg = "no working time in the calendar for ten years; check calendar settings"
        raise ValueError(msg)

    def working_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end); zero when end is not after start."""
        total = timedelta()
        for begin, finish in self._working_stretches(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total

    def _working_stretches(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from `start` on, as aware local datetimes."""
        start = start.astimezone(self.zone)
        for offset in range(_SEARCH_DAYS):
            day = start.date() + timedelta(days=offset)
            if not self.is_workday(day):
                continue
            for begin_t, end_t in self._intervals:
                begin = max(datetime.combine(day, begin_t, tzinfo=self.zone), start)
                end = datetime.combine(day, end_t, tzinfo=self.zone)
                if begin < end:
                    yield begin, end


def _length(begin: time, end: time) -> timedelta:
    anchor = date(2000, 1, 1)
    return datetime.combine(anchor, end) - datetime.combine(anchor, begin)


def uncovered_years(calendar: Calendar, today: date, days: int = 365) -> list[int]:
    """Years within the next `days` that have neither the region's official data nor any
    configured holiday: their holidays would count as working days (issue 14)."""
    region = REGIONS[calendar.region]
    if region is no_region:
        return []
    configured = {day.year for day in calendar.holidays}
    years = range(today.year, (today + timedelta(days=days)).year + 1)
    return [y for y in years if y not in configured and region(date(y, 7, 1)) is None]
