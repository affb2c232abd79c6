"""Turning texts and instants into words for a reader, in their language and time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.i18n import t
from handlers.results import Text

_WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
}


def instant(dt: datetime, *, tz: ZoneInfo, locale: str) -> str:
    local = dt.astimezone(tz)
    day = _WEEKDAYS["zh" if locale == "zh" else "en"][local.weekday()]
    if locale == "zh":
        return f"{local.month}月{local.day}日 {day} {local:%H:%M}"
    return f"{day} {local.day} {local:%b} {local:%H:%M}"


def plain(value: str) -> str:
    return value


def fill(
    text: Text,
    *,
    locale: str,
    tz: ZoneInfo,
    escape: Callable[[str], str] = plain,
    when: Callable[[datetime], str] | None = None,
) -> str:
    """The catalogue text with its values put in: instants in the reader's zone, strings escaped."""
    values: dict[str, object] = {}
    for key, value in text.params.items():
        if isinstance(value, datetime):
            values[key] = when(value) if when else instant(value, tz=tz, locale=locale)
        elif isinstance(value, str):
            values[key] = escape(value)
        else:
            values[key] = value
    return t(locale, text.key, **values)
