"""Typed `/task` commands and the parser that turns what a person typed into one of them.

The parser reads neutral tokens (`Token`): a word is a `str`; a person the platform identified is a
`PersonRef` with its user id, a channel a `DeptRef` with its channel id; a `Literal` is text the platform
marks as not a reference (a link, a broadcast such as @channel), shown as typed and never obeyed. Each
adapter turns its platform's syntax into these tokens (in its own syntax module); plain text, as the
console has it, is split into words here, where `@bob` names a person and `#sales` a department. The parser
never looks anything up; resolving names is the handlers' job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from handlers.errors import InvalidInput
from handlers.lifecycle import Priority

MAX_TITLE = 1000
MAX_NOTE = 4000


@dataclass(frozen=True)
class PersonRef:
    user_id: str | None  # known when the platform sent a mention, not for a typed @name
    name: str


@dataclass(frozen=True)
class DeptRef:
    name: str
    channel_id: str | None = None


@dataclass(frozen=True)
class Literal:
    """Text that is no reference, whatever it looks like (a link, a typed broadcast): shown as written."""

    text: str


Token = str | PersonRef | DeptRef | Literal


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
    # `name: value` pairs (a request type's fields, SPEC §8), and the title as typed with them, used
    # when the first word names no request type.
    fields: tuple[tuple[str, str], ...] = ()
    typed_title: str = ""
    source_thread: str | None = None  # filed from a message: the thread its progress is posted in


@dataclass(frozen=True)
class ListTasks:
    scope: str = "mine"  # mine, requested, overdue, waiting, dept, all
    dept: DeptRef | None = None
    offset: int = 0
    type_name: str | None = None  # `dept <name> type <type>`


@dataclass(frozen=True)
class ShowTask:
    task_id: int


@dataclass(frozen=True)
class Move:
    move: str  # ack, start, block, done, verify, reopen, cancel
    task_id: int
    note: str = ""
    pressed: bool = False  # from a button: pressing it again once it took effect changes nothing
    rating: int | None = None  # `/task verify <id> [1-5]`


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
    triage: str | None = None  # lead, rotate
    intake: DeptRef | None = None  # the channel whose messages become the department's tasks
    intake_off: bool = False


@dataclass(frozen=True)
class FileMessage:
    """A message in a channel filed as a task (a mention of the bot, a post in an intake channel), once.

    `intake`: the department is the one whose intake channel this is (and nothing is filed elsewhere)."""

    task: NewTask
    message_id: str
    intake: bool = False


@dataclass(frozen=True)
class ThreadReply:
    """A reply in the thread a task was filed from: its owner's or requester's words become a comment."""

    thread: str
    message_id: str
    text: str


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
    | FileMessage
    | ThreadReply
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

_TOKEN = re.compile(r'\S*"[^"]*"?\S*|\S+')
_DEPT_NAME = re.compile(r"^[\w][\w-]{0,39}$")
_TASK_ID = re.compile(r"^(?:t-?|#)?(\d{1,9})$", re.IGNORECASE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "＂": '"', "\u3000": " "})


@dataclass
class _Tokens:
    """The words of a command, each classified once."""

    raw: list[Token]
    pos: int = 0

    def next(self) -> Token | None:
        if self.pos >= len(self.raw):
            return None
        self.pos += 1
        return self.raw[self.pos - 1]

    def word(self) -> str | None:
        """The next token as the text a person reads (a person as @name), or None at the end."""
        token = self.next()
        return None if token is None else plain_word(token)

    def rest_text(self) -> str:
        """Everything not consumed yet, as the person wrote it (mentions shown as @name)."""
        return " ".join(plain_word(t) for t in self.raw[self.pos :]).strip()


def tokenize(text: str | Sequence[Token]) -> list[Token]:
    """Plain text split into words (quoted phrases kept whole); tokens from an adapter pass as they are."""
    if not isinstance(text, str):
        return list(text)
    return list(_TOKEN.findall(text.translate(_QUOTES)))


def person_of(token: Token | None) -> PersonRef | None:
    if isinstance(token, PersonRef):
        return token
    if isinstance(token, str) and re.match(r"^@[\w.\-]+$", token):
        return PersonRef(user_id=None, name=token[1:])
    return None


def dept_of(token: Token | None) -> DeptRef | None:
    if isinstance(token, DeptRef):
        return token
    if isinstance(token, str) and token.startswith("#") and _DEPT_NAME.match(token[1:]):
        return None if token[1:].isdigit() else DeptRef(name=token[1:].lower())
    return None


def plain_word(token: Token) -> str:
    """A word as a person reads it: a person as @name, a channel as #name, never a ping."""
    if isinstance(token, PersonRef):
        return "@" + token.name
    if isinstance(token, DeptRef):
        return "#" + token.name
    if isinstance(token, Literal):
        return token.text
    return token


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


