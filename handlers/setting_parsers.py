"""Parsers of the commands that set things up: departments (`dept`), members (`member`), and a person's
language (`lang`) and notifications (`notify`). They register themselves in handlers.command_parser's
table, like intake's commands."""

from __future__ import annotations

import re
from typing import Any

from handlers.command_parser import (
    _DEPT_NAME,
    _SUBCOMMANDS,
    _person,
    _Tokens,
    dept_of,
    dept_or_name,
    person_of,
    plain_word,
)
from handlers.commands import DeptList, DeptRef, DeptUpsert, PersonRef, SetLanguage, SetMember, SetNotify
from handlers.errors import InvalidInput


def _dept(_sub: str, t: _Tokens) -> DeptUpsert | DeptList:
    action = (t.word() or "").lower()
    if action == "list":
        return DeptList()
    if action not in ("add", "set"):
        raise InvalidInput("dept_usage")
    name_token = t.next()
    given = plain_word(name_token) if name_token is not None else ""
    name = name_token.name if isinstance(name_token, DeptRef) else given.lstrip("#").lower()
    if not name or not _DEPT_NAME.match(name):
        raise InvalidInput("dept_name_bad", given=given[:40])
    lead: PersonRef | None = None
    channel: DeptRef | None = None
    sla: int | None = None
    extra: dict[str, Any] = {}
    while (word := t.word()) is not None:
        key = word.lower()
        ref = t.next()
        if ref is None:
            raise InvalidInput("dept_usage")
        value = plain_word(ref)
        if key in ("lead", "负责人"):
            lead = person_of(ref)
            if lead is None:
                raise InvalidInput("person_missing", usage="/task dept add <name> lead @user")
        elif key in ("channel", "频道"):
            channel = dept_of(ref)
            if channel is None:
                raise InvalidInput("channel_bad", given=value[:40])
        elif key in ("intake", "收件频道") and value.lower() in ("off", "none", "关闭"):
            extra["intake_off"] = True
        elif key in ("intake", "收件频道"):
            extra["intake"] = dept_of(ref)
            if extra["intake"] is None:
                raise InvalidInput("channel_bad", given=value[:40])
        elif key == "sla":
            m = re.fullmatch(r"(\d{1,3})\s*h?", value.lower())
            if not m or not 1 <= int(m[1]) <= 720:
                raise InvalidInput("sla_bad", given=value[:20])
            sla = int(m[1])
        elif key in ("tz", "时区"):
            extra["tz"] = value
        elif key in ("country", "国家"):
            extra["country"] = value.upper()
        elif key in ("triage", "分派"):
            if value.lower() not in ("lead", "rotate"):
                raise InvalidInput("triage_bad", given=value[:20])
            extra["triage"] = value.lower()
        elif key in ("hours", "工作时间"):
            m = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)", value)
            if not m or value[:5] >= value[6:]:
                raise InvalidInput("hours_bad", given=value[:20])
            extra["hours"] = (value[:5], value[6:])
        else:
            raise InvalidInput("dept_usage")
    if action == "add" and lead is None:
        raise InvalidInput("dept_lead_missing")
    return DeptUpsert(name=name, create=action == "add", lead=lead, channel=channel, sla_hours=sla, **extra)


def _member(_sub: str, t: _Tokens) -> SetMember:
    person = _person(t, "/task member @user <dept>")
    dept = dept_or_name(t.next())
    if dept is None:
        raise InvalidInput("dept_missing")
    return SetMember(person=person, dept=dept)


def _lang(_sub: str, t: _Tokens) -> SetLanguage:
    word = (t.word() or "").lower()
    choices = {"en": "en", "english": "en", "英文": "en", "zh": "zh", "cn": "zh", "chinese": "zh"}
    choices["中文"] = "zh"
    if word not in choices:
        raise InvalidInput("lang_bad")
    return SetLanguage(locale=choices[word])


def _notify(_sub: str, t: _Tokens) -> SetNotify:
    mode = (t.next() or "").lower()
    if mode in ("instant", "即时"):
        return SetNotify(daily_at=None)
    at = t.next() if mode in ("daily", "每日", "每天") else None
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at or "")
    if m is None:
        raise InvalidInput("notify_bad")
    return SetNotify(daily_at=f"{int(m[1]):02d}:{m[2]}")


_SUBCOMMANDS.update(
    {
        "dept": _dept,
        "member": _member,
        "lang": _lang,
        "语言": _lang,
        "notify": _notify,
        "通知": _notify,
    }
)
