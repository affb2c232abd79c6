"""Reading tasks: one in detail, and lists (mine, requested, waiting, overdue, a department, all)."""

from __future__ import annotations

from sqlmodel import col

from handlers import intake, people
from handlers.commands import ListTasks, ShowTask
from handlers.context import Context
from handlers.errors import NotFound
from handlers.lifecycle import ACTIVE, NOT_CLOSED, Status
from handlers.results import Reply, Text
from handlers.task_access import get_task, involved
from handlers.views import people_in, task_view, task_views
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Task

LIST_LIMIT = 40  # one page; a chat message holds only so many blocks (50)


def show(ctx: Context, cmd: ShowTask) -> Reply:
    task = get_task(ctx, cmd.task_id)
    if task.private and not involved(ctx, task):
        raise NotFound("task_not_found", task_id=cmd.task_id)  # not even whether it exists
    view = task_view(ctx.session, task, with_history=True)
    names = people_store.member_names(session=ctx.session, user_ids=people_in([view]))
    return Reply(kind="detail", task=view, names=names)


def list_tasks(ctx: Context, cmd: ListTasks) -> Reply:
    uid = ctx.actor.user_id
    active = col(Task.status).in_([s.value for s in ACTIVE])
    params: dict[str, object] = {}
    if cmd.scope == "mine":
        conditions = [Task.owner_id == uid, active]
    elif cmd.scope == "requested":
        conditions = [Task.requester_id == uid, col(Task.status).in_([s.value for s in NOT_CLOSED])]
    elif cmd.scope == "waiting":
        conditions = [Task.requester_id == uid, Task.status == Status.DONE.value]
    elif cmd.scope == "overdue":
        conditions = [active, col(Task.due_at).is_not(None), col(Task.due_at) < ctx.now]
    elif cmd.scope == "dept":
        assert cmd.dept is not None
        dept = people.department(ctx.session, cmd.dept)
        conditions = [Task.owning_department_id == dept.id, active]
        params["dept"] = dept.name
        if cmd.type_name:
            conditions.append(Task.request_type_id == intake.type_id(ctx, dept, cmd.type_name))
    else:
        conditions = [active]
    conditions.append(task_store.visible_to(uid))
    rows, total = task_store.tasks_where(
        session=ctx.session, conditions=conditions, limit=LIST_LIMIT, offset=max(0, cmd.offset)
    )
    views = task_views(ctx.session, rows)
    names = people_store.member_names(session=ctx.session, user_ids=people_in(views))
    dept_name = str(params["dept"]) if "dept" in params else None
    return Reply(
        kind="list",
        text=Text(f"list_{cmd.scope}", params),
        tasks=views,
        total=total,
        names=names,
        scope=cmd.scope,
        dept=dept_name,
        offset=max(0, cmd.offset),
    )
