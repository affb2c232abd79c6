"""Typed `/task` commands and the parser that turns what a person typed into one of them.

The parser knows the two ways a person can be named: a Slack mention (`<@U123|bob>`, as Slack
sends it) or a plain `@bob` (the console, or Slack without escaping). It never looks anything up;
resolving names is the handlers' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.errors import InvalidInput
from handlers.lifecycle import Priority

MAX_TITLE = 1000
MAX_NOTE = 4000


@dataclass(frozen=True)
class PersonRef:
    user_id: str | None  # known when Slack sent a mention
    name: str


@dataclass(frozen=True)
class DeptRef:
    name: str
    channel_id: str | None = None


@dataclass(frozen=True)
class NewTask:
    title: str
    owner: PersonRef | None = None
    dept: DeptRef | None = None
    due: str | None = None
    priority: Priority | None = None
    details: str = ""
    watchers: tuple[PersonRef, ...] = ()
    source_link: str | None = None


@dataclass(frozen=True)
class ListTasks:
    scope: str = "mine"  # mine, requested, overdue, waiting, dept, all
    dept: DeptRef | None = None
    offset: int = 0


@dataclass(frozen=True)
class ShowTask:
    task_id: int


@dataclass(frozen=True)
class Move:
    move: str  # ack, start, block, done, verify, reopen, cancel
    task_id: int
    note: str = ""
    pressed: bool = False  # from a button: pressing it again once it took effect changes nothing


@dataclass(frozen=True)
class Assign:
    task_id: int
    person: PersonRef


@dataclass(frozen=True)
class SetDue:
    task_id: int
    when: str


@dataclass(frozen=True)
class SetPriority:
    task_id: int
    priority: Priority


@dataclass(frozen=True)
class Comment:
    task_id: int
    text: str


@dataclass(frozen=True)
class Watch:
    task_id: int


@dataclass(frozen=True)
class Depends:
    task_id: int
    on_id: int


@dataclass(frozen=True)
class Handover:
    from_person: PersonRef
    to_person: PersonRef


@dataclass(frozen=True)
class DeptUpsert:
    name: str
    create: bool
    lead: PersonRef | None = None
    channel: DeptRef | None = None
    sla_hours: int | None = None
    tz: str | None = None
    country: str | None = None
    hours: tuple[str, str] | None = None


@dataclass(frozen=True)
class DeptList:
    pass


@dataclass(frozen=True)
class SetMember:
    person: PersonRef
    dept: DeptRef


@dataclass(frozen=True)
class Help:
    topic: str = ""


@dataclass(frozen=True)
class OpenForm:
    pass


@dataclass(frozen=True)
class Stats:
    dept: str | None = None
    weeks: int = 1


@dataclass(frozen=True)
class Snooze:
    task_id: int


@dataclass(frozen=True)
class SetLanguage:
    locale: str  # "en" or "zh"


@dataclass(frozen=True)
class SetNotify:
    daily_at: str | None  # "HH:MM": one morning summary; None: as they happen


TaskCommand = (
    NewTask
    | ListTasks
    | ShowTask
    | Move
    | Assign
    | SetDue
    | SetPriority
    | Comment
    | Watch
    | Depends
    | Handover
    | DeptUpsert
    | DeptList
    | SetMember
    | Help
    | OpenForm
    | SetLanguage
    | SetNotify
    | Stats
    | Snooze
)

PRIORITY_WORDS: dict[str, Priority] = {
    "urgent": Priority.URGENT,
    "high": Priority.HIGH,
    "normal": Priority.NORMAL,
    "low": Priority.LOW,
    "紧急": Priority.URGENT,
    "高": Priority.HIGH,
    "普通": Priority.NORMAL,
    "中": Priority.NORMAL,
    "低": Priority.LOW,
}

LIST_SCOPES = ("mine", "requested", "overdue", "waiting", "dept", "all")
NOTE_REQUIRED = {"block": "reason", "reopen": "reason", "cancel": "reason"}

_TOKEN = re.compile(r'<[^>]*>|\S*"[^"]*"?\S*|\S+')
_MENTION = re.compile(r"^<@([UW][A-Z0-9_]+)(?:\|([^>]*))?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9_]+)(?:\|([^>]*))?>$")
_SPECIAL = re.compile(r"^<!(\w+)(?:\^[^|>]*)?(?:\|([^>]*))?>$")
_LINK = re.compile(r"^<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>$")
_DEPT_NAME = re.compile(r"^[\w][\w-]{0,39}$")
_TASK_ID = re.compile(r"^(?:t-?|#)?(\d{1,9})$", re.IGNORECASE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "＂": '"', "\u3000": " "})


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people typed; undo it to get their words back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class _Tokens:
    """The words of a command, each classified once."""

    raw: list[str]
    escaped: bool
    pos: int = 0

    def next(self) -> str | None:
        if self.pos >= len(self.raw):
            return None
        self.pos += 1
        return self.raw[self.pos - 1]

    def rest_text(self) -> str:
        """Everything not consumed yet, as the person wrote it (mentions shown as @name)."""
        return " ".join(plain_word(t, self.escaped) for t in self.raw[self.pos :]).strip()


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.translate(_QUOTES))


def person_of(token: str) -> PersonRef | None:
    m = _MENTION.match(token)
    if m:
        return PersonRef(user_id=m[1], name=(m[2] or m[1]))
    if token.startswith("@") and len(token) > 1 and re.match(r"^@[\w.\-]+$", token):
        return PersonRef(user_id=None, name=token[1:])
    return None


def dept_of(token: str) -> DeptRef | None:
    m = _CHANNEL.match(token)
    if m:
        return DeptRef(name=(m[2] or "").lower(), channel_id=m[1]) if m[2] else None
    if token.startswith("#") and _DEPT_NAME.match(token[1:]) and not token[1:].isdigit():
        return DeptRef(name=token[1:].lower())
    return None


def plain_word(token: str, escaped: bool) -> str:
    """A word as a person reads it: mentions become @name, links their address, and never a ping."""
    m = _MENTION.match(token)
    if m:
        return "@" + (m[2] or m[1])
    m = _CHANNEL.match(token)
    if m:
        return "#" + (m[2] or m[1])
    m = _SPECIAL.match(token)
    if m:
        return "@" + (m[2] or m[1]).lstrip("@")
    m = _LINK.match(token)
    if m:
        return m[1]
    return unescape(token) if escaped else token


def strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].strip()
    return value.strip('"').strip()


def parse_task_id(token: str | None) -> int:
    if token is None:
        raise InvalidInput("task_id_missing")
    m = _TASK_ID.match(token.strip())
    if not m:
        raise InvalidInput("task_id_bad", given=token)
    return int(m[1])


def parse_priority(token: str | None) -> Priority:
    word = (token or "").lstrip("!").lower()
    if word not in PRIORITY_WORDS:
        raise InvalidInput("priority_bad", given=token or "")
    return PRIORITY_WORDS[word]


def parse_task_command(text: str, *, escaped: bool) -> TaskCommand:
    """Parse the text after `/task`. `escaped` says the text came from Slack (entities, mentions)."""
    tokens = _Tokens(tokenize(text), escaped)
    sub = (tokens.next() or "").lower()
    if not sub:
        return OpenForm()
    parser = _SUBCOMMANDS.get(sub)
    if parser is None:
        raise InvalidInput("unknown_subcommand", given=plain_word(sub, escaped)[:40])
    return parser(sub, tokens)


def _new(_sub: str, t: _Tokens) -> NewTask:
    owner: PersonRef | None = None
    dept: DeptRef | None = None
    due: str | None = None
    priority: Priority | None = None
    words: list[str] = []
    while (token := t.next()) is not None:
        low = token.lower()
        if owner is None and (p := person_of(token)):
            owner = p
        elif dept is None and (d := dept_of(token)):
            dept = d
        elif low.startswith(("due:", "截止:", "截止：")):
            value = re.split(r"[:：]", token, maxsplit=1)[1]
            value = strip_quotes(unescape(value) if t.escaped else value)
            if not value:
                raise InvalidInput("due_missing")
            due = value
        elif token.startswith("!") and len(token) > 1 and (low[1:].isalpha() or low[1:] in PRIORITY_WORDS):
            # `!urgnet` is a typo for a priority far more often than a word of the title.
            priority = parse_priority(token)
        else:
            words.append(plain_word(token, t.escaped))
    title = " ".join(words).strip()
    check_title(title)
    return NewTask(title=title, owner=owner, dept=dept, due=due, priority=priority)


def check_title(title: str) -> None:
    if not title:
        raise InvalidInput("title_missing")
    if len(title) > MAX_TITLE:
        raise InvalidInput("title_too_long", limit=MAX_TITLE, length=len(title))


def _list(_sub: str, t: _Tokens) -> ListTasks:
    scope = (t.next() or "mine").lower()
    if scope not in LIST_SCOPES:
        raise InvalidInput("list_scope_bad", given=plain_word(scope, t.escaped)[:40])
    if scope == "dept":
        token = t.next()
        dept = dept_of(token) or (DeptRef(name=token.lower()) if token and _DEPT_NAME.match(token) else None)
        if dept is None:
            raise InvalidInput("dept_missing")
        return ListTasks(scope=scope, dept=dept)
    return ListTasks(scope=scope)


def _show(_sub: str, t: _Tokens) -> ShowTask:
    return ShowTask(task_id=parse_task_id(t.next()))


def _move(sub: str, t: _Tokens) -> Move:
    task_id = parse_task_id(t.next())
    note = t.rest_text()
    if sub in NOTE_REQUIRED and not note:
        raise InvalidInput("reason_missing", move=sub, task_id=task_id)
    if len(note) > MAX_NOTE:
        raise InvalidInput("note_too_long", limit=MAX_NOTE)
    return Move(move=sub, task_id=task_id, note=note)


def _person(t: _Tokens, usage: str) -> PersonRef:
    token = t.next()
    person = person_of(token) if token else None
    if person is None:
        raise InvalidInput("person_missing", usage=usage)
    return person


def _assign(_sub: str, t: _Tokens) -> Assign:
    task_id = parse_task_id(t.next())
    return Assign(task_id=task_id, person=_person(t, "/task assign T-12 @user"))


def _due(_sub: str, t: _Tokens) -> SetDue:
    task_id = parse_task_id(t.next())
    when = strip_quotes(t.rest_text())
    if not when:
        raise InvalidInput("due_missing")
    return SetDue(task_id=task_id, when=when)


def _priority(_sub: str, t: _Tokens) -> SetPriority:
    task_id = parse_task_id(t.next())
    return SetPriority(task_id=task_id, priority=parse_priority(t.next()))


def _comment(_sub: str, t: _Tokens) -> Comment:
    task_id = parse_task_id(t.next())
    text = t.rest_text()
    if not text:
        raise InvalidInput("comment_missing")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note_too_long", limit=MAX_NOTE)
    return Comment(task_id=task_id, text=text)


def _watch(_sub: str, t: _Tokens) -> Watch:
    return Watch(task_id=parse_task_id(t.next()))


def _depends(_sub: str, t: _Tokens) -> Depends:
    task_id = parse_task_id(t.next())
    word = t.next()
    if word is not None and word.lower() not in ("on", "依赖"):
        on_id = parse_task_id(word)
    else:
        on_id = parse_task_id(t.next())
    if on_id == task_id:
        raise InvalidInput("depends_self")
    return Depends(task_id=task_id, on_id=on_id)


def _handover(_sub: str, t: _Tokens) -> Handover:
    usage = "/task handover @from @to"
    from_person = _person(t, usage)
    word = t.next()
    if word is not None and word.lower() in ("to", "给"):
        word = t.next()
    to_person = person_of(word) if word else None
    if to_person is None:
        raise InvalidInput("person_missing", usage=usage)
    return Handover(from_person=from_person, to_person=to_person)


def _dept(_sub: str, t: _Tokens) -> DeptUpsert | DeptList:
    action = (t.next() or "").lower()
    if action == "list":
        return DeptList()
    if action not in ("add", "set"):
        raise InvalidInput("dept_usage")
    name_token = t.next()
    name = (name_token or "").lstrip("#").lower()
    if not name or not _DEPT_NAME.match(name):
        raise InvalidInput("dept_name_bad", given=plain_word(name_token or "", t.escaped)[:40])
    lead: PersonRef | None = None
    channel: DeptRef | None = None
    sla: int | None = None
    extra: dict[str, Any] = {}
    while (word := t.next()) is not None:
        key = word.lower()
        value = t.next()
        if value is None:
            raise InvalidInput("dept_usage")
        if key in ("lead", "负责人"):
            lead = person_of(value)
            if lead is None:
                raise InvalidInput("person_missing", usage="/task dept add <name> lead @user")
        elif key in ("channel", "频道"):
            channel = dept_of(value)
            if channel is None:
                raise InvalidInput("channel_bad", given=plain_word(value, t.escaped)[:40])
        elif key == "sla":
            m = re.fullmatch(r"(\d{1,3})\s*h?", value.lower())
            if not m or not 1 <= int(m[1]) <= 720:
                raise InvalidInput("sla_bad", given=value[:20])
            sla = int(m[1])
        elif key in ("tz", "时区"):
            extra["tz"] = value
        elif key in ("country", "国家"):
            extra["country"] = value.upper()
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
    token = t.next()
    dept = (
        (dept_of(token) or (DeptRef(name=token.lower()) if _DEPT_NAME.match(token) else None))
        if token
        else None
    )
    if dept is None:
        raise InvalidInput("dept_missing")
    return SetMember(person=person, dept=dept)


def _lang(_sub: str, t: _Tokens) -> SetLanguage:
    word = (t.next() or "").lower()
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


def _stats(_sub: str, t: _Tokens) -> Stats:
    dept: str | None = None
    weeks = 1
    while (word := t.next()) is not None:
        if word.isdigit():
            weeks = int(word)
            if not 1 <= weeks <= 52:
                raise InvalidInput("weeks_bad")
        elif d := (dept_of(word) or (DeptRef(name=word.lower()) if _DEPT_NAME.match(word) else None)):
            dept = d.name
        else:
            raise InvalidInput("weeks_bad")
    return Stats(dept=dept, weeks=weeks)


def _snooze(_sub: str, t: _Tokens) -> Snooze:
    return Snooze(task_id=parse_task_id(t.next()))


def _help(_sub: str, t: _Tokens) -> Help:
    return Help(topic=(t.next() or "").lower())


_SUBCOMMANDS = {
    "new": _new,
    "add": _new,
    "create": _new,
    "新建": _new,
    "list": _list,
    "ls": _list,
    "show": _show,
    "ack": _move,
    "start": _move,
    "block": _move,
    "done": _move,
    "verify": _move,
    "reopen": _move,
    "cancel": _move,
    "assign": _assign,
    "due": _due,
    "priority": _priority,
    "comment": _comment,
    "watch": _watch,
    "depends": _depends,
    "handover": _handover,
    "dept": _dept,
    "member": _member,
    "help": _help,
    "帮助": _help,
    "lang": _lang,
    "stats": _stats,
    "notify": _notify,
    "通知": _notify,
    "snooze": _snooze,
    "语言": _lang,
}


_ENTITY = re.compile(r"<[^>]*>")


def plain_text(slack_text: str) -> str:
    """A Slack message's text as a person reads it: mentions as @name, links as addresses, no pings."""
    return unescape(_ENTITY.sub(lambda m: plain_word(m.group(0), False), slack_text)).strip()
