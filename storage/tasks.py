"""Queries about tasks: listing and counting them, who watches them, what they wait for, their history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    String,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    nulls_last,
    or_,
    union_all,
)
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.db import read
from storage.direct import Direct
from storage.models import Department, Member, Task, TaskDependency, TaskEvent, TaskField, TaskWatcher
from storage.recheck_marks import recheck_instant

_PRIORITY_ORDER = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=col(Task.priority), else_=4)


def tasks_where(
    *, session: Session, conditions: Sequence[object], limit: int, offset: int = 0
) -> tuple[Sequence[Task], int]:
    """Tasks matching all conditions, most urgent first (priority, then due date), and the total."""
    base = select(Task).where(*conditions)  # type: ignore[arg-type]
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    ordered = base.order_by(_PRIORITY_ORDER, nulls_last(col(Task.due_at).asc()), col(Task.id))
    rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return rows, int(total)


def visible_to(user_id: str) -> ColumnElement[bool]:
    """Tasks a person may see listed: every public one, and private ones they are part of."""
    watching = select(TaskWatcher.task_id).where(
        TaskWatcher.user_id == user_id, TaskWatcher.task_id == Task.id
    )
    return or_(
        col(Task.private).is_(False),
        Task.requester_id == user_id,
        Task.owner_id == user_id,
        Task.accountable_id == user_id,
        watching.exists(),
    )


def open_tasks_owned_by(*, session: Session, owner_id: str, statuses: Iterable[str]) -> Sequence[Task]:
    stmt = select(Task).where(Task.owner_id == owner_id, col(Task.status).in_(list(statuses)))
    return session.exec(stmt.order_by(col(Task.id))).all()


def acknowledgement_times(
    *, session: Session, department_id: int, since: datetime
) -> list[tuple[datetime, datetime]]:
    """(created, acknowledged) for a department's tasks filed since `since` and acknowledged."""
    stmt = select(Task.created_at, Task.acknowledged_at).where(
        Task.owning_department_id == department_id,
        col(Task.created_at) >= since,
        col(Task.acknowledged_at).is_not(None),
    )
    return [(c, a) for c, a in session.exec(stmt).all() if a is not None]


# ---- a department's numbers (weekly digest, /task stats) ---------------------------------------


def owned_tasks_due_between(
    *, session: Session, department_id: int, start: datetime, end: datetime
) -> Sequence[Task]:
    mine = Task.owning_department_id == department_id
    return session.exec(select(Task).where(mine, col(Task.due_at) >= start, col(Task.due_at) < end)).all()


def owned_tasks_done_between(
    *, session: Session, department_id: int, start: datetime, end: datetime
) -> Sequence[Task]:
    mine = Task.owning_department_id == department_id
    return session.exec(select(Task).where(mine, col(Task.done_at) >= start, col(Task.done_at) < end)).all()


def owned_tasks_acknowledged_between(
    *, session: Session, department_id: int, start: datetime, end: datetime
) -> Sequence[Task]:
    mine = Task.owning_department_id == department_id
    window = (col(Task.acknowledged_at) >= start, col(Task.acknowledged_at) < end)
    return session.exec(select(Task).where(mine, *window)).all()


def oldest_public_tasks(
    *, session: Session, department_id: int, statuses: Iterable[str], limit: int
) -> Sequence[Task]:
    """A department's oldest public tasks in these states (their titles may go to a channel)."""
    stmt = select(Task).where(
        Task.owning_department_id == department_id,
        col(Task.status).in_(list(statuses)),
        col(Task.private).is_(False),
    )
    return session.exec(stmt.order_by(col(Task.created_at)).limit(limit)).all()


def departments_asked(
    *, session: Session, department_id: int, start: datetime, end: datetime
) -> list[int | None]:
    """The owning department of each task it asked of another department, open at some time in the period."""
    stmt = select(Task.owning_department_id).where(
        Task.requesting_department_id == department_id,
        col(Task.owning_department_id) != department_id,
        col(Task.created_at) < end,
        or_(col(Task.closed_at).is_(None), col(Task.closed_at) >= start),
    )
    return list(session.exec(stmt).all())


def department_had_tasks_before(*, session: Session, department_id: int, instant: datetime) -> bool:
    """Whether anything was filed with or by the department before `instant`."""
    stmt = select(Task.id).where(
        or_(Task.owning_department_id == department_id, Task.requesting_department_id == department_id),
        col(Task.created_at) < instant,
    )
    return session.exec(stmt.limit(1)).first() is not None


# ---- around one task -------------------------------------------------------------------------


