"""Changing a task: owner, due date, priority, snooze, dependencies, and a handover of all of
someone's open tasks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from handlers import people, recipients, threads
from handlers.calendars import Calendars
from handlers.commands import Assign, Depends, Handover, SetDue, SetPriority, Snooze
from handlers.context import Context
from handlers.dates import parse_when
from handlers.errors import NotAllowed, NotFound
from handlers.i18n import MOVE_VERB, WHO, t
from handlers.lifecycle import NOT_CLOSED
from handlers.moves import tell_dependents
from handlers.results import Reply
from handlers.task_access import get_task, is_lead, off_day, require_editor, require_open, task_reply
from storage import tasks as task_store
from storage.models import Department, Task, TaskDependency


def assign(ctx: Context, cmd: Assign) -> Reply:
    task = get_task(ctx, cmd.task_id)
    require_open(ctx, task)
    if not is_lead(ctx, task):
        verb = MOVE_VERB[ctx.actor.locale]["assign"]
        raise NotAllowed("not_allowed_move", who=WHO[ctx.actor.locale]["lead"], move=verb, task_id=task.id)
    new_owner = people.person(ctx.session, cmd.person)
    if new_owner.user_id == task.owner_id:
        raise NotAllowed("already_owner", name=new_owner.name, task_id=task.id)
    old_owner = task.owner_id
    _reassign(ctx, task, new_owner.user_id, note=None)
    recipients.tell(ctx, task, "assigned", [new_owner.user_id])
    recipients.tell(ctx, task, "unassigned", [old_owner])
    following = [task.requester_id, *recipients.watchers_of(ctx, task)]
    recipients.tell(ctx, task, "reassigned", following, fyi=True)
    threads.progress(ctx, task, "reassigned")
    recipients.refresh_card(ctx, task)
    return task_reply(ctx, "assigned_ok", task, task_id=task.id, owner=new_owner.name)


def _reassign(ctx: Context, task: Task, new_owner_id: str, *, note: str | None) -> None:
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="assign",
        at=ctx.now,
        from_value=task.owner_id,
        to_value=new_owner_id,
        note=note,
    )
    task.owner_id = new_owner_id
    task.updated_at = ctx.now
    task.assigned_at = ctx.now  # the new owner's response promise starts now


def set_due(ctx: Context, cmd: SetDue) -> Reply:
    task = get_task(ctx, cmd.task_id)
    require_editor(ctx, task)
    due = parse_when(cmd.when, now=ctx.now, tz=ctx.actor.tz)
    old = task.due_at
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="due",
        at=ctx.now,
        from_value=old.isoformat() if old else None,
        to_value=due.isoformat(),
    )
    task.due_at = due
    task.updated_at = ctx.now
    recipients.tell(ctx, task, "due", [task.owner_id])
    recipients.tell(ctx, task, "due", [task.requester_id, *recipients.watchers_of(ctx, task)], fyi=True)
    if old is not None and due > old:
        tell_dependents(ctx, task, "upstream_slipped")
    threads.progress(ctx, task, "due")
    recipients.refresh_card(ctx, task)
    dept = ctx.session.get(Department, task.owning_department_id)
    day_off = off_day(ctx, dept, due)
    if day_off and dept is not None:
        return task_reply(ctx, "due_ok_day_off", task, task_id=task.id, due=due, day=day_off, dept=dept.name)
    return task_reply(ctx, "due_ok", task, task_id=task.id, due=due)


def set_priority(ctx: Context, cmd: SetPriority) -> Reply:
    task = get_task(ctx, cmd.task_id)
    require_editor(ctx, task)
    if task.priority == cmd.priority.value:
        return task_reply(ctx, "no_change")
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="priority",
        at=ctx.now,
        from_value=task.priority,
        to_value=cmd.priority.value,
    )
    task.priority = cmd.priority.value
    task.updated_at = ctx.now
    recipients.tell(ctx, task, "priority", [task.owner_id])
    recipients.refresh_card(ctx, task)
    return task_reply(
        ctx, "priority_ok", task, task_id=task.id, priority=t(ctx.actor.locale, f"priority_{task.priority}")
    )


def snooze(ctx: Context, cmd: Snooze) -> Reply:
    """Leave a task out of the owner's overdue reminders until the start of their next working day."""
    task = get_task(ctx, cmd.task_id)
    require_open(ctx, task)
    if ctx.actor.user_id != task.owner_id and not is_lead(ctx, task):
        verb = MOVE_VERB[ctx.actor.locale]["snooze"]
        raise NotAllowed("not_allowed_move", who=WHO[ctx.actor.locale]["owner"], move=verb, task_id=task.id)
    cal = Calendars(ctx.session, ctx.config.default_tz).for_person(task.owner_id)
    tomorrow = datetime.combine(cal.local_date(ctx.now) + timedelta(days=1), time(0), cal.tz)
    until = cal.next_working_start(tomorrow)
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="snooze",
        at=ctx.now,
        to_value=until.isoformat(),
    )
    task.snoozed_until = until
    return task_reply(ctx, "snoozed_ok", task, task_id=task.id, until=until)


