"""The App Home read model: what a person owes, what they wait for, and their department's week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from sqlmodel import Session, col

from handlers.lifecycle import ACTIVE, Status
from handlers.moves import viewer_moves
from handlers.results import TaskView
from handlers.views import people_in, task_views
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Task

SECTION_SIZE = 8
SECTIONS = ("overdue", "owned", "waiting", "requested", "dept")


@dataclass(frozen=True)
class Section:
    key: str  # one of SECTIONS
    tasks: tuple[TaskView, ...]
    total: int
    offset: int


@dataclass(frozen=True)
class DeptNumbers:
    dept: str
    open: int
    overdue: int
    median_ack: timedelta | None  # over the last 7 days


@dataclass(frozen=True)
class Home:
    sections: tuple[Section, ...]
    numbers: DeptNumbers | None
    names: dict[str, str] = field(default_factory=dict)
    moves: dict[int, list[str]] = field(default_factory=dict)  # task id -> buttons this person may press


def build_home(
    session: Session, *, user_id: str, is_admin: bool, now: datetime, offsets: dict[str, int] | None = None
) -> Home:
    offsets = offsets or {}
    active = col(Task.status).in_([s.value for s in ACTIVE])
    conditions: dict[str, list[object]] = {
        "overdue": [Task.owner_id == user_id, active, col(Task.due_at) < now],
        "owned": [Task.owner_id == user_id, active],
        "waiting": [Task.requester_id == user_id, Task.status == Status.DONE.value],
        "requested": [Task.requester_id == user_id, active],
    }
    dept = people_store.department_led_by(session=session, user_id=user_id)
    if dept is not None:
        conditions["dept"] = [Task.owning_department_id == dept.id, active, task_store.visible_to(user_id)]
    sections = []
    rows_by_id: dict[int, Task] = {}
    for key in SECTIONS:
        if key not in conditions:
            continue
        offset = max(0, offsets.get(key, 0))
        rows, total = task_store.tasks_where(
            session=session, conditions=conditions[key], limit=SECTION_SIZE, offset=offset
        )
        rows_by_id.update({r.id: r for r in rows if r.id is not None})
        sections.append(Section(key=key, tasks=task_views(session, rows), total=total, offset=offset))
    numbers = _numbers(session, dept.id, dept.name, now) if dept is not None and dept.id is not None else None
    views = [v for s in sections for v in s.tasks]
    names = people_store.member_names(session=session, user_ids=people_in(views))
    moves = {
        task_id: viewer_moves(session, task, user_id=user_id, is_admin=is_admin)
        for task_id, task in rows_by_id.items()
    }
    return Home(sections=tuple(sections), numbers=numbers, names=names, moves=moves)


def _numbers(session: Session, dept_id: int, dept_name: str, now: datetime) -> DeptNumbers:
    active = col(Task.status).in_([s.value for s in ACTIVE])
    _, open_count = task_store.tasks_where(
        session=session, conditions=[Task.owning_department_id == dept_id, active], limit=0
    )
    _, overdue = task_store.tasks_where(
        session=session,
        conditions=[Task.owning_department_id == dept_id, active, col(Task.due_at) < now],
        limit=0,
    )
    waits = [
        a - c
        for c, a in task_store.acknowledgement_times(
            session=session, department_id=dept_id, since=now - timedelta(days=7)
        )
    ]
    return DeptNumbers(
        dept=dept_name, open=open_count, overdue=overdue, median_ack=median(waits) if waits else None
    )
