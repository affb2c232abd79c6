"""What a queued direct message says: built at delivery from the task as it is then."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import Session, select

from handlers.i18n import t
from handlers.lifecycle import ACTIVE
from handlers.results import TaskView, Text
from handlers.stats import DeptStats, dept_stats
from handlers.views import task_view, task_views
from storage import people as queries  # members and departments
from storage.models import Department, OutboxMessage, Standup, StandupRun, Task

ACTIVE_VALUES = {s.value for s in ACTIVE}


def notice(session: Session, row: OutboxMessage, *, locale: str) -> tuple[Text, TaskView | None]:
    data = json.loads(row.data or "{}")
    params: dict[str, object] = dict(data)
    if row.actor_id:
        params["actor"] = queries.member_names(session=session, user_ids=[row.actor_id]).get(
            row.actor_id, row.actor_id
        )
    view = None
    task = session.get(Task, row.task_id) if row.task_id is not None else None
    if task is not None:
        view = task_view(session, task, with_history=False)
        owner = queries.member_names(session=session, user_ids=[task.owner_id]).get(
            task.owner_id, task.owner_id
        )
        params.update(
            task_id=task.id, title=task.title, owner=owner, priority=t(locale, f"priority_{task.priority}")
        )
        if task.due_at is not None:
            params["due"] = task.due_at
        else:
            params["due"] = t(locale, "no_due")
    return Text(f"n_{row.event}", params), view


def overdue_tasks(session: Session, row: OutboxMessage, *, now: datetime) -> list[TaskView]:
    """The tasks an overdue reminder lists, as they are now (finished and snoozed ones drop out)."""
    ids = json.loads(row.data or "{}").get("task_ids") or []
    tasks = [
        t
        for t in (session.get(Task, i) for i in ids)
        if t is not None and t.status in ACTIVE_VALUES and (t.snoozed_until is None or t.snoozed_until <= now)
    ]
    return list(task_views(session, tasks))


def digest(session: Session, row: OutboxMessage, *, now: datetime, default_tz: str) -> DeptStats | None:
    data = json.loads(row.data or "{}")
    dept = session.get(Department, data.get("dept_id"))
    if dept is None:
        return None
    return dept_stats(
        session,
        dept,
        start_day=date.fromisoformat(data["week_start"]),
        days=7,
        now=now,
        default_tz=default_tz,
    )


def undeliverable_contact(session: Session, row: OutboxMessage) -> str | None:
    """Who should hear that `row` could not go where it was meant to: a card's requester, a department
    channel's lead. Nobody for direct messages (we could not reach that person anyway) or for these notes."""
    if row.event == "undeliverable" or row.kind in ("dm", "refresh", "home", "ephemeral"):
        return None
    task = session.get(Task, row.task_id) if row.task_id is not None else None
    if task is not None:
        return task.requester_id
    dept = session.exec(select(Department).where(Department.channel_id == row.recipient)).first()
    if dept is not None:
        return dept.lead_id
    standup = session.exec(select(Standup).where(Standup.channel_id == row.recipient)).first()
    return standup.created_by if standup is not None else None


def standup_of(session: Session, row: OutboxMessage) -> tuple[StandupRun, Standup] | None:
    """The run and stand-up a stand-up message is about; None when they are gone."""
    run = session.get(StandupRun, json.loads(row.data or "{}").get("run_id"))
    standup = session.get(Standup, run.standup_id) if run else None
    if run is None or standup is None:
        return None
    return run, standup
