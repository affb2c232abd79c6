"""Recurring requests (SPEC §8): `/task repeat <id> every …` files a fresh copy of a task on a schedule, in
the requester's working calendar, once per period.

The sweep (handlers.reminders.Planner) calls `file_due`. A schedule's `next_at` is claimed with a
compare-and-set before the copy is filed, and the copy carries a unique "<schedule>:<period>" key, so a
second sweep, a restart or a second replica never files a period twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from handlers.calendars import Calendars
from handlers.commands import DeptRef, NewTask, PersonRef
from handlers.context import Actor, Config, Context
from handlers.errors import NotAllowed, NotFound
from handlers.intake_commands import WEEKDAYS, RepeatList, RepeatSet, RepeatStop
from handlers.lifecycle import Priority
from handlers.people import reader_locale, zone
from handlers.results import Reply, Text
from handlers.worktime import WorkCalendar
from storage import intake as intake_store
from storage import tasks as task_store
from storage.models import Department, Member, RepeatSchedule, Task

HORIZON = 400  # days looked ahead for the next occurrence


@dataclass(frozen=True)
class Occurrence:
    period: date  # the day the rule names
    at: datetime  # when the copy is filed: that day, or the next working day for a weekly or monthly rule


def _matches(rule: str, day: date) -> bool:
    if rule == "day":
        return True
    if rule == "weekday":
        return day.weekday() < 5
    if rule.startswith("month:"):
        return day.day == int(rule.split(":")[1])
    return day.weekday() == WEEKDAYS.index(rule)


def next_occurrence(cal: WorkCalendar, rule: str, at: str, after: datetime) -> Occurrence | None:
    """The first occurrence filed after `after`. A daily rule skips days off; a weekly or monthly one moves
    to the next working day (and gives way when that reaches its next occurrence)."""
    hour, minute = (int(p) for p in at.split(":"))
    day = cal.local_date(after) - timedelta(days=31)  # a period moved past days off may fire after `after`
    periods = [day + timedelta(days=i) for i in range(HORIZON) if _matches(rule, day + timedelta(days=i))]
    for i, period in enumerate(periods):
        fire_day = period
        if rule in ("day", "weekday"):
            if not cal.is_working_day(period):
                continue
        else:
            while not cal.is_working_day(fire_day) and fire_day < period + timedelta(days=31):
                fire_day += timedelta(days=1)
            if i + 1 < len(periods) and fire_day >= periods[i + 1]:
                continue
        fire = datetime.combine(fire_day, time(hour, minute), cal.tz)
        if fire > after:
            return Occurrence(period, fire)
    return None


def _calendar(session: Session, user_id: str, default_tz: str) -> WorkCalendar:
    return Calendars(session, default_tz).for_person(user_id)


# ---- commands --------------------------------------------------------------------------------


def repeat_set(ctx: Context, cmd: RepeatSet) -> Reply:
    from handlers.task_access import get_task, is_lead

    task = get_task(ctx, cmd.task_id)
    if ctx.actor.user_id != task.requester_id and not is_lead(ctx, task):
        raise NotAllowed("not_allowed_edit", task_id=task.id)
    cal = _calendar(ctx.session, task.requester_id, ctx.config.default_tz)
    nxt = next_occurrence(cal, cmd.rule, cmd.at, ctx.now)
    if nxt is None:
        raise NotAllowed("repeat_never", task_id=task.id)
    assert task.id is not None
    old = intake_store.repeat_for_task(session=ctx.session, task_id=task.id)
    if old is not None:
        old.active = False  # one schedule per task: the new one replaces it
    sched = RepeatSchedule(
        task_id=task.id, rule=cmd.rule, at_time=cmd.at, created_by=ctx.actor.user_id, next_at=nxt.at,
        created_at=ctx.now,
    )  # fmt: skip
    ctx.session.add(sched)
    ctx.session.flush()
    task_store.record_event(
        session=ctx.session,
        task_id=task.id,
        actor_id=ctx.actor.user_id,
        action="repeat",
        at=ctx.now,
        to_value=describe(sched),
    )
    return Reply(
        kind="message", text=Text("repeat_ok", {"task_id": task.id, "rule": describe(sched), "next": nxt.at})
    )


def repeat_list(ctx: Context, _cmd: RepeatList) -> Reply:
    rows = intake_store.repeats_by(session=ctx.session, user_id=ctx.actor.user_id)
    if not rows:
        return Reply(kind="message", text=Text("repeat_none"))
    tz = ctx.actor.tz
    lines = [f"T-{r.task_id} · {describe(r)} · {r.next_at.astimezone(tz):%Y-%m-%d %H:%M}" for r in rows]
    return Reply(kind="message", text=Text("repeat_list", {"lines": "\n".join(lines)}))


def repeat_stop(ctx: Context, cmd: RepeatStop) -> Reply:
    from handlers.task_access import get_task, is_lead

    task = get_task(ctx, cmd.task_id)
    sched = intake_store.repeat_for_task(session=ctx.session, task_id=cmd.task_id)
    if sched is None:
        raise NotFound("repeat_unknown", task_id=cmd.task_id)
    if ctx.actor.user_id not in (task.requester_id, sched.created_by) and not is_lead(ctx, task):
        raise NotAllowed("not_allowed_edit", task_id=task.id)
    sched.active = False
    task_store.record_event(
        session=ctx.session, task_id=cmd.task_id, actor_id=ctx.actor.user_id, action="repeat_stop", at=ctx.now
    )
    return Reply(kind="message", text=Text("repeat_stopped", {"task_id": cmd.task_id}))


def describe(sched: RepeatSchedule) -> str:
    rule = sched.rule.replace(":", " ")
    return f"every {rule} at {sched.at_time}"


# ---- the sweep -------------------------------------------------------------------------------


def file_due(session: Session, *, now: datetime, default_tz: str) -> list[int]:
    """File the copy of every schedule whose time has come; the ids of the copies filed."""
    filed: list[int] = []
    for sched in intake_store.repeats_due(session=session, now=now):
        original = session.get(Task, sched.task_id)
        assert original is not None and sched.id is not None
        cal = _calendar(session, original.requester_id, default_tz)
        this = next_occurrence(cal, sched.rule, sched.at_time, sched.next_at - timedelta(seconds=1))
        later = next_occurrence(cal, sched.rule, sched.at_time, max(now, sched.next_at))
        claimed = intake_store.claim_repeat(
            session=session,
            schedule_id=sched.id,
            expected=sched.next_at,
            next_at=later.at if later else None,
        )
        if not claimed or this is None:
            continue  # another sweep took this period
        key = f"{sched.id}:{this.period.isoformat()}"
        if intake_store.copy_filed(session=session, repeat_key=key):
            continue
        filed.append(_copy(session, original, sched, key, now=now, default_tz=default_tz))
    return filed


def _copy(
    session: Session, original: Task, sched: RepeatSchedule, key: str, *, now: datetime, default_tz: str
) -> int:
    from handlers.filing import file_task

    assert original.id is not None
    member = session.get(Member, original.requester_id)
    actor = Actor(
        user_id=original.requester_id,
        name=member.name if member else original.requester_id,
        tz=zone(member.tz if member else None, default_tz),
        locale=reader_locale(member),
        is_admin=bool(member and member.is_admin),
    )
    conversation = "private" if original.private else ("channel" if original.source_channel else "direct")
    ctx = Context(
        session=session,
        now=now,
        actor=actor,
        channel_id=original.source_channel,
        config=Config(default_tz=default_tz),
        conversation=conversation,  # type: ignore[arg-type]
    )
    dept = session.get(Department, original.owning_department_id) if original.owning_department_id else None
    history = task_store.history(session=session, task_id=original.id)
    by_rule = any(e.action == "triage" for e in history) or (
        dept is not None and original.owner_id == dept.lead_id
    )
    type_names = intake_store.type_names(session=session, ids=[original.request_type_id])
    type_word = type_names.get(original.request_type_id or -1)
    fields = intake_store.task_fields(session=session, task_ids=[original.id]).get(original.id, [])
    cmd = NewTask(
        title=f"{type_word} {original.title}" if type_word else original.title,
        owner=None if by_rule else PersonRef(user_id=original.owner_id, name=original.owner_id),
        dept=DeptRef(name=dept.name) if dept else None,
        priority=Priority(original.priority),
        details=original.details,
        source_link=original.source_link,
        fields=tuple(fields),
    )
    reply = file_task(ctx, cmd)
    assert reply.task is not None
    copy = session.get(Task, reply.task.id)
    assert copy is not None and copy.id is not None
    copy.repeat_key = key
    if original.due_at is not None:
        copy.due_at = now + (original.due_at - original.created_at)  # the same distance ahead
    task_store.record_event(
        session=session,
        task_id=copy.id,
        actor_id=original.requester_id,
        action="repeat_copy",
        at=now,
        from_value=f"T-{original.id}",
        note=f"repeat #{sched.id}: {describe(sched)} ({key.split(':')[1]})",
    )
    session.flush()
    return copy.id
