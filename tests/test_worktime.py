"""Working time across weekends, China's holidays and make-up workdays, and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from handlers.worktime import WorkCalendar, supported_country

SHANGHAI, BERLIN, NEW_YORK = (
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
)
CN = WorkCalendar(SHANGHAI, "CN")
DE = WorkCalendar(BERLIN, "DE")


def local(cal: WorkCalendar, instant: datetime) -> str:
    return instant.astimezone(cal.tz).strftime("%a %Y-%m-%d %H:%M")


def test_chinese_make_up_workdays_count_and_holidays_do_not() -> None:
    assert CN.is_working_day(date(2026, 9, 20))  # a Sunday, made up for National Day
    assert not CN.is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday
    assert not CN.is_working_day(date(2026, 10, 1))
    assert CN.is_working_day(date(2026, 10, 10))  # a Saturday, made up
    assert not WorkCalendar(SHANGHAI).is_working_day(date(2026, 9, 20))  # no country: plain weekends


def test_adding_working_hours_skips_nights_weekends_and_holidays() -> None:
    thu_5pm = datetime(2026, 9, 24, 17, 0, tzinfo=SHANGHAI)
    # 1 hour left on Thursday, Friday is Mid-Autumn, the weekend is off: Monday 12:00.
    assert local(CN, CN.add_working_hours(thu_5pm, 4)) == "Mon 2026-09-28 12:00"
    sat = datetime(2026, 9, 19, 12, 0, tzinfo=SHANGHAI)
    # Saturday is off, but Sunday 20 September is a make-up workday.
    assert local(CN, CN.add_working_hours(sat, 2)) == "Sun 2026-09-20 11:00"


def test_daylight_saving_changes_never_shift_working_hours() -> None:
    fri = datetime(2026, 10, 23, 16, 0, tzinfo=BERLIN)  # Berlin leaves summer time on Sun 25 Oct
    monday = DE.add_working_hours(fri, 4)
    assert local(DE, monday) == "Mon 2026-10-26 11:00"
    assert monday.astimezone(UTC).hour == 10  # CET now: UTC+1
    assert DE.working_hours_between(fri, monday) == 4.0
    ny = WorkCalendar(NEW_YORK, "US")
    start = ny.next_working_start(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))  # the US change, a Sunday
    assert local(ny, start) == "Mon 2026-11-02 09:00" and start.astimezone(UTC).hour == 14


def test_working_days_and_next_start() -> None:
    wed_10 = datetime(2026, 9, 23, 10, 0, tzinfo=SHANGHAI)
    assert local(CN, CN.add_working_days(wed_10, 2)) == "Mon 2026-09-28 10:00"
    assert CN.is_working_time(wed_10) and not CN.is_working_time(wed_10.replace(hour=20))
    assert local(CN, CN.next_working_start(wed_10.replace(hour=20))) == "Thu 2026-09-24 09:00"


def test_country_codes_are_checked() -> None:
    assert supported_country("CN") and supported_country("de") and not supported_country("XX")
