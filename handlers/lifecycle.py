"""A task's life (SPEC §3): which moves exist, from which states, and who may make them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    VERIFIED = "verified"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# Work is still owed on these; "done" waits on the requester, verified/cancelled are closed.
ACTIVE = frozenset({Status.OPEN, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.BLOCKED, Status.REOPENED})
CLOSED = frozenset({Status.VERIFIED, Status.CANCELLED})
NOT_CLOSED = ACTIVE | {Status.DONE}

# The edges of the map in SPEC §3. Nothing else is a legal step.
EDGES: dict[str, dict[Status, Status]] = {
    "ack": {Status.OPEN: Status.ACKNOWLEDGED},
    "start": {
        Status.ACKNOWLEDGED: Status.IN_PROGRESS,
        Status.BLOCKED: Status.IN_PROGRESS,
        Status.REOPENED: Status.IN_PROGRESS,
    },
    "block": {Status.IN_PROGRESS: Status.BLOCKED},
    "done": {Status.IN_PROGRESS: Status.DONE, Status.BLOCKED: Status.DONE},
    "verify": {Status.DONE: Status.VERIFIED},
    "reopen": {Status.DONE: Status.REOPENED},
    "cancel": {s: Status.CANCELLED for s in ACTIVE},
}

# An owner who starts or finishes work they never acknowledged has plainly acknowledged it:
# walk the earlier edges first (each one recorded) rather than refuse.
IMPLIED: dict[str, list[str]] = {
    "start": ["ack"],
    "block": ["ack", "start"],
    "done": ["ack", "start"],
}

OWNER_MOVES = frozenset({"ack", "start", "block", "done"})
REQUESTER_MOVES = frozenset({"verify", "reopen", "cancel"})


# Implied steps only lead forward from states where work has not started yet.
IMPLIED_FROM = frozenset({Status.OPEN, Status.ACKNOWLEDGED, Status.REOPENED})


def path_for(move: str, status: Status) -> list[tuple[str, Status, Status]] | None:
    """The recorded steps that make `move` from `status`, or None when the map forbids it."""
    direct = EDGES[move].get(status)
    if direct is not None:
        return [(move, status, direct)]
    if status not in IMPLIED_FROM:
        return None
    steps: list[tuple[str, Status, Status]] = []
    current = status
    for step in [*IMPLIED.get(move, []), move]:
        target = EDGES[step].get(current)
        if target is None:
            if step != move:
                continue  # that implied step is already behind us
            return None
        steps.append((step, current, target))
        current = target
    return steps


BUTTON_MOVES = ("ack", "start", "block", "done", "verify", "reopen")


def moves_for(status: str, *, owner: bool, requester: bool, lead: bool) -> list[str]:
    """The moves (in button order) this viewer may make on a task in `status`."""
    allowed = []
    for move in BUTTON_MOVES:
        if path_for(move, Status(status)) is None:
            continue
        may = lead or (owner if move in OWNER_MOVES else requester)
        if may:
            allowed.append(move)
    return allowed
