"""Typed `/standup` commands (SPEC §4) and their parser."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.command_parser import _Tokens, dept_of, person_of, plain_word, strip_quotes, tokenize
from handlers.commands import DeptRef, PersonRef, Token
from handlers.errors import InvalidInput

DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# 09:30, 9:30, 9 (09:00), 9am, 9:30pm, 21：00 — a clock time as people type it.
_CLOCK = re.compile(r"^(\d{1,2})(?:[:：.]([0-5]\d))?\s*(am|pm)?$", re.IGNORECASE)
ANSWER_PARTS = 3  # done | planned | blockers


@dataclass(frozen=True)
class StandupSetup:
    channel: DeptRef | None  # a channel reference; None means "this channel"
    at: str
    tz: str | None = None
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    country: str | None = None
    close: str | None = None


@dataclass(frozen=True)
class StandupPeople:
    action: str  # add, remove, join, leave
    people: tuple[PersonRef, ...] = ()


@dataclass(frozen=True)
class StandupAway:
    person: PersonRef
    until: str


@dataclass(frozen=True)
class StandupNow:
    pass


@dataclass(frozen=True)
class StandupReport:
    day: str | None = None


@dataclass(frozen=True)
class StandupStop:
    pass


@dataclass(frozen=True)
class StandupAnswerText:
    """`/standup answer done | planned | blockers [@person|#dept]`, or a form, or a thread reply."""

    done: str
    planned: str = ""
    blockers: str = ""
    unblock_person: PersonRef | None = None
    unblock_dept: str | None = None
    run_id: int | None = None  # set by a form or a thread reply; typed answers go to today's run


@dataclass(frozen=True)
class StandupHelp:
    pass


StandupCommand = (
    StandupSetup
    | StandupPeople
    | StandupAway
    | StandupNow
    | StandupReport
    | StandupStop
    | StandupAnswerText
    | StandupHelp
)


def clock_of(value: str | None) -> str:
    m = _CLOCK.match((value or "").strip())
    hour = int(m[1]) if m else -1
    if m and m[3]:  # 12-hour clock: 12am is midnight, 12pm noon
        hour = -1 if not 1 <= hour <= 12 else hour % 12 + (12 if m[3].lower() == "pm" else 0)
    if not 0 <= hour <= 23:
        raise InvalidInput("standup_time_bad", given=(value or "")[:10])
    assert m is not None
    return f"{hour:02d}:{m[2] or '00'}"


def days_of(value: str | None) -> tuple[int, ...]:
    text = (value or "").lower()
    m = re.fullmatch(r"(mon|tue|wed|thu|fri|sat|sun)-(mon|tue|wed|thu|fri|sat|sun)", text)
    if m:
        start, end = DAY_NAMES[m[1]], DAY_NAMES[m[2]]
        if start > end:
            raise InvalidInput("standup_days_bad", given=text[:20])
        return tuple(range(start, end + 1))
    names = [d for d in text.split(",") if d]
    if not names or any(d not in DAY_NAMES for d in names):
        raise InvalidInput("standup_days_bad", given=text[:20])
    return tuple(sorted({DAY_NAMES[d] for d in names}))


# Every subcommand the parser below knows (the help text lists each; a test holds them together).
STANDUP_SUBCOMMANDS = (
    "setup",
    "add",
    "remove",
    "join",
    "leave",
    "away",
    "now",
    "report",
    "stop",
    "answer",
    "help",
)


def parse_standup_command(text: str | Sequence[Token]) -> StandupCommand:
    """Parse what followed `/standup`: plain text, or an adapter's tokens (handlers.commands.Token)."""
    t = _Tokens(tokenize(text))
    sub = (t.word() or "").lower()
    if sub in ("", "help", "帮助"):
        return StandupHelp()
    if sub not in STANDUP_SUBCOMMANDS:
        raise InvalidInput("standup_unknown", given=sub[:40])
    if sub == "setup":
        return _setup(t)
    if sub in ("add", "remove"):
        people = []
        while (word := t.next()) is not None:
            person = person_of(word)
            if person is None:
                raise InvalidInput("person_missing", usage=f"/standup {sub} @a @b")
            people.append(person)
        if not people:
            raise InvalidInput("person_missing", usage=f"/standup {sub} @a @b")
        return StandupPeople(action=sub, people=tuple(people))
    if sub in ("join", "leave"):
        return StandupPeople(action=sub)
    if sub == "away":
        person = person_of(t.next())
        if person is None:
            raise InvalidInput("person_missing", usage="/standup away @user until <when>")
        if (t.word() or "").lower() not in ("until", "到"):
            raise InvalidInput("standup_away_usage")
        until = strip_quotes(t.rest_text())
        if not until:
            raise InvalidInput("standup_away_usage")
        return StandupAway(person=person, until=until)
    if sub == "now":
        return StandupNow()
    if sub == "report":
        rest = strip_quotes(t.rest_text())
        return StandupReport(day=rest or None)
    if sub == "stop":
        return StandupStop()
    if sub == "answer":
        return answer_of(t.rest_text())
    raise InvalidInput("standup_unknown", given=sub[:40])


def answer_of(text: str) -> StandupAnswerText:
    parts = [p.strip() for p in text.split("|")]
    if not parts or not parts[0]:
        raise InvalidInput("standup_answer_usage")
    if len(parts) > ANSWER_PARTS:
        raise InvalidInput("standup_answer_too_many", count=len(parts))
    blockers = parts[2] if len(parts) > 2 else ""
    person = dept = None
    for word in blockers.split():
        if person is None and (p := person_of(word.rstrip(".,;"))):
            person = p
        elif dept is None and (d := dept_of(word.rstrip(".,;"))):
            dept = d.name
    return StandupAnswerText(
        done=parts[0][:3000],
        planned=(parts[1] if len(parts) > 1 else "")[:3000],
        blockers=blockers[:3000],
        unblock_person=person,
        unblock_dept=dept,
    )


def _setup(t: _Tokens) -> StandupSetup:
    channel: DeptRef | None = None
    values: dict[str, str] = {}
    while (token := t.next()) is not None:
        key = plain_word(token).lower()
        if channel is None and not values and (ref := dept_of(token)):
            channel = ref
            continue
        if key not in ("at", "tz", "days", "country", "close"):
            raise InvalidInput("standup_setup_usage")
        value = t.word()
        if value is None:
            raise InvalidInput("standup_setup_usage")
        values[key] = value
    if "at" not in values:
        raise InvalidInput("standup_setup_usage")
    return StandupSetup(
        channel=channel,
        at=clock_of(values["at"]),
        tz=values.get("tz"),
        days=days_of(values["days"]) if "days" in values else (0, 1, 2, 3, 4),
        country=values["country"].upper() if "country" in values else None,
        close=clock_of(values["close"]) if "close" in values else None,
    )
