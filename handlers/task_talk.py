"""Talk and following: comments on a task, watching it."""

from __future__ import annotations

from handlers import recipients
from handlers.commands import Comment, Watch
from handlers.context import Context
from handlers.results import Reply
from handlers.task_access import get_task, task_reply
from storage import tasks as task_store
from storage.models import Task, TaskWatcher


def comment(ctx: Context, cmd: Comment) -> Reply:
    task = get_task(ctx, cmd.task_id)
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="comment",
        at=ctx.now,
        note=cmd.text,
    )
    recipients.tell(ctx, task, "comment", [task.owner_id], note=cmd.text)
    following = [task.requester_id, *recipients.watchers_of(ctx, task)]
    recipients.tell(ctx, task, "comment", following, note=cmd.text, fyi=True)
    return task_reply(ctx, "comment_ok", task_id=task.id)


def watch(ctx: Context, cmd: Watch) -> Reply:
    task = get_task(ctx, cmd.task_id)
    if ctx.actor.user_id not in recipients.watchers_of(ctx, task):
        add_watcher(ctx, task, ctx.actor.user_id)
        assert task.id is not None
        task_store.record_event(
            session=ctx.session, task_id=task.id, actor_id=ctx.actor.user_id, action="watch", at=ctx.now
        )
    return task_reply(ctx, "watch_ok", task_id=task.id)


def add_watcher(ctx: Context, task: Task, user_id: str) -> None:
    assert task.id is not None
    if ctx.session.get(TaskWatcher, (task.id, user_id)) is None:
        ctx.session.add(TaskWatcher(task_id=task.id, user_id=user_id))
