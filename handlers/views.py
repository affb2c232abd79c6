"""Read models: a task as people see it, built from the tables."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from handlers.results import EventView, TaskView
from storage import intake as intake_store
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Task


def task_views(
    session: Session, tasks: Sequence[Task], *, with_history: bool = False
) -> tuple[TaskView, ...]:
    depts = people_store.department_names(
        session=session,
        ids=[t.owning_department_id for t in tasks] + [t.requesting_department_id for t in tasks],
    )
    ids = [t.id for t in tasks if t.id is not None]
    fields = intake_store.task_fields(session=session, task_ids=ids)
    types = intake_store.type_names(session=session, ids=[t.request_type_id for t in tasks])
    views = []
    for task in tasks:
        assert task.id is not None
        history: tuple[EventView, ...] = ()
        extras: dict[str, tuple] = {"waits_for": (), "watchers": ()}
        if with_history:
            history = tuple(
                EventView(e.actor_id, e.action, e.from_value, e.to_value, e.note, e.at)
                for e in task_store.history(session=session, task_id=task.id)
            )
            extras = {
                "waits_for": tuple(task_store.waits_for(session=session, task_id=task.id)),
                "watchers": tuple(task_store.watchers(session=session, task_id=task.id)),
            }
        views.append(
            view_of(
                task,
                owning_dept=depts.get(task.owning_department_id or -1),
                requesting_dept=depts.get(task.requesting_department_id or -1),
                request_type=types.get(task.request_type_id or -1),
                fields=tuple(fields.get(task.id, ())),
                history=history,
                **extras,
            )
        )
    return tuple(views)


def view_of(
    task: Task,
    *,
    owning_dept: str | None,
    requesting_dept: str | None,
    request_type: str | None = None,
    fields: tuple[tuple[str, str], ...] = (),
    history: tuple[EventView, ...] = (),
    waits_for: tuple[int, ...] = (),
    watchers: tuple[str, ...] = (),
) -> TaskView:
    """A task as people see it, from what the caller already holds (no reading back what it just wrote)."""
    assert task.id is not None
    return TaskView(
        id=task.id,
        title=task.title,
        details=task.details,
        status=task.status,
        priority=task.priority,
        owner_id=task.owner_id,
        requester_id=task.requester_id,
        accountable_id=task.accountable_id,
        owning_dept=owning_dept,
        requesting_dept=requesting_dept,
        due_at=task.due_at,
        created_at=task.created_at,
        source_link=task.source_link,
        history=history,
        request_type=request_type,
        fields=fields,
        rating=task.rating,
        rating_note=task.rating_note,
        waits_for=waits_for,
        watchers=watchers,
    )


def task_card(session: Session, task: Task) -> tuple[TaskView, dict[str, str]]:
    """A task as its card shows it (no history), and the names of the people on it: one round trip
    (storage.tasks.card_details), the request type's name a second only when it has one."""
    assert task.id is not None
    details = task_store.card_details(
        session=session,
        task_id=task.id,
        dept_ids=[task.owning_department_id, task.requesting_department_id],
        user_ids=[task.owner_id, task.requester_id, task.accountable_id],
    )
    types = intake_store.type_names(session=session, ids=[task.request_type_id])
    view = view_of(
        task,
        owning_dept=details.depts.get(task.owning_department_id or -1),
        requesting_dept=details.depts.get(task.requesting_department_id or -1),
        request_type=types.get(task.request_type_id or -1),
        fields=tuple(details.fields),
    )
    return view, details.names


def task_view(session: Session, task: Task, *, with_history: bool = True) -> TaskView:
    return task_views(session, [task], with_history=with_history)[0]


def people_in(views: Sequence[TaskView]) -> set[str]:
    ids: set[str] = set()
    for v in views:
        ids |= {v.owner_id, v.requester_id, v.accountable_id, *v.watchers, *(e.actor_id for e in v.history)}
    return ids