def tasks_in_thread(*, session: Session, channel: str, thread: str) -> Sequence[Task]:
    """Tasks filed from a message in this thread (their progress is posted there)."""
    stmt = select(Task).where(Task.source_channel == channel, Task.source_thread == thread)
    return session.exec(stmt.order_by(col(Task.id))).all()


_WATCHERS = TaskWatcher.__table__  # type: ignore[attr-defined]
# Asked on every move: straight to the driver (storage.direct).
_WATCHERS_OF = Direct(select(_WATCHERS.c.user_id).where(_WATCHERS.c.task_id == bindparam("task_id")))


def watchers(*, session: Session, task_id: int) -> list[str]:
    return sorted(uid for (uid,) in _WATCHERS_OF.rows(session, {"task_id": task_id}))


def waits_for(*, session: Session, task_id: int) -> list[int]:
    rows = session.exec(select(TaskDependency.depends_on_id).where(TaskDependency.task_id == task_id))
    return sorted(rows.all())


def dependents(*, session: Session, task_id: int) -> Sequence[Task]:
    stmt = select(Task).join(TaskDependency, col(TaskDependency.task_id) == col(Task.id))
    return session.exec(stmt.where(TaskDependency.depends_on_id == task_id)).all()


def history(*, session: Session, task_id: int) -> Sequence[TaskEvent]:
    stmt = (
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.at), col(TaskEvent.id))
    )
    return session.exec(stmt).all()


_BY_ID = select(Task).where(col(Task.id) == bindparam("id"))  # built once: every move, change, show


def task(*, session: Session, task_id: int) -> Task | None:
    """A task to read or change (the session's own object when it holds one)."""
    return session.execute(_BY_ID, {"id": task_id}).scalars().first()


def task_to_change(*, session: Session, task_id: int) -> Task | None:
    """A task read straight from its row, outside the session (no identity map, no ORM loading): for
    a caller that changes it only through update_task, never by setting attributes to be flushed."""
    found = _TASK_ROW.rows(session, {"id": task_id})
    return _loaded(dict(zip(_TASK_KEYS, found[0], strict=True))) if found else None


_DEPTS = Department.__table__  # type: ignore[attr-defined]
_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_FIELDS = TaskField.__table__  # type: ignore[attr-defined]


# What one task's card needs besides the task, in one statement built once: its departments' names,
# the names of the people on it, and its fields (kind, key, value, position).
def _card_details(dept_ids: Any, user_ids: Any) -> Any:
    return union_all(
        select(literal_column("'d'"), cast(_DEPTS.c.id, String), _DEPTS.c.name, literal_column("0")).where(
            _DEPTS.c.id.in_(dept_ids)
        ),
        select(literal_column("'m'"), _MEMBERS.c.user_id, _MEMBERS.c.name, literal_column("0")).where(
            _MEMBERS.c.user_id.in_(user_ids)
        ),
        select(literal_column("'f'"), _FIELDS.c.name, _FIELDS.c.value, _FIELDS.c.position).where(
            _FIELDS.c.task_id == bindparam("task_id")
        ),
    )


_CARD_DETAILS = _card_details(bindparam("dept_ids", expanding=True), bindparam("user_ids", expanding=True))
# A card's usual few departments and people, in fixed slots: straight to the driver (storage.direct),
# without an expanding IN rewritten for every call.
_CARD_DEPTS, _CARD_PEOPLE = 2, 6
_CARD_DETAILS_FEW = Direct(
    _card_details(
        [bindparam(f"d{i}") for i in range(_CARD_DEPTS)], [bindparam(f"u{i}") for i in range(_CARD_PEOPLE)]
    )
)


class CardDetails(NamedTuple):
    depts: dict[int, str]
    names: dict[str, str]
    fields: list[tuple[str, str]]


def card_details(
    *, session: Session, task_id: int, dept_ids: Iterable[int | None], user_ids: Iterable[str | None]
) -> CardDetails:
    """Department names, people's names and the fields of one task, in one round trip."""
    depts = list({i for i in dept_ids if i is not None})
    people = list({u for u in user_ids if u})
    rows: Iterable[Any]
    if len(depts) <= _CARD_DEPTS and len(people) <= _CARD_PEOPLE:
        slots: dict[str, object] = {"task_id": task_id}
        slots |= {f"d{i}": depts[i] if i < len(depts) else None for i in range(_CARD_DEPTS)}
        slots |= {f"u{i}": people[i] if i < len(people) else None for i in range(_CARD_PEOPLE)}
        rows = _CARD_DETAILS_FEW.rows(session, slots)  # an empty slot (NULL) matches nothing
    else:
        rows = read(session, _CARD_DETAILS, {"task_id": task_id, "dept_ids": depts, "user_ids": people})
    details = CardDetails({}, {}, [])
    fields: list[tuple[int, str, str]] = []
    for kind, key, value, position in rows:
        if kind == "d":
            details.depts[int(key)] = value
        elif kind == "m":
            details.names[key] = value
        else:
            fields.append((position, key, value))
    details.fields.extend((k, v) for _, k, v in sorted(fields, key=lambda f: f[0]))
    return details


