"""Turning texts and instants into words for a reader, in their language and time zone.

The catalogue's neutral markup (`**bold**`, `` `code` ``, `[label](url)`) is turned into a platform's own by
the `markup` function a renderer hands to `fill`; `plain_markup` is the plain-text one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.i18n import t, template
from handlers.results import ChannelRef, Text

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


BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
CODE = re.compile(r"`([^`\n]*)`")
LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def plain(value: str) -> str:
    return value


def plain_markup(text: str) -> str:
    """Catalogue markup as plain text: bold and code marks dropped, a link as "label (url)"."""
    text = BOLD.sub(r"\1", text)
    text = CODE.sub(r"\1", text)
    return LINK.sub(r"\1 (\2)", text)


def fill(
    text: Text,
    *,
    locale: str,
    tz: ZoneInfo,
    escape: Callable[[str], str] = plain,
    when: Callable[[datetime], str] | None = None,
    markup: Callable[[str], str] = plain,
    channel: Callable[[ChannelRef], str] | None = None,
) -> str:
    """The catalogue text with its values put in: instants in the reader's zone, strings escaped.

    The template's markup is converted before the values go in, so a value is never read as markup."""
    values: dict[str, object] = {}
    for key, value in text.params.items():
        if isinstance(value, datetime):
            values[key] = when(value) if when else instant(value, tz=tz, locale=locale)
        elif isinstance(value, str):
            values[key] = escape(value)
        elif isinstance(value, ChannelRef):
            values[key] = channel(value) if channel else escape(value.channel_id)
        else:
            values[key] = value
    form = markup(template(locale, text.key, count=text.params.get("count")))
    return form.format(**values) if values else form


def hours_text(locale: str, hours: float | None) -> str:
    if hours is None:
        return t(locale, "stats_none")
    return t(locale, "hours_value", hours=f"{hours:.1f}")


def stats_lines(stats: Any, *, locale: str, escape: Callable[[str], str] = plain) -> list[str]:
    """A department's numbers (handlers.stats.DeptStats) as lines of text."""
    none = t(locale, "stats_none")
    oldest = ", ".join(f"T-{i} {escape(title[:60])}" for i, title in stats.oldest) or none
    waits = ", ".join(f"#{escape(name)} ({count})" for name, count in stats.waits_on) or none
    return [
        t(locale, "stats_on_time", on_time=stats.on_time, due=stats.due),
        t(locale, "stats_ack", median=hours_text(locale, stats.median_ack_hours)),
        t(locale, "stats_closure", verified=stats.verified, done=stats.done),
        t(locale, "stats_overdue", count=stats.overdue_now),
        t(locale, "stats_oldest", tasks=oldest),
        t(locale, "stats_waits", depts=waits),
        rating_line(locale, stats.rating_avg, stats.rating_count),
    ]


def rating_line(locale: str, average: float | None, count: int) -> str:
    if average is None or not count:
        return t(locale, "stats_rating", rating=t(locale, "stats_none"), count=0)
    return t(locale, "stats_rating", rating=f"{average:.1f}/5", count=count)


def intake_lines(view: Any, locale: str) -> list[str]:
    """A task's request type, fields and rating (handlers.results.TaskView), as plain lines."""
    lines: list[str] = []
    if view.request_type:
        lines.append(f"{t(locale, 'label_type')}: {view.request_type}")
    if view.fields:
        lines.append(" · ".join(f"{name}: {value}" for name, value in view.fields))
    if view.rating is not None:
        stars = "★" * view.rating + "☆" * (5 - view.rating)
        note = f" — {view.rating_note}" if view.rating_note else ""
        lines.append(f"{t(locale, 'label_rating')}: {stars} {view.rating}/5{note}")
    return lines


def duration(locale: str, span: timedelta | None) -> str:
    """A span as hours and minutes (a home view's median time to acknowledge), or "none yet"."""
    if span is None:
        return t(locale, "home_no_median")
    minutes = int(span.total_seconds() // 60)
    return t(locale, "duration", hours=minutes // 60, minutes=minutes % 60)
