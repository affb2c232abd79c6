"""Progress in the thread a task was filed from: each change of state is posted there once, as an outbox
row of kind `thread` written in the transaction that made the change (handlers.messages composes it)."""

from __future__ import annotations

from handlers.context import Context
from storage import outbox
from storage.models import Task

# The changes of state posted in a task's thread; starting work and priority only update its card.
THREAD_EVENTS = ("ack", "block", "done", "verify", "reopen", "cancel", "reassigned", "due")


def progress(ctx: Context, task: Task, event: str, *, note: str | None = None) -> None:
    """Post this change in the task's thread, if it was filed from a message."""
    if event not in THREAD_EVENTS or not task.source_thread or not task.source_channel:
        return
    outbox.enqueue(
        session=ctx.session,
        kind="thread",
        recipient=task.source_channel,
        now=ctx.now,
        task_id=task.id,
        event=event,
        actor_id=ctx.actor.user_id,
        note=note or None,
        data={"thread": task.source_thread},
    )
