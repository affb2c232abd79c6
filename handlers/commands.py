"""Typed `/task` commands: what every surface (a slash command, a form, a button, a message) hands the
handlers. `handlers/command_parser.py` makes them of what a person typed.

Neutral tokens (`Token`): a word is a `str`; a person the platform identified is a `PersonRef` with its
user id, a channel a `DeptRef` with its channel id; a `Literal` is text the platform marks as not a
reference (a link, a broadcast such as @channel), shown as typed and never obeyed. Each adapter turns its
platform's syntax into these tokens (in its own syntax module).
"""

from __future__ import annotations

from dataclasses import dataclass

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
