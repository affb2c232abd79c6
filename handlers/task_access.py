"""Finding a task, who may do what to it (SPEC §3), and the reply that shows it."""

from __future__ import annotations

from datetime import datetime

from handlers import people, recipients
from handlers.calendars import department_calendar
from handlers.context import Context
from handlers.errors import NotAllowed, NotFound
from handlers.i18n import t
from handlers.lifecycle import CLOSED
from handlers.results import Reply, Text
from handlers.views import task_card
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Task


def get_task(ctx: Context, task_id: int) -> Task:
    task = task_store.task(session=ctx.session, task_id=task_id)
    if task is None:
        raise NotFound("task_not_found", task_id=task_id)
    return task


def task_to_change(ctx: Context, task_id: int) -> Task:
    """A task read from its row without the ORM's loading: for a handler that changes it only through
    storage.tasks.update_task (a move), never by setting attributes for a flush."""
    task = task_store.task_to_change(session=ctx.session, task_id=task_id)
    if task is None:
        raise NotFound("task_not_found", task_id=task_id)
    return task


def is_lead(ctx: Context, task: Task) -> bool:
    """Accountable for the task: its accountable person, the owning department's lead, or an admin."""
    uid = ctx.actor.user_id
    if ctx.actor.is_admin or uid == task.accountable_id:
        return True
    if not task.owning_department_id:
        return False
    return people_store.department_lead(session=ctx.session, department_id=task.owning_department_id) == uid


def involved(ctx: Context, task: Task) -> bool:
    uid = ctx.actor.user_id
    return uid in (task.requester_id, task.owner_id, task.accountable_id) or uid in recipients.watchers_of(
        ctx, task
    )


def require_open(ctx: Context, task: Task) -> None:
    if task.status in CLOSED:
        raise NotAllowed("task_closed", task_id=task.id, status=t(ctx.actor.locale, f"status_{task.status}"))


def require_editor(ctx: Context, task: Task) -> None:
    """Title, due date and priority: the requester, the accountable lead, or an admin."""
    require_open(ctx, task)
    if ctx.actor.user_id != task.requester_id and not is_lead(ctx, task):
        raise NotAllowed("not_allowed_edit", task_id=task.id)


def task_reply(ctx: Context, key: str, task: Task | None = None, **params: object) -> Reply:
    view, names = task_card(ctx.session, task) if task is not None else (None, {})
    return Reply(kind="message", text=Text(key, dict(params)), task=view, names=names)


def off_day(ctx: Context, dept: people.SomeDept | None, due: datetime | None) -> str | None:
    """The due day, when it falls on a day the owning department does not work: accepted, with a note."""
    if due is None or dept is None:
        return None
    calendar = department_calendar(dept, ctx.config.default_tz)
    day = calendar.local_date(due)
    return None if calendar.is_working_day(day) else day.isoformat()
