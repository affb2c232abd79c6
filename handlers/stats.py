"""A department's numbers for a period: the weekly digest and `/task stats` (SPEC §5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from sqlmodel import Session, col

from handlers.calendars import Calendars
from handlers.commands import DeptRef, Stats
from handlers.context import Context
from handlers.errors import InvalidInput, NotFound
from handlers.lifecycle import ACTIVE, Status
from handlers.people import department
from handlers.results import Reply
from storage import intake as intake_store
from storage import people as people_store
from storage import tasks as task_store
from storage.models import Department, Task

OLDEST = 3
WAITS_ON = 3


@dataclass(frozen=True)
class DeptStats:
    dept: str
    start: date  # first day, in the department's zone
    end: date  # last day
    due: int  # tasks due in the period
    on_time: int  # of those, done by their due time
    done: int  # tasks finished in the period
    verified: int  # of those, verified by their requester
    median_ack_hours: float | None  # working hours from assignment to acknowledgement
    overdue_now: int
    oldest: tuple[tuple[int, str], ...]  # (task id, title) of the oldest open tasks
    waits_on: tuple[tuple[str, int], ...]  # (department, open requests) this department waits on
    rating_avg: float | None = None  # the requesters' ratings given in the period
    rating_count: int = 0


def dept_stats(
    session: Session, dept: Department, *, start_day: date, days: int, now: datetime, default_tz: str
) -> DeptStats:
    cal = Calendars(session, default_tz).for_department(dept)
    start = datetime.combine(start_day, datetime.min.time(), cal.tz)
    end = datetime.combine(start_day + timedelta(days=days), datetime.min.time(), cal.tz)
    assert dept.id is not None
    mine = Task.owning_department_id == dept.id
    due = task_store.owned_tasks_due_between(session=session, department_id=dept.id, start=start, end=end)
    on_time = sum(1 for t in due if t.done_at is not None and t.due_at is not None and t.done_at <= t.due_at)
    done = task_store.owned_tasks_done_between(session=session, department_id=dept.id, start=start, end=end)
    verified = sum(1 for t in done if t.status == Status.VERIFIED.value)
    acked = task_store.owned_tasks_acknowledged_between(
        session=session, department_id=dept.id, start=start, end=end
    )
    waits = [
        cal.working_hours_between(t.assigned_at or t.created_at, t.acknowledged_at)
        for t in acked
        if t.acknowledged_at is not None
    ]
    active = col(Task.status).in_([s.value for s in ACTIVE])
    _, overdue_now = task_store.tasks_where(
        session=session, conditions=[mine, active, col(Task.due_at) < now], limit=0
    )
    # Titles go to a channel: never a private task's.
    oldest = task_store.oldest_public_tasks(
        session=session, department_id=dept.id, statuses=[s.value for s in ACTIVE], limit=OLDEST
    )
    requested = task_store.departments_asked(session=session, department_id=dept.id, start=start, end=end)
    names = people_store.department_names(session=session, ids=requested)
    counts = Counter(names.get(d or -1, "?") for d in requested)
    rating_avg, rating_count = intake_store.ratings(
        session=session, department_id=dept.id, since=start, until=end
    )
    return DeptStats(
        dept=dept.name,
        start=start_day,
        end=start_day + timedelta(days=days - 1),
        due=len(due),
        on_time=on_time,
        done=len(done),
        verified=verified,
        median_ack_hours=median(waits) if waits else None,
        overdue_now=overdue_now,
        oldest=tuple((t.id or 0, t.title) for t in oldest),
        waits_on=tuple(counts.most_common(WAITS_ON)),
        rating_avg=rating_avg,
        rating_count=rating_count,
    )


def last_weeks(tz_day: date, weeks: int) -> tuple[date, int]:
    """The first day and length of the `weeks` full weeks before the current one."""
    monday = tz_day - timedelta(days=tz_day.weekday())
    return monday - timedelta(days=7 * weeks), 7 * weeks


def stats(ctx: Context, cmd: Stats) -> Reply:
    if cmd.dept:
        dept = department(ctx.session, DeptRef(name=cmd.dept))
    else:
        me = people_store.member(session=ctx.session, user_id=ctx.actor.user_id)
        found = ctx.session.get(Department, me.department_id) if me and me.department_id else None
        if found is None:
            raise NotFound("dept_missing")
        dept = found
    if not 1 <= cmd.weeks <= 52:
        raise InvalidInput("weeks_bad")
    cal = Calendars(ctx.session, ctx.config.default_tz).for_department(dept)
    start, days = last_weeks(ctx.now.astimezone(cal.tz).date(), cmd.weeks)
    numbers = dept_stats(
        ctx.session, dept, start_day=start, days=days, now=ctx.now, default_tz=ctx.config.default_tz
    )
    return Reply(kind="stats", stats=numbers)
