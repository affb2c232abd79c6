"""Task flows (SPEC §2–§3): filing, moves, changes, talk, dependencies, handover, lists."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session, col

from handlers import intake, people, ratings, recipients, threads
from handlers.calendars import Calendars, department_calendar
from handlers.commands import (
    Assign,
    Comment,
    Depends,
    Handover,
    ListTasks,
    Move,
    NewTask,
    PersonRef,
    SetDue,
    SetPriority,
    ShowTask,
    Snooze,
    Watch,
    check_title,
)
from handlers.context import Context
from handlers.dates import parse_when
from handlers.errors import NotAllowed, NotFound
from handlers.i18n import MOVE_VERB, WHO, t
from handlers.lifecycle import (
    ACTIVE,
    CLOSED,
    NOT_CLOSED,
    OWNER_MOVES,
    REQUESTER_MOVES,
    Status,
    moves_for,
    path_for,
)
from handlers.results import Reply, Text
from handlers.views import people_in, task_card, task_view, task_views, view_of
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Department, RequestType, Task, TaskDependency, TaskWatcher

LIST_LIMIT = 40  # one page; a chat message holds only so many blocks (50)


# ---- looking up and permissions -------------------------------------------------------------


def get_task(ctx: Context, task_id: int) -> Task:
    task = task_store.task(session=ctx.session, task_id=task_id)
    if task is None:
        raise NotFound("task_not_found", task_id=task_id)
    return task


def is_lead(ctx: Context, task: Task) -> bool:
    """Accountable for the task: its accountable person, the owning department's lead, or an admin."""
    uid = ctx.actor.user_id
    if ctx.actor.is_admin or uid == task.accountable_id:
        return True
    dept = ctx.session.get(Department, task.owning_department_id) if task.owning_department_id else None
    return dept is not None and dept.lead_id == uid


def _involved(ctx: Context, task: Task) -> bool:
    uid = ctx.actor.user_id
    return uid in (task.requester_id, task.owner_id, task.accountable_id) or uid in recipients.watchers_of(
        ctx, task
    )


def require_open(ctx: Context, task: Task) -> None:
    if task.status in CLOSED:
        raise NotAllowed("task_closed", task_id=task.id, status=t(ctx.actor.locale, f"status_{task.status}"))


def require_editor(ctx: Context, task: Task) -> None:
    """Title, due date and priority: the requester, the accountable lead, or an admin."""
    require_open(ctx, task)
    if ctx.actor.user_id != task.requester_id and not is_lead(ctx, task):
        raise NotAllowed("not_allowed_edit", task_id=task.id)


def _reply(ctx: Context, key: str, task: Task | None = None, **params: object) -> Reply:
    view, names = task_card(ctx.session, task) if task is not None else (None, {})
    return Reply(kind="message", text=Text(key, dict(params)), task=view, names=names)


def _name(ctx: Context, user_id: str) -> str:
    return people_store.member_names(session=ctx.session, user_ids=[user_id]).get(user_id, user_id)


# ---- filing ----------------------------------------------------------------------------------


