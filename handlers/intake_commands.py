"""Typed commands of intake (SPEC §8): request types, ratings, recurring requests; and their parsers.

They register themselves in handlers.command_parser's table of subcommands (see the end of this module), so
`/task type|rate|repeat …` parse like every other `/task` command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers import command_parser as cp
from handlers import commands as c
from handlers.errors import InvalidInput
from handlers.lifecycle import Priority

MAX_FIELDS = 12
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_DAYS = {"每天": "day", "工作日": "weekday", "周一": "monday", "周二": "tuesday", "周三": "wednesday"}
_ZH_DAYS |= {"周四": "thursday", "周五": "friday", "周六": "saturday", "周日": "sunday"}
_TYPE_NAME = re.compile(r"^[\w][\w-]{0,39}$")
_FIELD = re.compile(r"^([\w][\w .\-]{0,59})$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool = False


@dataclass(frozen=True)
class TypeAdd:
    dept: c.DeptRef
    name: str
    fields: tuple[FieldSpec, ...] = ()
    priority: Priority | None = None
    sla_hours: int | None = None
    owner: c.PersonRef | None = None
    rotation: tuple[c.PersonRef, ...] = ()


@dataclass(frozen=True)
class TypeList:
    dept: c.DeptRef | None = None


@dataclass(frozen=True)
class TypeRemove:
    dept: c.DeptRef
    name: str


@dataclass(frozen=True)
class Rate:
    """A rating given (or changed) after verifying: by `/task rate` or a rating button."""

    task_id: int
    rating: int
    note: str = ""


@dataclass(frozen=True)
class RepeatSet:
    task_id: int
    rule: str  # day, weekday, monday…sunday, month:<n>
    at: str = "09:00"


@dataclass(frozen=True)
class RepeatList:
    pass


@dataclass(frozen=True)
class RepeatStop:
    task_id: int


def parse_rating(word: str) -> int:
    if not word.isdigit() or not 1 <= int(word) <= 5:
        raise InvalidInput("rating_bad", given=word[:10])
    return int(word)


def split_fields(text: str) -> tuple[FieldSpec, ...]:
    """`"gauge id"*, location` → gauge id (required), location (optional)."""
    specs: list[FieldSpec] = []
    for part in text.split(","):
        raw = part.strip()
        if not raw:
            continue
        required = raw.endswith("*")
        name = cp.strip_quotes(raw.rstrip("*")).lower()
        if not _FIELD.match(name) or name in {s.name for s in specs}:
            raise InvalidInput("field_name_bad", given=raw[:60])
        specs.append(FieldSpec(name=name, required=required))
    if not specs or len(specs) > MAX_FIELDS:
        raise InvalidInput("type_usage")
    return tuple(specs)


def _type(_sub: str, t: cp._Tokens) -> TypeAdd | TypeList | TypeRemove:
    action = (t.word() or "").lower()
    if action == "list":
        token = t.next()
        return TypeList(dept=cp.dept_or_name(token) if token is not None else None)
    if action not in ("add", "remove", "rm"):
        raise InvalidInput("type_usage")
    dept = cp.dept_or_name(t.next())
    name = (t.word() or "").lower()
    if dept is None or not _TYPE_NAME.match(name):
        raise InvalidInput("type_usage")
    if action != "add":
        return TypeRemove(dept=dept, name=name)
    return _type_options(dept, name, t)


def _type_options(dept: c.DeptRef, name: str, t: cp._Tokens) -> TypeAdd:
    options: dict[str, object] = {}
    key = ""
    field_words: list[str] = []
    people: list[c.PersonRef] = []
    while (token := t.next()) is not None:
        word = cp.plain_word(token).lower()
        if (
            word in ("fields", "priority", "sla", "owner", "rotate")
            and key != "fields"
            or (key == "fields" and word in ("priority", "sla", "owner", "rotate"))
        ):
            key = word
            continue
        if key == "fields":
            field_words.append(cp.plain_word(token))
        elif key == "priority":
            options["priority"] = cp.parse_priority(word)
        elif key == "sla":
            m = re.fullmatch(r"(\d{1,3})h?", word)
            if not m or not 1 <= int(m[1]) <= 720:
                raise InvalidInput("sla_bad", given=word[:20])
            options["sla_hours"] = int(m[1])
        elif key in ("owner", "rotate") and (p := cp.person_of(token)):
            if key == "owner":
                options["owner"] = p
            else:
                people.append(p)
        else:
            raise InvalidInput("type_usage")
    if field_words:
        options["fields"] = split_fields(" ".join(field_words))
    if people:
        if len(people) < 2 or "owner" in options:
            raise InvalidInput("type_usage")
        options["rotation"] = tuple(people)
    return TypeAdd(dept=dept, name=name, **options)  # type: ignore[arg-type]


def _rate(_sub: str, t: cp._Tokens) -> Rate:
    task_id = cp.parse_task_id(t.word())
    rating = parse_rating(t.word() or "")
    return Rate(task_id=task_id, rating=rating, note=t.rest_text()[: c.MAX_NOTE])


def _repeat(_sub: str, t: cp._Tokens) -> RepeatSet | RepeatList | RepeatStop:
    first = (t.word() or "").lower()
    if first == "list":
        return RepeatList()
    if first == "stop":
        return RepeatStop(task_id=cp.parse_task_id(t.word()))
    task_id = cp.parse_task_id(first or None)
    if (t.word() or "").lower() not in ("every", "每"):
        raise InvalidInput("repeat_usage")
    word = (t.word() or "").lower()
    rule = _ZH_DAYS.get(word, word)
    if rule == "month":
        day = t.word() or ""
        if not day.isdigit() or not 1 <= int(day) <= 28:
            raise InvalidInput("repeat_month_bad", given=day[:10])
        rule = f"month:{int(day)}"
    elif rule not in ("day", "weekday", *WEEKDAYS):
        raise InvalidInput("repeat_rule_bad", given=word[:20])
    at = "09:00"
    if (word := t.word()) is not None:
        m = _HHMM.match(t.word() or "") if word.lower() in ("at", "在") else None
        if m is None:
            raise InvalidInput("repeat_usage")
        at = f"{int(m[1]):02d}:{m[2]}"
    if t.word() is not None:
        raise InvalidInput("repeat_usage")
    return RepeatSet(task_id=task_id, rule=rule, at=at)


SUBCOMMANDS = {"type": _type, "rate": _rate, "repeat": _repeat, "类型": _type, "重复": _repeat}
cp._SUBCOMMANDS.update(SUBCOMMANDS)
