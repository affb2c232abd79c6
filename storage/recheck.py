"""Keep reminder marks honest: whatever changes a task, or a calendar it runs on, asks for a new look.

Registered once on the Session class, so every write path — commands, forms, the console, tests —
is covered without each remembering to do it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, or_, select, update
from sqlmodel import Session

from storage.models import Department, DigestSchedule, Member, Task
from storage.recheck_marks import recheck_instant

CLOSED = (
    "verified",
    "cancelled",
)  # handlers.lifecycle.CLOSED, kept literal: storage does not import handlers
DEPARTMENT_CALENDAR = ("sla_hours", "tz", "country", "work_start", "work_end", "channel_id", "lead_id")
MEMBER_CALENDAR = ("tz", "department_id")


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    for name in fields:
        history = state.attrs[name].history
        if history.added and (not history.deleted or history.added[0] != history.deleted[0]):
            return True
    return False


def _task_changed(obj: Task) -> bool:
    state = inspect(obj)
    if state.attrs.next_check_at.history.has_changes():
        return False  # set on purpose (seeding, tests): respect it
    names = [a.key for a in state.mapper.column_attrs if a.key != "next_check_at"]
    return _changed(obj, names)


@event.listens_for(Session, "before_flush")
def _mark_for_recheck(session: Session, _context: Any, _instances: Any) -> None:
    tasks = Task.__table__  # type: ignore[attr-defined]
    schedule = DigestSchedule.__table__  # type: ignore[attr-defined]
    for obj in session.new:
        if isinstance(obj, Task) and obj.next_check_at is None:
            obj.next_check_at = recheck_instant()
    for obj in session.dirty:
        if isinstance(obj, Task) and _task_changed(obj):
            obj.next_check_at = recheck_instant()
        elif isinstance(obj, Department) and _changed(obj, DEPARTMENT_CALENDAR):
            conn = session.connection()
            in_dept = or_(tasks.c.owning_department_id == obj.id, tasks.c.requesting_department_id == obj.id)
            conn.execute(
                update(tasks)
                .where(in_dept, tasks.c.status.not_in(CLOSED))
                .values(next_check_at=recheck_instant())
            )
            members = select(Member.user_id).where(Member.department_id == obj.id)
            conn.execute(
                update(schedule).where(schedule.c.user_id.in_(members)).values(next_at=recheck_instant())
            )
        elif isinstance(obj, Member) and _changed(obj, MEMBER_CALENDAR):
            conn = session.connection()
            theirs = or_(
                tasks.c.owner_id == obj.user_id,
                tasks.c.accountable_id == obj.user_id,
                tasks.c.requester_id == obj.user_id,
            )
            conn.execute(
                update(tasks)
                .where(theirs, tasks.c.status.not_in(CLOSED))
                .values(next_check_at=recheck_instant())
            )
            conn.execute(
                update(schedule).where(schedule.c.user_id == obj.user_id).values(next_at=recheck_instant())
            )
