"""Reading `<when>`: ISO, English and Chinese phrases, in the speaker's time zone (SPEC §2).

A small layer handles what people type most (weekdays, `eod`, `明天下午3点`, `下周五`, `3天后`,
`月底`) predictably; dateparser handles the long tail. A date without a time means the end of that
working day. Everything returned is an aware UTC instant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.errors import InvalidInput

WORKDAY_END = time(18, 0)

_WEEKDAYS_EN = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_EN_TIME = re.compile(
    r"^(?:at\s+)?(?:(?P<noon>noon|midday)|(?P<midnight>midnight)|"
    r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?)$"
)
_ZH_TIME = re.compile(
    r"^(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?\s*(?P<h>[0-9零〇一二两三四五六七八九十]{1,3})"
    r"\s*(?:(?P<sep>[点點时時])\s*(?:(?P<half>半)|(?P<m>[0-9零〇一二三四五六七八九十]{1,3})\s*分?)?|[:：]\s*(?P<m2>\d{2}))$"
)
_ZH_PART_PM = {"下午", "傍晚", "晚上"}


def zh_number(text: str) -> int | None:
    """'3', '十', '十五', '二十三' -> int; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _ZH_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        value = 0
        for c in text:
            value = value * 10 + _ZH_DIGITS[c]
        return value
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, workday_end: time = WORKDAY_END) -> datetime:
    """The instant `text` names, read in `tz` relative to `now`. Refuses unreadable or past times."""
    phrase = " ".join(text.replace("：", ":").strip().strip('"').lower().split())
    if not phrase:
        raise InvalidInput("date_unreadable", text=text)
    local_now = now.astimezone(tz)
    found = _parse_phrase(phrase, local_now, workday_end)
    if found is None:
        raise InvalidInput("date_unreadable", text=text)
    instant = (found if found.tzinfo else found.replace(tzinfo=tz)).astimezone(UTC)
    if instant <= now:
        raise InvalidInput("date_in_past", text=text)
    return instant


def _parse_phrase(phrase: str, now: datetime, end: time) -> datetime | None:
    for reader in (_iso, _english, _chinese):
        result = reader(phrase, now, end)
        if result is not None:
            return result
    return _dateparser(phrase, now, end)


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


def _iso(phrase: str, now: datetime, end: time) -> datetime | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2})?(z|[+-]\d{2}:?\d{2})?)?", phrase):
        return None
    try:
        parsed = datetime.fromisoformat(phrase.upper())
    except ValueError:
        return None
    if len(phrase) == 10:
        return _at(parsed.date(), end)
    return parsed