def dept_or_name(token: Token | None) -> DeptRef | None:
    """A department given as #name (or a channel), or by its bare name."""
    if isinstance(token, str) and _DEPT_NAME.match(token):
        return DeptRef(name=token.lower())
    return dept_of(token)


def parse_task_command(text: str | Sequence[Token]) -> TaskCommand:
    """Parse what followed `/task`: plain text, or the tokens an adapter made of its platform's syntax."""
    tokens = _Tokens(tokenize(text))
    sub = (tokens.word() or "").lower()
    if not sub:
        return OpenForm()
    parser = _SUBCOMMANDS.get(sub)
    if parser is None:
        raise InvalidInput("unknown_subcommand", given=sub[:40])
    return parser(sub, tokens)


def _new(_sub: str, t: _Tokens) -> NewTask:
    owner: PersonRef | None = None
    dept: DeptRef | None = None
    due: str | None = None
    priority: Priority | None = None
    words: list[str] = []
    typed: list[str] = []
    fields: list[tuple[str, str]] = []
    while (token := t.next()) is not None:
        low = token.lower() if isinstance(token, str) else ""
        if isinstance(token, str) and (pair := _field_pair(token, t)):
            fields.append(pair[:2])
            typed.append(pair[2])
        elif owner is None and (p := person_of(token)):
            owner = p
        elif dept is None and (d := dept_of(token)):
            dept = d
        elif isinstance(token, str) and low.startswith(("due:", "截止:", "截止：")):
            value = strip_quotes(re.split(r"[:：]", token, maxsplit=1)[1])
            if not value:
                raise InvalidInput("due_missing")
            due = value
        elif isinstance(token, str) and low[:1] == "!" and (low[1:].isalpha() or low[1:] in PRIORITY_WORDS):
            # `!urgnet` is a typo for a priority far more often than a word of the title.
            priority = parse_priority(token)
        else:
            words.append(plain_word(token))
            typed.append(words[-1])
    title = " ".join(words).strip()
    check_title(title)
    return NewTask(
        title=title,
        owner=owner,
        dept=dept,
        due=due,
        priority=priority,
        fields=tuple(fields),
        typed_title=" ".join(typed).strip() if fields else "",
    )


_PAIR = re.compile(r'^("[^"]+"|[^\W\d][^\s:"：/]*)[:：](.*)$')


def _field_pair(token: str, t: _Tokens) -> tuple[str, str, str] | None:
    """`location: "bay 3"`, `location:bay3` or `"gauge id": 7` (never due:, never a link): the name, the
    value, and the words as typed."""
    m = _PAIR.match(token)
    if m is None or m[2].startswith("//") or m[1].lower() in ("due", "截止"):
        return None
    value, typed = m[2], token
    if not value:
        nxt = t.next()
        if nxt is None:
            raise InvalidInput("field_value_missing", name=strip_quotes(m[1]))
        value = plain_word(nxt)
        typed = f"{token} {value}"
    return strip_quotes(m[1]).lower(), strip_quotes(value), typed


def check_title(title: str) -> None:
    if not title:
        raise InvalidInput("title_missing")
    if len(title) > MAX_TITLE:
        raise InvalidInput("title_too_long", limit=MAX_TITLE, length=len(title))


