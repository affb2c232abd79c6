"""Quiet by design: everything that falls due for one recipient in a sweep goes out as one message.

The sweep queues each reminder as its own outbox row, under its own exactly-once key, but *held*
(never delivered by itself), and one `roundup` row per recipient with held rows. Delivering the roundup
gathers what is held for that recipient: one reminder reads as it always did; several become one
Digest, each task once, with the reason it is there and the buttons its reader may press.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers.outgoing import TaskItem
from handlers.results import Text
from storage.models import OutboxMessage, Task

# The reminders a roundup gathers, most pressing first: a task listed for two reasons shows the first.
GATHERED = (
    "overdue_far",
    "overdue_lead",
    "overdue",
    "ack_escalate",
    "due_soon",
    "ack_nudge",
    "verify_reminder",
)
ESCALATIONS = frozenset({"overdue_far", "overdue_lead", "ack_escalate"})
# Which of its reader's moves each reason offers as buttons (the card's menu holds the rest).
BUTTONS = {
    "overdue_far": (),
    "overdue_lead": (),
    "overdue": ("block", "done"),
    "ack_escalate": (),
    "due_soon": ("start", "block", "done"),
    "ack_nudge": ("ack", "block"),
    "verify_reminder": ("verify", "reopen"),
}
OPEN = frozenset({"open", "reopened"})
ACTIVE = frozenset({"open", "acknowledged", "in_progress", "blocked", "reopened"})


@dataclass(frozen=True)
class Reasons:
    task_id: int
    events: tuple[str, ...]  # most pressing first


def reasons(rows: Sequence[OutboxMessage]) -> list[Reasons]:
    """Each task once, with every reason it is there, in the order they fell due."""
    found: dict[int, list[str]] = {}
    for row in rows:
        ids = json.loads(row.data or "{}").get("task_ids") if row.event == "overdue" else [row.task_id]
        for task_id in ids or []:
            if task_id is not None and row.event not in found.setdefault(task_id, []):
                found[task_id].append(row.event)
    return [Reasons(task_id, tuple(sorted(events, key=_rank))) for task_id, events in found.items()]


def still_true(event: str, task: Task, now: datetime) -> bool:
    """A reminder whose reason has passed since it was decided is left out."""
    if event == "verify_reminder":
        return task.status == "done"
    if event in ("ack_nudge", "ack_escalate"):
        return task.status in OPEN
    if task.status not in ACTIVE:
        return False
    if event == "overdue":
        return task.snoozed_until is None or task.snoozed_until <= now
    return True


def gathered_item(item: TaskItem, events: tuple[str, ...]) -> TaskItem:
    wanted = {move for event in events for move in BUTTONS.get(event, ())}
    return TaskItem(
        item.task,
        tuple(m for m in item.moves if m in wanted),
        menu=item.menu,
        snooze="overdue" in events,
        reasons=tuple(Text(f"r_{event}") for event in events),
    )


def title(events: set[str], *, channel: bool, count: int) -> Text:
    if channel:
        return Text("n_roundup_channel", {"count": count})
    if events <= ESCALATIONS:
        return Text("n_roundup_lead", {"count": count})
    return Text("n_roundup", {"count": count})


def _rank(event: str) -> int:
    return GATHERED.index(event) if event in GATHERED else len(GATHERED)
