"""Deciding who hears about a change. Decisions become outbox rows in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from handlers.context import Context
from storage import outbox
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Task


def tell(
    ctx: Context,
    task: Task,
    event: str,
    recipients: Iterable[str | None],
    *,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    fyi: bool = False,
) -> None:
    """A direct message about `task` to each recipient once, never to the person who acted.

    `fyi`: news about a task they asked for or follow, which people may take as one daily summary
    (`/task notify daily`); without it (assignments, escalations, questions to them) it goes at once."""
    people = [r for r in dict.fromkeys(r for r in recipients if r) if r != ctx.actor.user_id]
    if not people:
        return
    daily = people_store.daily_readers(session=ctx.session, user_ids=people) if fyi else set()
    for user_id in people:
        outbox.enqueue(
            session=ctx.session,
            kind="dm",
            recipient=user_id,
            now=ctx.now,
            task_id=task.id,
            event=event,
            actor_id=ctx.actor.user_id,
            note=note or None,
            data=data,
            status=outbox.DAILY if user_id in daily else outbox.PENDING,  # DAILY: waits for their summary
        )


def tell_user(ctx: Context, user_id: str, event: str, data: dict[str, Any]) -> None:
    """A direct message not about one task (e.g. a handover summary)."""
    if user_id != ctx.actor.user_id:
        outbox.enqueue(
            session=ctx.session,
            kind="dm",
            recipient=user_id,
            now=ctx.now,
            event=event,
            actor_id=ctx.actor.user_id,
            data=data,
        )


def watchers_of(ctx: Context, task: Task) -> list[str]:
    assert task.id is not None
    return task_store.watchers(session=ctx.session, task_id=task.id)


def refresh_card(ctx: Context, task: Task) -> None:
    """Post or update the task's card where it was filed; DMs with the bot carry no public card."""
    if has_public_card(task):
        assert task.source_channel is not None
        outbox.enqueue(
            session=ctx.session, kind="card", recipient=task.source_channel, now=ctx.now, task_id=task.id
        )


def has_public_card(task: Task) -> bool:
    return bool(task.source_channel)