def _list(_sub: str, t: _Tokens) -> ListTasks:
    scope = (t.word() or "mine").lower()
    if scope not in LIST_SCOPES:
        raise InvalidInput("list_scope_bad", given=scope[:40])
    if scope == "dept":
        dept = dept_or_name(t.next())
        if dept is None:
            raise InvalidInput("dept_missing")
        type_name = None
        if (word := t.word()) is not None:
            type_name = (t.word() or "").lower() if word.lower() in ("type", "类型") else ""
            if not type_name:
                raise InvalidInput("list_scope_bad", given=word[:40])
        return ListTasks(scope=scope, dept=dept, type_name=type_name)
    return ListTasks(scope=scope)


def _show(_sub: str, t: _Tokens) -> ShowTask:
    return ShowTask(task_id=parse_task_id(t.word()))


def _move(sub: str, t: _Tokens) -> Move:
    task_id = parse_task_id(t.word())
    note = t.rest_text()
    rating = None
    if sub == "verify" and note.split(" ", 1)[0].isdigit():
        from handlers.intake_commands import parse_rating

        first, _, note = note.partition(" ")
        rating = parse_rating(first)
        note = note.strip()
    if sub in NOTE_REQUIRED and not note:
        raise InvalidInput("reason_missing", move=sub, task_id=task_id)
    if len(note) > MAX_NOTE:
        raise InvalidInput("note_too_long", limit=MAX_NOTE)
    return Move(move=sub, task_id=task_id, note=note, rating=rating)


def _person(t: _Tokens, usage: str) -> PersonRef:
    token = t.next()
    person = person_of(token) if token else None
    if person is None:
        raise InvalidInput("person_missing", usage=usage)
    return person


def _assign(_sub: str, t: _Tokens) -> Assign:
    task_id = parse_task_id(t.word())
    return Assign(task_id=task_id, person=_person(t, "/task assign T-12 @user"))


def _due(_sub: str, t: _Tokens) -> SetDue:
    task_id = parse_task_id(t.word())
    when = strip_quotes(t.rest_text())
    if not when:
        raise InvalidInput("due_missing")
    return SetDue(task_id=task_id, when=when)


def _priority(_sub: str, t: _Tokens) -> SetPriority:
    task_id = parse_task_id(t.word())
    return SetPriority(task_id=task_id, priority=parse_priority(t.word()))


def _comment(_sub: str, t: _Tokens) -> Comment:
    task_id = parse_task_id(t.word())
    text = t.rest_text()
    if not text:
        raise InvalidInput("comment_missing")
    if len(text) > MAX_NOTE:
        raise InvalidInput("note_too_long", limit=MAX_NOTE)
    return Comment(task_id=task_id, text=text)


def _watch(_sub: str, t: _Tokens) -> Watch:
    return Watch(task_id=parse_task_id(t.word()))


def _depends(_sub: str, t: _Tokens) -> Depends:
    task_id = parse_task_id(t.word())
    word = t.word()
    if word is not None and word.lower() not in ("on", "依赖"):
        on_id = parse_task_id(word)
    else:
        on_id = parse_task_id(t.word())
    if on_id == task_id:
        raise InvalidInput("depends_self")
    return Depends(task_id=task_id, on_id=on_id)


def _handover(_sub: str, t: _Tokens) -> Handover:
    usage = "/task handover @from @to"
    from_person = _person(t, usage)
    word = t.next()
    if isinstance(word, str) and word.lower() in ("to", "给"):
        word = t.next()
    to_person = person_of(word)
    if to_person is None:
        raise InvalidInput("person_missing", usage=usage)
    return Handover(from_person=from_person, to_person=to_person)


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


def _stats(_sub: str, t: _Tokens) -> Stats:
    dept: str | None = None
    weeks = 1
    while (token := t.next()) is not None:
        word = plain_word(token)
        if isinstance(token, str) and word.isdigit():
            weeks = int(word)
            if not 1 <= weeks <= 52:
                raise InvalidInput("weeks_bad")
        elif d := dept_or_name(token):
            dept = d.name
        else:
            raise InvalidInput("weeks_bad")
    return Stats(dept=dept, weeks=weeks)


def _snooze(_sub: str, t: _Tokens) -> Snooze:
    return Snooze(task_id=parse_task_id(t.word()))


def _help(_sub: str, t: _Tokens) -> Help:
    return Help(topic=(t.word() or "").lower())


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


# Intake's commands (request types, ratings, repeats) add themselves to the table above.
import handlers.intake_commands  # noqa: E402, F401