def file_task(ctx: Context, cmd: NewTask) -> Reply:
    check_title(cmd.title.strip())
    # The speaker and a named owner, with their departments, in one lookup (the request type's
    # department is the owner's when none is named).
    named = cmd.owner is not None and not cmd.dept
    refs = [_self_ref(ctx), cmd.owner] if named and cmd.owner is not None else [_self_ref(ctx)]
    known = people.people_and_departments(ctx.session, refs)
    speaker, speaker_dept = known[0]
    named_owner, owner_dept = known[1] if named else (None, None)
    cmd, rtype = intake.with_request_type(ctx, cmd, owner=named_owner)  # its fields and rules
    triage: intake.Triage | None = None
    named_dept = people.department(ctx.session, cmd.dept) if cmd.dept else None
    dept: people.SomeDept | None = named_dept
    owner: people.Someone
    if cmd.owner is not None:
        owner = named_owner or people.someone(ctx.session, cmd.owner)
        if dept is None:
            if owner.department_id is None:
                raise NotFound("owner_without_dept", name=owner.name)
            dept = owner_dept or ctx.session.get(Department, owner.department_id)
    elif named_dept is not None:
        triage = intake.triage_owner(ctx, named_dept, rtype)
        owner = triage.owner
    else:
        raise NotFound("owner_or_dept_missing")
    assert dept is not None and dept.id is not None
    due = parse_when(cmd.due, now=ctx.now, tz=ctx.actor.tz) if cmd.due else None

    task = Task(
        title=cmd.title,
        details=cmd.details,
        priority=(cmd.priority or "normal"),
        status=Status.OPEN,
        requester_id=ctx.actor.user_id,
        requesting_department_id=speaker.department_id,
        owner_id=owner.user_id,
        accountable_id=dept.lead_id,
        owning_department_id=dept.id,
        due_at=due,
        # A task filed in a direct conversation with the bot has no public card: the reply carries it.
        source_channel=ctx.channel_id if ctx.conversation != "direct" else None,
        source_link=cmd.source_link,
        source_thread=_thread_of(ctx, cmd),
        created_at=ctx.now,
        updated_at=ctx.now,
        assigned_at=ctx.now,
        private=ctx.channel_private,
    )
    intake.of_type(task, rtype)
    task_store.insert_task(session=ctx.session, task=task)  # the object stays out of the session
    assert task.id is not None
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="created",
        at=ctx.now,
        to_value=owner.user_id,
    )
    intake.after_filing(ctx, task, rtype, cmd.fields, triage)
    for ref in cmd.watchers:
        _add_watcher(ctx, task, people.person(ctx.session, ref).user_id)
    recipients.tell(ctx, task, "assigned", [owner.user_id])
    recipients.refresh_card(ctx, task)
    day_off = _day_off(ctx, dept, due)
    note = {"day": day_off, "dept": dept.name} if day_off else {}
    key = "filed_day_off" if day_off else "filed"
    params = {"task_id": task.id, "owner": owner.name, **note}
    depts = (dept.name, speaker_dept.name if speaker_dept is not None else None)
    reply = _filed_reply(ctx, Text(key, params), task, depts, (speaker, owner), rtype, cmd.fields)
    # Where no public card is posted (a DM with the bot), the speaker's reply carries the card.
    return reply if recipients.has_public_card(task) else Reply(**{**reply.__dict__, "kind": "task"})


def _filed_reply(
    ctx: Context,
    text: Text,
    task: Task,
    depts: tuple[str, str | None],
    people_in_hand: tuple[people.Someone, people.Someone],
    rtype: RequestType | None,
    fields: tuple[tuple[str, str], ...],
) -> Reply:
    """The reply to filing, from what is in hand: the owning and requesting departments' names, the
    speaker and the owner. Nothing just written is read back."""
    order = {s.name: i for i, s in enumerate(intake.specs_of(rtype))} if rtype is not None else {}
    view = view_of(
        task,
        owning_dept=depts[0],
        requesting_dept=depts[1],
        request_type=rtype.name if rtype is not None else None,
        fields=tuple(sorted(fields, key=lambda f: order.get(f[0], 99))) if rtype is not None else (),
        watchers=(),
    )
    names = {m.user_id: m.name for m in people_in_hand}
    missing = [u for u in people_in([view]) if u and u not in names]
    if missing:
        names |= people_store.member_names(session=ctx.session, user_ids=missing)
    return Reply(kind="message", text=text, task=view, names=names)


def _thread_of(ctx: Context, cmd: NewTask) -> str | None:
    """The thread a task filed from a message answers in (its card, then its progress)."""
    return cmd.source_thread if ctx.conversation != "direct" and ctx.channel_id else None


def _self_ref(ctx: Context) -> PersonRef:
    return PersonRef(user_id=ctx.actor.user_id, name=ctx.actor.name)


def _ref(user_id: str) -> PersonRef:
    return PersonRef(user_id=user_id, name=user_id)


# ---- moves -----------------------------------------------------------------------------------