_TASKS = Task.__table__  # type: ignore[attr-defined]
# What a new task holds where the caller says nothing: the columns' own defaults.
_TASK_DEFAULTS = {
    c.key: c.default.arg if c.default is not None and c.default.is_scalar else None
    for c in _TASKS.columns
    if c.key != "id"
}


def insert_task(*, session: Session, values: Mapping[str, object]) -> Task:
    """Store a new task as one plain insert and return it as an object outside the session: the request
    only reads it from here on, so the ORM's unit of work (and the model's constructor) would be cost
    without use. Like a flushed new task, it gets a recheck mark (storage.recheck) unless given one."""
    row = {**_TASK_DEFAULTS, **values}
    if row["next_check_at"] is None:
        row["next_check_at"] = recheck_instant()
    session.flush()  # anything pending it refers to goes first, as a flush would order it
    row["id"] = _INSERT_TASK.insert(session, row)
    return _loaded(row)


def _loaded(row: dict[str, object]) -> Task:
    """A Task holding `row`, built as the ORM builds one it loads (no constructor, no validation)."""
    task: Task = _TASK_MANAGER.new_instance()
    task.__dict__.update(row)
    object.__setattr__(task, "__pydantic_fields_set__", set(row))
    object.__setattr__(task, "__pydantic_extra__", None)
    object.__setattr__(task, "__pydantic_private__", None)
    return task


_TASK_MANAGER = Task.__mapper__.class_manager  # type: ignore[attr-defined]
# Sent straight to the driver (storage.direct): every column given, the new id returned.
_INSERT_TASK = Direct(_TASKS.insert(), columns=[*_TASK_DEFAULTS], new_id=_TASKS.c.id)


_TASK_KEYS = [c.key for c in _TASKS.columns]
_TASK_ROW = Direct(select(*_TASKS.columns).where(_TASKS.c.id == bindparam("id")))

_UPDATE_TASK = _TASKS.update().where(_TASKS.c.id == bindparam("task_pk"))
_UPDATES: dict[frozenset[str], Direct] = {}  # one per set of columns changed (a move sets a few)


def update_task(*, session: Session, task: Task, changes: dict[str, object]) -> None:
    """Change a task with one plain UPDATE and show the object the stored values, leaving nothing for
    the ORM to flush (a flush of one changed task costs several times the statement). Like any change
    to a task, it asks for a new look by the sweep (storage.recheck)."""
    values = {"next_check_at": recheck_instant(), **changes}
    keys = frozenset(values)
    update = _UPDATES.get(keys)
    if update is None:
        update = _UPDATES.setdefault(keys, Direct(_UPDATE_TASK, columns=sorted(keys)))
    update.execute(session, {**values, "task_pk": task.id})  # straight to the driver
    for key, value in values.items():
        set_committed_value(task, key, value)


_EVENTS = TaskEvent.__table__  # type: ignore[attr-defined]
_EVENT_COLUMNS = ("task_id", "actor_id", "action", "at", "from_value", "to_value", "note")
_INSERT_EVENT = Direct(_EVENTS.insert(), columns=_EVENT_COLUMNS)  # straight to the driver


def record_event(
    *,
    session: Session,
    task_id: int,
    actor_id: str,
    action: str,
    at: datetime,
    from_value: str | None = None,
    to_value: str | None = None,
    note: str | None = None,
) -> None:
    # A plain insert, sent at once: nothing reads an event back in the transaction that writes it, so the
    # ORM's unit of work (identity map, flush bookkeeping) would be cost without use.
    _INSERT_EVENT.insert(
        session,
        {
            "task_id": task_id,
            "actor_id": actor_id,
            "action": action,
            "at": at,
            "from_value": from_value,
            "to_value": to_value,
            "note": note or None,
        },
    )


def tasks_of_type(*, session: Session, type_id: int | None) -> Sequence[Task]:
    return session.exec(select(Task).where(Task.request_type_id == type_id)).all()
