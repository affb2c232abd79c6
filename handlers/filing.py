"""Filing a task (SPEC §2, §8): owner, department, type, due date; the reply built from what is in
hand. The request path's hottest command: nothing just written is read back."""

from __future__ import annotations

from handlers import intake, people, recipients
from handlers.command_parser import check_title
from handlers.commands import NewTask, PersonRef
from handlers.context import Context
from handlers.dates import parse_when
from handlers.errors import NotFound
from handlers.lifecycle import Status
from handlers.results import Reply, Text
from handlers.task_access import off_day
from handlers.task_talk import add_watcher
from handlers.views import people_in, view_of
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Department, RequestType, Task


def file_task(ctx: Context, cmd: NewTask) -> Reply:
    check_title(cmd.title.strip())
    # The speaker and a named owner, with their departments, in one lookup (the request type's
    # department is the owner's when none is named).
    named = cmd.owner is not None and not cmd.dept
    refs = [_self_ref(ctx), cmd.owner] if named and cmd.owner is not None else [_self_ref(ctx)]
    # Whether the title's first word is a request type of the owner's department, in the same lookup.
    word = cmd.title.partition(" ")[0].lower()
    known = people.people_and_departments(ctx.session, refs, type_named=word)
    speaker, speaker_dept = known[0]
    named_owner, owner_dept = known[1] if named else (None, None)
    owner_type = (word, owner_dept.type_id) if isinstance(owner_dept, people_store.DeptBrief) else None
    cmd, rtype = intake.with_request_type(ctx, cmd, owner=named_owner, owner_type=owner_type)
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

    values = dict(
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
        **intake.type_values(rtype),
    )
    task = task_store.insert_task(session=ctx.session, values=values)  # not an object in the session
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
        add_watcher(ctx, task, people.person(ctx.session, ref).user_id)
    recipients.tell(ctx, task, "assigned", [owner.user_id])
    recipients.refresh_card(ctx, task)
    day_off = off_day(ctx, dept, due)
    note = {"day": day_off, "dept": dept.name} if day_off else {}
    key = "filed_day_off" if day_off else "filed"
    params = {"task_id": task.id, "owner": owner.name, **note}
    depts = (dept.name, speaker_dept.name if speaker_dept is not None else None)
    in_hand = {m.user_id: m.name for m in (speaker, owner)}
    if isinstance(dept, people_store.DeptBrief) and dept.lead_name is not None:
        in_hand.setdefault(dept.lead_id, dept.lead_name)
    reply = _filed_reply(ctx, Text(key, params), task, depts, in_hand, rtype, cmd.fields)
    # Where no public card is posted (a DM with the bot), the speaker's reply carries the card.
    return reply if recipients.has_public_card(task) else Reply(**{**reply.__dict__, "kind": "task"})


def _filed_reply(
    ctx: Context,
    text: Text,
    task: Task,
    depts: tuple[str, str | None],
    names_in_hand: dict[str, str],
    rtype: RequestType | None,
    fields: tuple[tuple[str, str], ...],
) -> Reply:
    """The reply to filing, from what is in hand: the owning and requesting departments' names, the
    names of the speaker, the owner and (mostly) the lead. Nothing just written is read back."""
    order = {s.name: i for i, s in enumerate(intake.specs_of(rtype))} if rtype is not None else {}
    view = view_of(
        task,
        owning_dept=depts[0],
        requesting_dept=depts[1],
        request_type=rtype.name if rtype is not None else None,
        fields=tuple(sorted(fields, key=lambda f: order.get(f[0], 99))) if rtype is not None else (),
        watchers=(),
    )
    names = dict(names_in_hand)
    missing = [u for u in people_in([view]) if u and u not in names]
    if missing:
        names |= people_store.member_names(session=ctx.session, user_ids=missing)
    return Reply(kind="message", text=text, task=view, names=names)


def _thread_of(ctx: Context, cmd: NewTask) -> str | None:
    """The thread a task filed from a message answers in (its card, then its progress)."""
    return cmd.source_thread if ctx.conversation != "direct" and ctx.channel_id else None


def _self_ref(ctx: Context) -> PersonRef:
    return PersonRef(user_id=ctx.actor.user_id, name=ctx.actor.name)