def move_task(ctx: Context, cmd: Move) -> Reply:
    task = get_task(ctx, cmd.task_id)
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
        return _reply(ctx, "already", task, task_id=task.id)  # a second press of the same button
    if steps is None:
        status = t(ctx.actor.locale, f"status_{task.status}")
        raise NotAllowed("bad_transition", task_id=task.id, status=status, move=verb)
    assert task.id is not None
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
        _stamp(task, step, ctx.now)
        task.status = after.value
    task.updated_at = ctx.now
    _tell_about_move(ctx, task, cmd)
    if cmd.move == "verify":
        ratings.after_verify(ctx, task, cmd.rating, cmd.note)
    threads.progress(ctx, task, cmd.move, note=cmd.note)
    recipients.refresh_card(ctx, task)
    return _reply(ctx, f"moved_{cmd.move}", task, task_id=task.id)


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


def _stamp(task: Task, step: str, now: datetime) -> None:
    if step == "ack":
        task.acknowledged_at = now
    elif step == "done":
        task.done_at = now
    elif step in ("verify", "cancel"):
        task.closed_at = now
    elif step == "reopen":
        task.done_at = None


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
        _tell_dependents(ctx, task, "upstream_done")
    elif cmd.move in ("verify", "reopen", "cancel"):
        recipients.tell(ctx, task, cmd.move, [task.owner_id], note=note)
        recipients.tell(ctx, task, cmd.move, following, note=note, fyi=True)


def _tell_dependents(ctx: Context, upstream: Task, event: str) -> None:
    assert upstream.id is not None
    for downstream in task_store.dependents(session=ctx.session, task_id=upstream.id):
        if downstream.status in NOT_CLOSED:
            recipients.tell(ctx, downstream, event, [downstream.owner_id], data={"upstream_id": upstream.id})


# ---- changes ---------------------------------------------------------------------------------


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
    return _reply(ctx, "assigned_ok", task, task_id=task.id, owner=new_owner.name)


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
        _tell_dependents(ctx, task, "upstream_slipped")
    threads.progress(ctx, task, "due")
    recipients.refresh_card(ctx, task)
    dept = ctx.session.get(Department, task.owning_department_id)
    day_off = _day_off(ctx, dept, due)
    if day_off and dept is not None:
        return _reply(ctx, "due_ok_day_off", task, task_id=task.id, due=due, day=day_off, dept=dept.name)
    return _reply(ctx, "due_ok", task, task_id=task.id, due=due)


def _day_off(ctx: Context, dept: people.SomeDept | None, due: datetime | None) -> str | None:
    """The due day, when it falls on a day the owning department does not work: accepted, with a note."""
    if due is None or dept is None:
        return None
    calendar = department_calendar(dept, ctx.config.default_tz)
    day = calendar.local_date(due)
    return None if calendar.is_working_day(day) else day.isoformat()


def set_priority(ctx: Context, cmd: SetPriority) -> Reply:
    task = get_task(ctx, cmd.task_id)
    require_editor(ctx, task)
    if task.priority == cmd.priority.value:
        return _reply(ctx, "no_change")
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
    return _reply(
        ctx, "priority_ok", task, task_id=task.id, priority=t(ctx.actor.locale, f"priority_{task.priority}")
    )


# ---- talk and following ----------------------------------------------------------------------


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
    return _reply(ctx, "comment_ok", task_id=task.id)


def watch(ctx: Context, cmd: Watch) -> Reply:
    task = get_task(ctx, cmd.task_id)
    if ctx.actor.user_id not in recipients.watchers_of(ctx, task):
        _add_watcher(ctx, task, ctx.actor.user_id)
        assert task.id is not None
        task_store.record_event(
            session=ctx.session, task_id=task.id, actor_id=ctx.actor.user_id, action="watch", at=ctx.now
        )
    return _reply(ctx, "watch_ok", task_id=task.id)


def _add_watcher(ctx: Context, task: Task, user_id: str) -> None:
    assert task.id is not None
    if ctx.session.get(TaskWatcher, (task.id, user_id)) is None:
        ctx.session.add(TaskWatcher(task_id=task.id, user_id=user_id))


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
    return _reply(ctx, "depends_ok", task, task_id=task.id, on_id=upstream.id)


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
    return _reply(ctx, "handover_ok", **common)


# ---- reading ---------------------------------------------------------------------------------


def show(ctx: Context, cmd: ShowTask) -> Reply:
    task = get_task(ctx, cmd.task_id)
    if task.private and not _involved(ctx, task):
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
    return _reply(ctx, "snoozed_ok", task, task_id=task.id, until=until)
