"""Typed replies: what the speaker sees. Each platform's renderer turns them into its own markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Text:
    """A catalogue text (handlers.i18n) and the values that fill it."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChannelRef:
    """A conversation named in a text: each renderer shows it its platform's way (a link, a name)."""

    channel_id: str


@dataclass(frozen=True)
class EventView:
    actor_id: str
    action: str
    from_value: str | None
    to_value: str | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    details: str
    status: str
    priority: str
    owner_id: str
    requester_id: str
    accountable_id: str
    owning_dept: str | None
    requesting_dept: str | None
    due_at: datetime | None
    created_at: datetime
    source_link: str | None
    waits_for: tuple[int, ...] = ()
    watchers: tuple[str, ...] = ()
    history: tuple[EventView, ...] = ()
    # Intake (SPEC §8): the request type it was filed as, its fields (name, value), the requester's rating.
    request_type: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    rating: int | None = None
    rating_note: str | None = None


@dataclass(frozen=True)
class DeptView:
    name: str
    lead_id: str
    channel_id: str | None
    sla_hours: int


@dataclass(frozen=True)
class TypeView:
    """A request type as a form offers it: its department, name, fields (name, required) and the priority
    it files at (None: the form's usual default)."""

    dept: str
    name: str
    fields: tuple[tuple[str, bool], ...] = ()
    priority: str | None = None

    @property
    def key(self) -> str:
        return f"{self.dept}/{self.name}"


@dataclass(frozen=True)
class Reply:
    """What the speaker sees, by kind:

    message (a catalogue text), error (a refusal, in the speaker's language), task (the task's card,
    shown to the speaker when no channel card carries it), list, detail, departments, help,
    form (the New task form, opened with its fields filled), stats, standup_report.
    """

    kind: str
    text: Text | None = None
    task: TaskView | None = None
    tasks: tuple[TaskView, ...] = ()
    total: int = 0
    departments: tuple[DeptView, ...] = ()
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name, for plain renderers
    locale: str | None = None  # set when the reply must be read in another language than the speaker's
    stats: Any = None  # handlers.stats.DeptStats for kind "stats"
    scope: str = ""  # for lists: which list, its department and where this page starts
    dept: str | None = None
    offset: int = 0
    types: tuple[TypeView, ...] = ()  # for `/task type list`: the catalogue, for the New task form's menu
