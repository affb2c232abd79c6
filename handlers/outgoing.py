"""What Baton sends, as typed, platform-free messages: who reads it, where, in which language and zone,
and with which moves. `handlers/messages.py` builds them from outbox rows; a platform's sender renders
and posts them, and says where they landed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.home import Home
from handlers.results import TaskView, Text
from handlers.standup_runs import StandupSummary
from handlers.stats import DeptStats


@dataclass(frozen=True)
class Reader:
    """Who reads a message: one person, or everyone in a channel (`user_id` None)."""

    user_id: str | None
    locale: str
    tz: ZoneInfo
    name: str = ""


@dataclass(frozen=True)
class Where:
    """Where a message goes: a person (a direct message) or a channel, perhaps in a thread."""

    conversation: str  # a person's id for a direct message, else a channel's id
    direct: bool = False
    thread: str | None = None  # reply in this thread
    broadcast: bool = False  # a thread reply that is also shown in the channel
    only_for: str | None = None  # a private note: only this person sees it, in `conversation`
    update: str | None = None  # the id of an earlier message to bring up to date in place
    post_if_gone: bool = True  # when `update` can no longer be updated: post anew (else give up)


@dataclass(frozen=True)
class TaskItem:
    """A task as its reader sees it, with the moves they may make."""

    task: TaskView
    moves: tuple[str, ...] = ()
    menu: bool = False  # the menu of changes (reassign, due date, comment, cancel, watch)
    snooze: bool = False  # an overdue item: may be left out of reminders until tomorrow
    reasons: tuple[Text, ...] = ()  # in a digest: why this task is in it


@dataclass(frozen=True)
class Notice:
    """Something happened (to a task, or to the reader): one text, perhaps a note, perhaps the task."""

    text: Text
    item: TaskItem | None = None
    note: str | None = None


@dataclass(frozen=True)
class Card:
    """A task's card in a channel: read by many, it carries every move its state allows."""

    item: TaskItem


@dataclass(frozen=True)
class Digest:
    """Several tasks in one message, each with its moves; `hidden` more did not fit."""

    title: Text
    items: tuple[TaskItem, ...]


@dataclass(frozen=True)
class StandupOpening:
    day: str
    close: str


@dataclass(frozen=True)
class StandupPrompt:
    channel: str
    run_id: int


@dataclass(frozen=True)
class StandupAnswerPost:
    user_id: str
    done: str
    planned: str
    blockers: str
    unblock_user: str | None
    unblock_dept: str | None


@dataclass(frozen=True)
class StandupSummaryPost:
    summary: StandupSummary


@dataclass(frozen=True)
class StatsPost:
    title: Text
    stats: DeptStats


@dataclass(frozen=True)
class HomeView:
    home: Home


@dataclass(frozen=True)
class PrivateNote:
    text: Text


@dataclass(frozen=True)
class IntakeOffer:
    """A private offer to file a message as a task: the message quoted, and a way to open the form."""

    quote: str
    channel: str
    message_id: str


Body = (
    Notice
    | Card
    | Digest
    | StandupOpening
    | StandupPrompt
    | StandupAnswerPost
    | StandupSummaryPost
    | StatsPost
    | HomeView
    | PrivateNote
    | IntakeOffer
)


@dataclass(frozen=True)
class Origin:
    """The outbox row a message comes from: for logs, tests and the console's headings."""

    row_id: int
    kind: str
    event: str
    recipient: str
    task_id: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message, decided: a sender only renders `body` for `reader` and posts it at `where`."""

    where: Where
    reader: Reader
    body: Body
    now: datetime
    origin: Origin
    names: Mapping[str, str] = field(default_factory=dict)  # display names, for renderers without mentions


@dataclass(frozen=True)
class Landed:
    """Where a sent message is now: its conversation and its id there (for updates and threads)."""

    conversation: str
    message_id: str
