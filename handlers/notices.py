"""What a queued direct message says: built at delivery from the task as it is then."""

from __future__ import annotations

import json

from sqlmodel import Session

from handlers.i18n import t
from handlers.results import TaskView, Text
from handlers.views import task_view
from storage import queries
from storage.models import OutboxMessage, Task


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