def _english_time(text: str) -> time | None:
    m = _EN_TIME.match(text.strip())
    if not m:
        return None
    if m["noon"]:
        return time(12, 0)
    if m["midnight"]:
        return time(23, 59)
    hour, minute, ampm = int(m["h"]), int(m["m"] or 0), (m["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif m["m"] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day_then_time(rest: str, day: date, end: time) -> datetime | None:
    if not rest:
        return _at(day, end)
    clock = _english_time(rest)
    return _at(day, clock) if clock else None


def _english(phrase: str, now: datetime, end: time) -> datetime | None:
    today = now.date()
    if phrase in ("eod", "end of day", "today", "by eod", "cob", "end of today"):
        return _at(today, end)
    if phrase in ("eow", "end of week", "end of the week", "by eow"):
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return _at(friday, end)
    if phrase in ("eom", "end of month", "end of the month"):
        return _at(_end_of_month(today), end)
    m = re.fullmatch(r"(today|tonight|tomorrow|tmrw|tmr)\s*(.*)", phrase)
    if m:
        day = today if m[1] in ("today", "tonight") else today + timedelta(days=1)
        return _day_then_time(m[2], day, end)
    m = re.fullmatch(r"in\s+(\d{1,3}|a|an|one|two|three)\s+(minute|hour|day|week|working day)s?", phrase)
    if m:
        words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
        count = words.get(m[1]) or int(m[1])
        unit = m[2]
        if unit in ("minute", "hour"):
            return now + timedelta(**{unit + "s": count})
        if unit == "working day":
            return _at(_add_weekdays(today, count), end)
        return _at(today + timedelta(days=count * (7 if unit == "week" else 1)), end)
    m = re.fullmatch(r"(?:(this|next|coming)\s+)?([a-z]+)\s*(.*)", phrase)
    if m and m[2] in _WEEKDAYS_EN:
        day = _weekday(today, _WEEKDAYS_EN[m[2]], next_week=m[1] == "next")
        return _day_then_time(m[3], day, end)
    clock = _english_time(phrase)
    if clock is not None:  # a bare time: today if still ahead, else tomorrow
        candidate = _at(today, clock)
        return candidate if candidate > now.replace(tzinfo=None) else _at(today + timedelta(days=1), clock)
    return None


def _weekday(today: date, weekday: int, *, next_week: bool) -> date:
    if next_week:  # "next friday" / 下周五: that day in the following calendar week
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _end_of_month(today: date) -> date:
    first_next = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = first_next - timedelta(days=1)
    while last.weekday() >= 5:  # the month's last working day
        last -= timedelta(days=1)
    return last


def _add_weekdays(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _chinese_time(text: str) -> time | None:
    m = _ZH_TIME.match(text.strip())
    if not m:
        return None
    hour = zh_number(m["h"])
    minute = 30 if m["half"] else zh_number(m["m"] or m["m2"] or "0")
    if hour is None or minute is None or minute > 59:
        return None
    part = m["part"]
    if part in _ZH_PART_PM and hour < 12 or part == "中午" and hour < 11:
        hour += 12
    if hour > 23:
        return None
    return time(hour, minute)


_ZH_DAY = re.compile(
    r"^(?:(?P<rel>今天|今日|明天|明日|后天|後天|大后天)"
    r"|(?P<n>[0-9零一二两三四五六七八九十]{1,3})\s*(?P<unit>天|个工作日|個工作日|周|週|星期)[之以]?后"
    r"|(?P<wk>下下|下|本|这|這)?\s*(?:周|週|星期|礼拜|禮拜)(?P<wd>[一二三四五六日天])"
    r"|(?P<eom>月底|本月底)|(?P<eow>周末前|本周内|这周内)"
    r"|(?:(?P<mon>\d{1,2}|[一二三四五六七八九十]{1,3})月(?P<dom>\d{1,2}|[一二三四五六七八九十]{1,3})[日号號]))"
)


def _chinese(phrase: str, now: datetime, end: time) -> datetime | None:
    phrase = phrase.replace(" ", "")
    m = _ZH_DAY.match(phrase)
    if not m:
        clock = _chinese_time(phrase)
        if clock is None:
            return None
        candidate = _at(now.date(), clock)
        return candidate if candidate > now.replace(tzinfo=None) else None
    today = now.date()
    if m["rel"]:
        offsets = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3}
        day = today + timedelta(days=offsets[m["rel"]])
    elif m["n"]:
        count = zh_number(m["n"])
        if count is None:
            return None
        if m["unit"] in ("个工作日", "個工作日"):
            day = _add_weekdays(today, count)
        else:
            day = today + timedelta(days=count * (1 if m["unit"] == "天" else 7))
    elif m["wd"]:
        weekday = _WEEKDAYS_ZH[m["wd"]]
        if m["wk"] == "下下":
            day = _weekday(today, weekday, next_week=True) + timedelta(days=7)
        else:
            day = _weekday(today, weekday, next_week=m["wk"] == "下")
    elif m["eom"]:
        day = _end_of_month(today)
    elif m["eow"]:
        day = today + timedelta(days=(4 - today.weekday()) % 7)
    else:
        month, dom = zh_number(m["mon"]), zh_number(m["dom"])
        if month is None or dom is None:
            return None
        try:
            day = date(today.year, month, dom)
            if day < today:
                day = date(today.year + 1, month, dom)
        except ValueError:
            return None
    rest = phrase[m.end() :]
    if not rest:
        return _at(day, end)
    clock = _chinese_time(rest) or _english_time(rest)
    return _at(day, clock) if clock else None


_HAS_TIME = re.compile(r"\d:\d|\d\s*(am|pm)\b|\bnoon\b|\bmidnight\b|\bhours?\b|\bminutes?\b|[点點时時]")
_DATEPARSER_SETTINGS_BASE = {"PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False}


def _dateparser(phrase: str, now: datetime, end: time) -> datetime | None:
    # Imported here: dateparser takes a while to load and most phrases never need it.
    import dateparser

    if not re.search(r"[a-z\u4e00-\u9fff]", phrase) or len(phrase) > 60:
        return None  # bare numbers and essays are not dates we should guess at
    settings = {**_DATEPARSER_SETTINGS_BASE, "RELATIVE_BASE": now.replace(tzinfo=None)}
    try:
        parsed = dateparser.parse(phrase, languages=["en", "zh"], settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input; that means "unreadable"
        return None
    if parsed is None:
        return None
    if _HAS_TIME.search(phrase):
        return parsed
    return _at(parsed.date(), end)


def warm_up() -> None:
    """Load dateparser's language data before the first command needs it."""
    import dateparser

    dateparser.parse("next month", languages=["en", "zh"])
