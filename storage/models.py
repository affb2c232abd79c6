"""The tables. Instants are UTC and timezone-aware (see storage.types.UTCDateTime)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.recheck_marks import recheck_instant
from storage.types import UTCDateTime


def _instant(nullable: bool = True, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The short name people type after '#', stored lower-case so lookups ignore case.
    name: str = Field(max_length=80, unique=True, index=True)
    lead_id: str = Field(max_length=64)
    channel_id: str | None = Field(default=None, max_length=64)
    # Every top-level message people post in this channel becomes a task for the department.
    intake_channel_id: str | None = Field(default=None, max_length=64, index=True)
    sla_hours: int = Field(default=4)
    # Working time: zone (else BATON_TIMEZONE), public-holiday country (ISO code) and daily hours.
    tz: str | None = Field(default=None, max_length=64)
    country: str | None = Field(default=None, max_length=8)
    work_start: str = Field(default="09:00", max_length=5)
    work_end: str = Field(default="18:00", max_length=5)
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    # Who owns work filed to it without an owner: "lead", or "rotate" through its members in turn.
    triage: str = Field(default="lead", max_length=8)


class Member(SQLModel, table=True):
    user_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=120, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    tz: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    # Set by `/task lang`; wins over the Slack locale.
    locale_override: str | None = Field(default=None, max_length=8)
    is_admin: bool = Field(default=False)
    # "HH:MM" local: notices about tasks they requested or watch wait for one daily summary then.
    notify_daily_at: str | None = Field(default=None, max_length=5)
    profile_checked_at: datetime | None = Field(default=None, sa_column=_instant())


class Task(SQLModel, table=True):
    __table_args__ = (
        Index("ix_task_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_task_status_due", "status", "due_at"),
        Index("uq_task_repeat_key", "repeat_key", unique=True),
        Index("ix_task_source_thread", "source_channel", "source_thread"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=1000)
    details: str = Field(default="", max_length=4000)
    priority: str = Field(default="normal", max_length=10)
    status: str = Field(default="open", max_length=16)
    requester_id: str = Field(max_length=64, index=True)
    requesting_department_id: int | None = Field(default=None, foreign_key="department.id")
    owner_id: str = Field(max_length=64)
    accountable_id: str = Field(max_length=64)
    owning_department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    due_at: datetime | None = Field(default=None, sa_column=_instant())
    source_channel: str | None = Field(default=None, max_length=64)
    # Filed from a message: the thread (its parent message's id) the card and progress are posted in.
    source_thread: str | None = Field(default=None, max_length=64)
    # Filed in a private channel or group DM: only the people involved ever see it listed.
    private: bool = Field(default=False)
    source_link: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    updated_at: datetime = Field(sa_column=_instant(nullable=False))
    # When the current owner got it: response promises run from here, also after a reassignment.
    assigned_at: datetime | None = Field(default=None, sa_column=_instant())
    snoozed_until: datetime | None = Field(default=None, sa_column=_instant())
    acknowledged_at: datetime | None = Field(default=None, sa_column=_instant())
    done_at: datetime | None = Field(default=None, sa_column=_instant())
    closed_at: datetime | None = Field(default=None, sa_column=_instant())
    # The earliest instant a reminder about this task may be due; NULL when none ever will be. Any
    # change to the task sets it to an instant long past (storage.recheck), so the next sweep looks.
    next_check_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True, default=recheck_instant)
    )
    # Filed as one of its department's request types (SPEC §8); its response promise, when the type has one.
    request_type_id: int | None = Field(default=None, foreign_key="requesttype.id")
    sla_hours: int | None = Field(default=None)
    # The requester's rating of the result (1-5), once, changeable for a day.
    rating: int | None = Field(default=None)
    rating_note: str | None = Field(default=None, max_length=1000)
    rated_at: datetime | None = Field(default=None, sa_column=_instant())
    # A copy filed by a repeat schedule: "<schedule id>:<period>", unique, so each period files once.
    repeat_key: str | None = Field(default=None, max_length=64)


class TaskWatcher(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)


class TaskDependency(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    depends_on_id: int = Field(foreign_key="task.id", primary_key=True, index=True)


class TaskEvent(SQLModel, table=True):
    """The audit trail: who did what to which task, from what to what, when, and why."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    actor_id: str = Field(max_length=64)
    action: str = Field(max_length=24)
    from_value: str | None = Field(default=None, max_length=1000)
    to_value: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, max_length=4000)
    at: datetime = Field(sa_column=_instant(nullable=False))


