"""Working time: a person's or department's hours, weekends and public holidays, in their own zone.

Intervals are built from local wall-clock times each day, so a daylight-saving change never moves
"09:00" or counts an hour twice. China's make-up workdays count as working days (holidays package).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

DEFAULT_START = time(9, 0)
DEFAULT_END = time(18, 0)
MAX_DAYS = 3660  # ten years: far past any promise or due date


@lru_cache(maxsize=64)
def _country(code: str) -> Any:
    return holidays.country_holidays(code)


def supported_country(code: str) -> bool:
    return code.upper() in holidays.list_supported_countries()


@lru_cache(maxsize=65536)
def _interval(cal: WorkCalendar, day: date) -> tuple[datetime, datetime] | None:
    # Cached: a sweep asks the same few calendars about the same few weeks many thousand times.
    if not cal.is_working_day(day):
        return None
    return datetime.combine(day, cal.start, cal.tz), datetime.combine(day, cal.end, cal.tz)


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo
    country: str | None = None
    start: time = DEFAULT_START
    end: time = DEFAULT_END
    # Each day's interval as this calendar object found it: the shared cache below hashes all four
    # fields on every lookup, and a sweep asks some 70,000 times at a zone's working morning.
    _days: dict[date, tuple[datetime, datetime] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def is_working_day(self, day: date) -> bool:
        if self.country:
            return bool(_country(self.country.upper()).is_working_day(day))
        return day.weekday() < 5

    def interval(self, day: date) -> tuple[datetime, datetime] | None:
        """That day's working hours as aware instants, or None on a day off."""
        try:
            return self._days[day]
        except KeyError:
            found = self._days[day] = _interval(self, day)
            return found

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def is_working_time(self, instant: datetime) -> bool:
        span = self.interval(instant.astimezone(self.tz).date())  # local_date, inlined: a hot path
        return span is not None and span[0] <= instant < span[1]

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant `hours` of working time after `start`."""
        remaining = timedelta(hours=hours)
        day = start.astimezone(self.tz).date()
        interval, one_day = self.interval, timedelta(days=1)  # looked up once: some 10,000 calls a sweep
        for _ in range(MAX_DAYS):
            span = interval(day)
            if span is not None:
                begin = max(start, span[0])
                if begin < span[1]:
                    if remaining <= span[1] - begin:
                        return begin + remaining
                    remaining -= span[1] - begin
            day += one_day
        raise ValueError("no working time within ten years")

    def subtract_working_hours(self, end: datetime, hours: float) -> datetime:
        """The latest instant with `hours` of working time between it and `end`."""
        remaining = timedelta(hours=hours)
        day = self.local_date(end)
        for _ in range(MAX_DAYS):
            span = self.interval(day)
            if span is not None:
                finish = min(end, span[1])
                if finish > span[0]:
                    if remaining <= finish - span[0]:
                        return finish - remaining
                    remaining -= finish - span[0]
            day -= timedelta(days=1)
        raise ValueError("no working time within ten years")

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` working days later (a day off is skipped, not counted)."""
        local = start.astimezone(self.tz)
        day = local.date()
        while days > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return datetime.combine(day, local.time(), self.tz)

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        if b <= a:
            return 0.0
        total = timedelta()
        day = self.local_date(a)
        last = self.local_date(b)
        while day <= last:
            span = self.interval(day)
            if span is not None:
                lo, hi = max(a, span[0]), min(b, span[1])
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def next_working_start(self, instant: datetime) -> datetime:
        """`instant` itself during working hours, else the start of the next working period."""
        day = self.local_date(instant)
        for _ in range(MAX_DAYS):
            span = self.interval(day)
            if span is not None and instant < span[1]:
                return max(instant, span[0])
            day += timedelta(days=1)
        raise ValueError("no working time within ten years")