def depends(ctx: Context, cmd: Depends) -> Reply:
    task = get_task(ctx, cmd.task_id)
    upstream = get_task(ctx, cmd.on_id)
    require_open(ctx, task)
    uid = ctx.actor.user_id
    if uid not in (task.owner_id, task.requester_id) and not is_lead(ctx, task):
        raise NotAllowed("not_allowed_edit", task_id=task.id)
    if _reaches(ctx, start=cmd.on_id, target=cmd.task_id):
        raise NotAllowed("depends_cycle", task_id=cmd.task_id, on_id=cmd.on_id)
    if ctx.session.get(TaskDependency, (cmd.task_id, cmd.on_id)) is None:
        ctx.session.add(TaskDependency(task_id=cmd.task_id, depends_on_id=cmd.on_id))
        task_store.record_event(
            session=ctx.session,
            task_id=cmd.task_id,
            actor_id=uid,
            action="depends",
            at=ctx.now,
            to_value=f"T-{upstream.id}",
        )
        recipients.tell(ctx, task, "depends", [task.owner_id], data={"on_id": upstream.id})
        recipients.refresh_card(ctx, task)
    return task_reply(ctx, "depends_ok", task, task_id=task.id, on_id=upstream.id)


def _reaches(ctx: Context, *, start: int, target: int) -> bool:
    """Does `start` already wait, directly or not, for `target`?"""
    seen, frontier = {start}, [start]
    while frontier:
        current = frontier.pop()
        if current == target:
            return True
        for nxt in task_store.waits_for(session=ctx.session, task_id=current):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def handover(ctx: Context, cmd: Handover) -> Reply:
    giver = people.person(ctx.session, cmd.from_person)
    taker = people.person(ctx.session, cmd.to_person)
    if giver.user_id == taker.user_id:
        raise NotAllowed("same_person")
    dept = ctx.session.get(Department, giver.department_id) if giver.department_id else None
    if not ctx.actor.is_admin and not (dept is not None and dept.lead_id == ctx.actor.user_id):
        raise NotAllowed("not_allowed_handover", name=giver.name)
    tasks = task_store.open_tasks_owned_by(session=ctx.session, owner_id=giver.user_id, statuses=NOT_CLOSED)
    if not tasks:
        raise NotFound("nothing_to_hand_over", name=giver.name)
    for task in tasks:
        _reassign(ctx, task, taker.user_id, note="handover")
        following = [task.requester_id, *recipients.watchers_of(ctx, task)]
        recipients.tell(ctx, task, "reassigned", following, fyi=True)
        threads.progress(ctx, task, "reassigned")
        recipients.refresh_card(ctx, task)
    ids = ", ".join(f"T-{task.id}" for task in tasks)
    common = {"count": len(tasks), "ids": ids, "from_name": giver.name, "to_name": taker.name}
    recipients.tell_user(ctx, taker.user_id, "handover_in", common)
    recipients.tell_user(ctx, giver.user_id, "handover_out", common)
    return task_reply(ctx, "handover_ok", **common)
