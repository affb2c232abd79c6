"""The due-date reader: a table of phrases with a fixed "now" (Wed 18 Nov 2026, 10:00 in Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.dates import parse_when, zh_number
from handlers.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)

ACCEPTED = [
    ("friday", "2026-11-20 18:00"),
    ("fri", "2026-11-20 18:00"),
    ("this friday", "2026-11-20 18:00"),
    ("Friday", "2026-11-20 18:00"),
    ("next friday", "2026-11-27 18:00"),
    ("next friday 5pm", "2026-11-27 17:00"),
    ("next mon", "2026-11-23 18:00"),
    ("wednesday", "2026-11-18 18:00"),
    ("tomorrow", "2026-11-19 18:00"),
    ("tomorrow 9:30am", "2026-11-19 09:30"),
    ("tomorrow at 3pm", "2026-11-19 15:00"),
    ("tmrw 5pm", "2026-11-19 17:00"),
    ("in 3 days", "2026-11-21 18:00"),
    ("in 2 hours", "2026-11-18 12:00"),
    ("in 30 minutes", "2026-11-18 10:30"),
    ("in 2 weeks", "2026-12-02 18:00"),
    ("in 2 working days", "2026-11-20 18:00"),
    ("eod", "2026-11-18 18:00"),
    ("EOD", "2026-11-18 18:00"),
    ("today", "2026-11-18 18:00"),
    ("eow", "2026-11-20 18:00"),
    ("end of month", "2026-11-30 18:00"),
    ("3pm", "2026-11-18 15:00"),
    ("noon", "2026-11-18 12:00"),
    ("8am", "2026-11-19 08:00"),
    ("2026-12-01", "2026-12-01 18:00"),
    ("2026-12-01T15:00", "2026-12-01 15:00"),
    ("2026-12-01 15:00", "2026-12-01 15:00"),
    ("2026-12-01T15:00+01:00", "2026-12-01 22:00"),
    ("2026-12-01T07:00Z", "2026-12-01 15:00"),
    ("december 3", "2026-12-03 18:00"),
    ("dec 5 4pm", "2026-12-05 16:00"),
    ("明天", "2026-11-19 18:00"),
    ("今天", "2026-11-18 18:00"),
    ("后天", "2026-11-20 18:00"),
    ("大后天", "2026-11-21 18:00"),
    ("下周五", "2026-11-27 18:00"),
    ("下星期一", "2026-11-23 18:00"),
    ("周五", "2026-11-20 18:00"),
    ("星期五", "2026-11-20 18:00"),
    ("本周五", "2026-11-20 18:00"),
    ("明天下午3点", "2026-11-19 15:00"),
    ("明天上午10点半", "2026-11-19 10:30"),
    ("明天 15:30", "2026-11-19 15:30"),
    ("下周一上午十点", "2026-11-23 10:00"),
    ("晚上8点", "2026-11-18 20:00"),
    ("3天后", "2026-11-21 18:00"),
    ("三天后", "2026-11-21 18:00"),
    ("2个工作日后", "2026-11-20 18:00"),
    ("月底", "2026-11-30 18:00"),
    ("12月3日", "2026-12-03 18:00"),
    ("十二月三号", "2026-12-03 18:00"),
]

REFUSED = [
    ("yesterday", "date_in_past"),
    ("昨天", "date_in_past"),
    ("2020-01-01", "date_in_past"),
    ("2026-11-18T09:00", "date_in_past"),
    ("banana", "date_unreadable"),
    ("whenever", "date_unreadable"),
    ("", "date_unreadable"),
    ("3", "date_unreadable"),
    ("31 feb", "date_unreadable"),
    ("2026-13-01", "date_unreadable"),
    ("25pm", "date_unreadable"),
    ("明天下午25点", "date_unreadable"),
    ("tomorrow banana", "date_unreadable"),
    ("下周八", "date_unreadable"),
    ("x" * 200, "date_unreadable"),
]


@pytest.mark.parametrize(("phrase", "expected"), ACCEPTED)
def test_accepted_phrases(phrase: str, expected: str) -> None:
    got = parse_when(phrase, now=NOW, tz=SHANGHAI)
    assert got.tzinfo is not None
    assert got.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(("phrase", "key"), REFUSED)
def test_refused_phrases(phrase: str, key: str) -> None:
    with pytest.raises(InvalidInput) as refusal:
        parse_when(phrase, now=NOW, tz=SHANGHAI)
    assert refusal.value.key == key


def test_the_table_is_big_enough() -> None:
    assert len(ACCEPTED) + len(REFUSED) >= 40


def test_same_phrase_means_local_end_of_day_in_each_zone() -> None:
    berlin = parse_when("tomorrow", now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert berlin == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)


def test_chinese_numbers() -> None:
    assert [zh_number(s) for s in ("3", "十", "十五", "二十三", "两", "abc")] == [3, 10, 15, 23, 2, None]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gets_an_instant_or_a_refusal(text: str) -> None:
    try:
        got = parse_when(text, now=NOW, tz=SHANGHAI)
    except InvalidInput:
        return
    assert got > NOW and got.tzinfo is not None
