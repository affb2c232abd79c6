"""Moves along a task's life (SPEC §3): ack, start, block, done, verify, reopen, cancel; who hears."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import ratings, recipients, threads
from handlers.commands import Move
from handlers.context import Context
from handlers.errors import NotAllowed
from handlers.i18n import MOVE_VERB, WHO, t
from handlers.lifecycle import NOT_CLOSED, OWNER_MOVES, REQUESTER_MOVES, Status, moves_for, path_for
from handlers.results import Reply
from handlers.task_access import is_lead, require_open, task_reply, task_to_change
from storage import tasks as task_store
from storage.models import Department, Task


def move_task(ctx: Context, cmd: Move) -> Reply:
    task = task_to_change(ctx, cmd.task_id)  # changed below by plain UPDATEs only
    require_open(ctx, task)
    uid = ctx.actor.user_id
    lead = is_lead(ctx, task)
    verb = MOVE_VERB[ctx.actor.locale][cmd.move]
    if cmd.move in OWNER_MOVES and uid != task.owner_id and not lead:
        raise NotAllowed("not_allowed_move", who=WHO[ctx.actor.locale]["owner"], move=verb, task_id=task.id)
    if cmd.move in REQUESTER_MOVES and uid != task.requester_id and not lead:
        raise NotAllowed(
            "not_allowed_move", who=WHO[ctx.actor.locale]["requester"], move=verb, task_id=task.id
        )
    steps = path_for(cmd.move, Status(task.status))
    if steps is None and cmd.pressed and _already(task.status, cmd.move):
        return task_reply(ctx, "already", task, task_id=task.id)  # a second press of the same button
    if steps is None:
        status = t(ctx.actor.locale, f"status_{task.status}")
        raise NotAllowed("bad_transition", task_id=task.id, status=status, move=verb)
    assert task.id is not None
    changes: dict[str, object] = {}
    for i, (step, before, after) in enumerate(steps):
        last = i == len(steps) - 1
        task_store.record_event(
            session=ctx.session,
            task_id=task.id,
            actor_id=uid,
            action=step,
            at=ctx.now,
            from_value=before.value,
            to_value=after.value,
            note=cmd.note if last else None,
        )
        changes |= _stamps(step, ctx.now)
        changes["status"] = after.value
    changes["updated_at"] = ctx.now
    task_store.update_task(session=ctx.session, task=task, changes=changes)  # one plain UPDATE
    _tell_about_move(ctx, task, cmd)
    if cmd.move == "verify":
        ratings.after_verify(ctx, task, cmd.rating, cmd.note)
    threads.progress(ctx, task, cmd.move, note=cmd.note)
    recipients.refresh_card(ctx, task)
    return task_reply(ctx, f"moved_{cmd.move}", task, task_id=task.id)


# Where each move leaves a task; a press that finds the task there already did its work.
_MOVE_RESULT = {
    "ack": Status.ACKNOWLEDGED,
    "start": Status.IN_PROGRESS,
    "block": Status.BLOCKED,
    "done": Status.DONE,
    "verify": Status.VERIFIED,
    "reopen": Status.REOPENED,
    "cancel": Status.CANCELLED,
}


def _already(status: str, move: str) -> bool:
    return _MOVE_RESULT.get(move) == status


def viewer_moves(session: Session, task: Task, *, user_id: str, is_admin: bool) -> list[str]:
    """The buttons this person should see on this task."""
    dept = session.get(Department, task.owning_department_id) if task.owning_department_id else None
    lead = is_admin or user_id == task.accountable_id or (dept is not None and dept.lead_id == user_id)
    owner, requester = user_id == task.owner_id, user_id == task.requester_id
    return moves_for(task.status, owner=owner, requester=requester, lead=lead)


def _stamps(step: str, now: datetime) -> dict[str, object]:
    """The instants a step records on the task."""
    if step == "ack":
        return {"acknowledged_at": now}
    if step == "done":
        return {"done_at": now}
    if step in ("verify", "cancel"):
        return {"closed_at": now}
    if step == "reopen":
        return {"done_at": None}
    return {}


def _tell_about_move(ctx: Context, task: Task, cmd: Move) -> None:
    """Who hears of a move. The requester (and watchers) hear what they wait for — acknowledged,
    blocked and why, done (asked to verify), reopened or cancelled by someone else; starting only
    updates the card. What they follow may wait for their daily summary; a question to them never does."""
    watchers = recipients.watchers_of(ctx, task)
    note = cmd.note or None
    following = [task.requester_id, *watchers]
    if cmd.move == "ack":
        recipients.tell(ctx, task, "ack", following, note=note, fyi=True)
    elif cmd.move == "block":
        recipients.tell(ctx, task, "block", [task.accountable_id], note=note)
        recipients.tell(ctx, task, "block", following, note=note, fyi=True)
    elif cmd.move == "done":
        recipients.tell(ctx, task, "done", [task.requester_id], note=note)  # asked to verify: at once
        recipients.tell(ctx, task, "done", watchers, note=note, fyi=True)
        tell_dependents(ctx, task, "upstream_done")
    elif cmd.move in ("verify", "reopen", "cancel"):
        recipients.tell(ctx, task, cmd.move, [task.owner_id], note=note)
        recipients.tell(ctx, task, cmd.move, following, note=note, fyi=True)


def tell_dependents(ctx: Context, upstream: Task, event: str) -> None:
    assert upstream.id is not None
    for downstream in task_store.dependents(session=ctx.session, task_id=upstream.id):
        if downstream.status in NOT_CLOSED:
            recipients.tell(ctx, downstream, event, [downstream.owner_id], data={"upstream_id": upstream.id})