class TaskMessage(SQLModel, table=True):
    """Where a task's card was posted, so later changes update it in place."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    channel: str = Field(primary_key=True, max_length=64)
    ts: str = Field(max_length=64)


class OutboxMessage(SQLModel, table=True):
    """A message the bot has decided to send, written in the same transaction as the decision.

    kind, and what recipient then is:
    dm: a direct message to a person (a notice, a digest, a stand-up prompt), recipient a user id;
    card: a task's card, posted or updated in place, recipient a channel id;
    post: a message to a channel that is not one task's card (stand-up thread and summary, weekly
    digest, escalation), recipient a channel id;
    refresh: redraw a direct message sent earlier (one whose button was pressed) with its task's
    current state, recipient that message's reader, data its outbox id;
    ephemeral: a private note only the recipient (a user id) sees, in the conversation data names,
    else as a direct message;
    home: a person's home view redrawn, recipient a user id;
    thread: a post in a thread of a channel (data names the thread): a change of state of a task filed
    from a message there, or a short text, recipient a channel id.
    """

    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_sent_ts", "sent_ts"),
        Index("ix_outbox_recipient_status", "recipient", "status", "id"),
        # Who has held rows (storage.outbox.held_recipients, every sweep): read from the index alone.
        Index("ix_outbox_status_recipient", "status", "recipient", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # dm, card, post, refresh, ephemeral, home, thread: see above
    recipient: str = Field(max_length=64)  # a user id or a conversation id, as the kind says
    task_id: int | None = Field(default=None, foreign_key="task.id")
    event: str = Field(default="", max_length=32)
    actor_id: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=4000)
    data: str = Field(default="{}", max_length=20000)  # JSON with what the renderer needs
    status: str = Field(default="pending", max_length=12)  # pending, sent, failed, superseded
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
    dedupe_key: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=_instant(nullable=False))
    next_attempt_at: datetime = Field(sa_column=_instant(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_instant())
    # Where a sent message landed, so a button pressed on it can update it in place.
    sent_channel: str | None = Field(default=None, max_length=64)
    sent_ts: str | None = Field(default=None, max_length=64)


class Standup(SQLModel, table=True):
    """A daily stand-up in one channel (SPEC §4)."""

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=64, unique=True)
    at_time: str = Field(max_length=5)  # "09:30", local to tz
    close_time: str = Field(max_length=5)
    tz: str = Field(max_length=64)
    days: str = Field(default="0,1,2,3,4", max_length=20)  # weekdays, Monday = 0
    country: str | None = Field(default=None, max_length=8)
    active: bool = Field(default=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class StandupParticipant(SQLModel, table=True):
    standup_id: int = Field(foreign_key="standup.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)
    away_until: datetime | None = Field(default=None, sa_column=_instant())


class StandupRun(SQLModel, table=True):
    """One day's stand-up: its thread, and whether it has closed."""

    __table_args__ = (UniqueConstraint("standup_id", "day", name="uq_standup_run_day"),)

    id: int | None = Field(default=None, primary_key=True)
    standup_id: int = Field(foreign_key="standup.id", index=True)
    day: str = Field(max_length=10)  # local date, ISO
    opens_at: datetime = Field(sa_column=_instant(nullable=False))
    closes_at: datetime = Field(sa_column=_instant(nullable=False))
    # The day's post: the thread answers go under (the column keeps its first name).
    thread: str | None = Field(default=None, sa_column=Column("thread_ts", String(64), nullable=True))
    closed: bool = Field(default=False)


class StandupAnswer(SQLModel, table=True):
    run_id: int = Field(foreign_key="standuprun.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=64)
    done: str = Field(default="", max_length=3000)
    planned: str = Field(default="", max_length=3000)
    blockers: str = Field(default="", max_length=3000)
    unblock_user: str | None = Field(default=None, max_length=64)
    unblock_dept: str | None = Field(default=None, max_length=80)
    answered_at: datetime = Field(sa_column=_instant(nullable=False))
    posted_ts: str | None = Field(default=None, max_length=64)  # the answer's message in the thread


class StandupReply(SQLModel, table=True):
    """A message a participant wrote in the day's thread. Their answer is their replies gathered; an edit or
    a deletion on the platform changes it. Answering by form or command replaces them (and drops these)."""

    run_id: int = Field(foreign_key="standuprun.id", primary_key=True)
    message_id: str = Field(primary_key=True, max_length=64)  # the platform's id of the message in its thread
    user_id: str = Field(max_length=64, index=True)
    text: str = Field(default="", max_length=4000)
    written_at: datetime = Field(sa_column=_instant(nullable=False))


class ProcessedEvent(SQLModel, table=True):
    """Slack deliveries already handled: Events API retries and repeated submissions are handled once."""

    key: str = Field(primary_key=True, max_length=200)
    received_at: datetime = Field(sa_column=_instant(nullable=False, index=True))


class DigestSchedule(SQLModel, table=True):
    """When a person's next daily overdue digest may be due: the sweep looks at these, not at every task."""

    user_id: str = Field(primary_key=True, max_length=64)
    next_at: datetime = Field(sa_column=_instant(nullable=False, index=True))


class Setting(SQLModel, table=True):
    """A value Baton keeps for itself between runs (the console's simulated clock)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)


class RequestType(SQLModel, table=True):
    """A kind of request a department takes (its service catalogue): fields, priority, promise, owner rule."""

    __table_args__ = (UniqueConstraint("department_id", "name", name="uq_requesttype_dept_name"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    name: str = Field(max_length=40)  # lower-case
    # JSON: [{"name": "gauge id", "required": true}, ...] in the order they are asked.
    fields: str = Field(default="[]", max_length=4000)
    priority: str | None = Field(default=None, max_length=10)
    sla_hours: int | None = Field(default=None)
    owner_id: str | None = Field(default=None, max_length=64)
    rotation: str | None = Field(default=None, max_length=1000)  # user ids, comma-separated
    created_at: datetime = Field(sa_column=_instant(nullable=False))


class TaskField(SQLModel, table=True):
    """A request type's field as filled on one task."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    name: str = Field(primary_key=True, max_length=60)
    position: int = Field(default=0)
    value: str = Field(default="", max_length=2000)


class TriageTurn(SQLModel, table=True):
    """Whose turn it is in a rotation ("dept:<id>" or "type:<id>"): a counter every replica advances in the
    database, so turns are fair across processes."""

    key: str = Field(primary_key=True, max_length=40)
    counter: int = Field(default=0)


class RepeatSchedule(SQLModel, table=True):
    """`/task repeat`: a task copied afresh on a schedule, in the requester's working calendar."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    rule: str = Field(max_length=16)  # day, weekday, mon..sun, month:<n>
    at_time: str = Field(default="09:00", max_length=5)
    created_by: str = Field(max_length=64)
    active: bool = Field(default=True)
    next_at: datetime = Field(sa_column=_instant(nullable=False, index=True))
    created_at: datetime = Field(sa_column=_instant(nullable=False))
