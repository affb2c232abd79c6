"""The parser that turns what a person typed after `/task` into a typed command (handlers/commands.py).

It reads neutral tokens (`Token`, made by each adapter's syntax module); plain text, as the console has it,
is split into words here, where `@bob` names a person and `#sales` a department. The parser never looks
anything up; resolving names is the handlers' job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.commands import (
    MAX_NOTE,
    MAX_TITLE,
    Assign,
    Comment,
    Depends,
    DeptRef,
    Handover,
    Help,
    ListTasks,
    Literal,
    Move,
    NewTask,
    OpenForm,
    PersonRef,
    SetDue,
    SetPriority,
    ShowTask,
    Snooze,
    Stats,
    TaskCommand,
    Token,
    Watch,
)
from handlers.errors import InvalidInput
from handlers.lifecycle import Priority

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
    "help": _help,
    "帮助": _help,
    "stats": _stats,
    "snooze": _snooze,
}


# Setting-up commands (departments, members, a person's language and notifications) and intake's (request
# types, ratings, repeats) add themselves to the table above.
import handlers.intake_commands  # noqa: E402, F401
import handlers.setting_parsers  # noqa: E402, F401
