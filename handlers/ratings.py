"""The requester rates the result (SPEC §8): given with `/task verify <id> <1-5>`, by `/task rate`, or by one
of five buttons they are sent when they verified without one. Once, changeable for a day."""

from __future__ import annotations

from datetime import timedelta

from handlers import recipients
from handlers.context import Context
from handlers.errors import NotAllowed
from handlers.intake_commands import Rate
from handlers.lifecycle import Status
from handlers.results import Reply, Text
from storage import outbox
from storage import tasks as task_store
from storage.models import Task

CHANGE_WINDOW = timedelta(days=1)
RATING_MOVES = ("rate1", "rate2", "rate3", "rate4", "rate5")


def after_verify(ctx: Context, task: Task, rating: int | None, note: str) -> None:
    """Called once a task is verified: record the rating given, or ask the requester for one (also when
    they verified it themselves: the buttons are the question)."""
    if rating is not None:
        if ctx.actor.user_id != task.requester_id:
            raise NotAllowed("not_allowed_rate", task_id=task.id)
        _record(ctx, task, rating, note)
        return
    outbox.enqueue(
        session=ctx.session,
        kind="dm",
        recipient=task.requester_id,
        now=ctx.now,
        task_id=task.id,
        event="rate_ask",
        actor_id=ctx.actor.user_id,
    )


def rate(ctx: Context, cmd: Rate) -> Reply:
    from handlers.task_access import get_task

    task = get_task(ctx, cmd.task_id)
    if ctx.actor.user_id != task.requester_id:
        raise NotAllowed("not_allowed_rate", task_id=task.id)
    if task.status != Status.VERIFIED.value:
        raise NotAllowed("rate_not_verified", task_id=task.id)
    if task.rated_at is not None and ctx.now - task.rated_at > CHANGE_WINDOW:
        raise NotAllowed("rate_locked", task_id=task.id, rating=task.rating)
    if task.rating == cmd.rating and task.rated_at is not None:
        return Reply(kind="message", text=Text("rated_ok", {"task_id": task.id, "rating": cmd.rating}))
    _record(ctx, task, cmd.rating, cmd.note)
    return Reply(kind="message", text=Text("rated_ok", {"task_id": task.id, "rating": cmd.rating}))


def _record(ctx: Context, task: Task, rating: int, note: str) -> None:
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="rate",
        at=ctx.now,
        from_value=str(task.rating) if task.rating is not None else None,
        to_value=str(rating),
        note=note or None,
    )
    changes: dict[str, object] = {"rating": rating, "rating_note": note or None, "updated_at": ctx.now}
    if task.rated_at is None:
        changes["rated_at"] = ctx.now  # the day to change it runs from the first rating
    task_store.update_task(session=ctx.session, task=task, changes=changes)  # one plain UPDATE
    recipients.tell(ctx, task, "rated", [task.owner_id], note=note or None, data={"rating": rating})
    recipients.refresh_card(ctx, task)
