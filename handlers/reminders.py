"""What the scheduler sends (SPEC §5), decided for one instant.

Each planned message has a key — kind, subject, recipient, period — that the outbox stores under a
unique constraint, so planning the same instant twice, on two replicas or after a restart, queues
nothing new. Nothing goes out outside the recipient's working time; work missed while the bot was
down is planned at the next sweep, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from handlers import standups
from handlers.calendars import Calendars
from handlers.lifecycle import ACTIVE, Priority, Status
from handlers.worktime import WorkCalendar
from storage.models import Department, Standup, StandupRun, Task

log = logging.getLogger("baton.scheduler")
_MISSED_LOGGED: set[tuple[int | None, date]] = set()  # only so the log line appears once per process

DUE_SOON_HOURS = 24
DUE_SOON_URGENT_HOURS = 2
OVERDUE_LEAD_DAYS = 1
OVERDUE_CHANNEL_DAYS = 3
VERIFY_REMINDER_DAYS = 2


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str  # "dm" or "post" (a channel message)
    recipient: str
    event: str
    task_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _day_hours(cal: WorkCalendar) -> float:
    start = datetime.combine(datetime(2000, 1, 3).date(), cal.start)
    end = datetime.combine(datetime(2000, 1, 3).date(), cal.end)
    return (end - start).total_seconds() / 3600


class Planner:
    def __init__(self, session: Session, *, now: datetime, default_tz: str) -> None:
        self.session = session
        self.now = now
        self.cal = Calendars(session, default_tz)
        self.planned: list[Planned] = []

    def at_work(self, user_id: str) -> bool:
        return self.cal.for_person(user_id).is_working_time(self.now)

    def dept_of(self, task: Task) -> Department | None:
        return self.cal.departments.get(task.owning_department_id) if task.owning_department_id else None

    def add(self, planned: Planned) -> None:
        self.planned.append(planned)

    # -- the rules ----------------------------------------------------------------------------

    def acknowledgement_promises(self) -> None:
        """Not acknowledged within the promise: the owner; at twice the promise, the accountable lead."""
        shortest = min((d.sla_hours for d in self.cal.departments.values()), default=4)
        # Working time passes no faster than wall time, so nothing younger than the shortest promise is due.
        stmt = select(Task).where(
            Task.status == Status.OPEN.value,
            or_(
                col(Task.assigned_at) <= self.now - timedelta(hours=shortest), col(Task.assigned_at).is_(None)
            ),
        )
        tasks = self.session.exec(stmt).all()
        self.cal.load_people({t.owner_id for t in tasks} | {t.accountable_id for t in tasks})
        for task in tasks:
            dept = self.dept_of(task)
            promise = dept.sla_hours if dept else 4
            start = task.assigned_at or task.created_at
            cal = self.cal.for_department(dept)
            since = start.isoformat()
            if self.now >= cal.add_working_hours(start, promise) and self.at_work(task.owner_id):
                self.add(
                    Planned(
                        f"ack_nudge:{task.id}:{task.owner_id}:{since}",
                        "dm",
                        task.owner_id,
                        "ack_nudge",
                        task.id,
                        {"hours": promise},
                    )
                )
            lead = task.accountable_id
            if (
                lead != task.owner_id
                and self.now >= cal.add_working_hours(start, 2 * promise)
                and self.at_work(lead)
            ):
                self.add(
                    Planned(
                        f"ack_escalate:{task.id}:{lead}:{since}",
                        "dm",
                        lead,
                        "ack_escalate",
                        task.id,
                        {"hours": 2 * promise},
                    )
                )

    def due_soon(self) -> None:
        """24 working hours before due (2 for urgent): the owner, once per due date."""
        horizon = self.now + timedelta(days=21)  # 24 working hours never span more than three weeks
        stmt = select(Task).where(
            col(Task.status).in_([s.value for s in ACTIVE]),
            col(Task.due_at) > self.now,
            col(Task.due_at) <= horizon,
        )
        tasks = self.session.exec(stmt).all()
        self.cal.load_people({t.owner_id for t in tasks})
        for task in tasks:
            assert task.due_at is not None
            cal = self.cal.for_person(task.owner_id)
            lead_hours = DUE_SOON_URGENT_HOURS if task.priority == Priority.URGENT.value else DUE_SOON_HOURS
            if cal.working_hours_between(self.now, task.due_at) > lead_hours:
                continue
            assigned = task.assigned_at or task.created_at
            if cal.working_hours_between(assigned, task.due_at) <= lead_hours:
                continue  # given inside the window: the assignment itself was the reminder
            if self.at_work(task.owner_id):
                self.add(
                    Planned(
                        f"due_soon:{task.id}:{task.due_at.isoformat()}",
                        "dm",
                        task.owner_id,
                        "due_soon",
                        task.id,
                    )
                )

    def overdue(self) -> None:
        """Overdue: each owner once per working day, every overdue task in one message; then the lead
        after one working day, and the department's channel (or the requester's lead) after three."""
        stmt = select(Task).where(
            col(Task.status).in_([s.value for s in ACTIVE]), col(Task.due_at) < self.now
        )
        tasks = self.session.exec(stmt.order_by(col(Task.due_at))).all()
        people = {t.owner_id for t in tasks} | {t.accountable_id for t in tasks}
        self.cal.load_people(people)
        by_owner: dict[str, list[int]] = {}
        for task in tasks:
            assert task.due_at is not None and task.id is not None
            if task.snoozed_until is None or task.snoozed_until <= self.now:
                by_owner.setdefault(task.owner_id, []).append(task.id)
            dept = self.dept_of(task)
            cal = self.cal.for_department(dept)
            day = _day_hours(cal)
            due = task.due_at.isoformat()
            lead = task.accountable_id
            if (
                lead != task.owner_id
                and self.now >= cal.add_working_hours(task.due_at, OVERDUE_LEAD_DAYS * day)
                and self.at_work(lead)
            ):
                self.add(Planned(f"overdue_lead:{task.id}:{due}", "dm", lead, "overdue_lead", task.id))
            if self.now >= cal.add_working_hours(task.due_at, OVERDUE_CHANNEL_DAYS * day):
                self._overdue_far(task, dept, cal, due)
        for owner, ids in by_owner.items():
            cal = self.cal.for_person(owner)
            if cal.is_working_time(self.now):
                day = cal.local_date(self.now).isoformat()
                self.add(Planned(f"overdue:{owner}:{day}", "dm", owner, "overdue", None, {"task_ids": ids}))

    def _overdue_far(self, task: Task, dept: Department | None, cal: WorkCalendar, due: str) -> None:
        key = f"overdue_far:{task.id}:{due}"
        if dept is not None and dept.channel_id:
            if cal.is_working_time(self.now):
                self.add(Planned(key, "post", dept.channel_id, "overdue_far", task.id))
            return
        requesting = self.cal.departments.get(task.requesting_department_id or -1)
        if requesting is not None and self.at_work(requesting.lead_id):
            self.add(Planned(key, "dm", requesting.lead_id, "overdue_far", task.id))

    def verification_reminders(self) -> None:
        """Done but not verified after two working days: remind the requester, once."""
        stmt = select(Task).where(
            Task.status == Status.DONE.value,
            col(Task.done_at) <= self.now - timedelta(days=VERIFY_REMINDER_DAYS),
        )
        tasks = self.session.exec(stmt).all()
        self.cal.load_people({t.requester_id for t in tasks})
        for task in tasks:
            assert task.done_at is not None
            cal = self.cal.for_person(task.requester_id)
            threshold = cal.add_working_hours(task.done_at, VERIFY_REMINDER_DAYS * _day_hours(cal))
            if self.now >= threshold and cal.is_working_time(self.now):
                self.add(
                    Planned(
                        f"verify_reminder:{task.id}:{task.done_at.isoformat()}",
                        "dm",
                        task.requester_id,
                        "verify_reminder",
                        task.id,
                    )
                )

    def weekly_digests(self) -> None:
        """Each department's channel: last week's numbers, at the first working moment of the week."""
        for dept in self.cal.departments.values():
            if not dept.channel_id:
                continue
            cal = self.cal.for_department(dept)
            if not cal.is_working_time(self.now):
                continue
            local = self.now.astimezone(cal.tz)
            monday = local.date() - timedelta(days=local.weekday())
            if dept.created_at.astimezone(cal.tz).date() >= monday or not self._has_tasks(dept, monday, cal):
                continue  # nothing to report: it did not exist, or nobody ever filed anything with it
            last_monday = monday - timedelta(days=7)
            year, week, _ = last_monday.isocalendar()
            self.add(
                Planned(
                    f"digest:{dept.id}:{year}-W{week:02d}",
                    "post",
                    dept.channel_id,
                    "digest",
                    None,
                    {"dept_id": dept.id, "week_start": last_monday.isoformat()},
                )
            )

    def _has_tasks(self, dept: Department, monday: date, cal: WorkCalendar) -> bool:
        start_of_week = datetime.combine(monday, datetime.min.time(), cal.tz)
        stmt = select(Task.id).where(
            or_(Task.owning_department_id == dept.id, Task.requesting_department_id == dept.id),
            col(Task.created_at) < start_of_week,
        )
        return self.session.exec(stmt.limit(1)).first() is not None

    def standups(self) -> None:
        """Open today's thread at the set time, prompt each participant, post the summary at closing."""
        for standup in self.session.exec(select(Standup).where(col(Standup.active))).all():
            day = self.now.astimezone(ZoneInfo(standup.tz)).date()
            if not standups.is_standup_day(standup, day):
                continue
            opens, closes = standups.window(standup, day)
            if opens <= self.now < closes:
                run = standups.open_run(self.session, standup, day, opens_at=opens, closes_at=closes)
                if not run.closed:
                    self._opening(standup, run)
            elif (
                self.now >= closes and not self._ran(standup, day) and (standup.id, day) not in _MISSED_LOGGED
            ):
                _MISSED_LOGGED.add((standup.id, day))
                log.info(
                    "stand-up %s for %s skipped: its closing time passed while Baton was down",
                    standup.channel_id,
                    day,
                )
        due = select(StandupRun).where(
            col(StandupRun.closed).is_(False), col(StandupRun.closes_at) <= self.now
        )
        for run in self.session.exec(due).all():
            standup = self.session.get(Standup, run.standup_id)
            run.closed = True
            if standup is not None:
                self.add(
                    Planned(
                        f"standup_summary:{run.id}",
                        "post",
                        standup.channel_id,
                        "standup_summary",
                        None,
                        {"run_id": run.id},
                    )
                )

    def _ran(self, standup: Standup, day: date) -> bool:
        stmt = select(StandupRun.id).where(
            StandupRun.standup_id == standup.id, StandupRun.day == day.isoformat()
        )
        return self.session.exec(stmt).first() is not None

    def _opening(self, standup: Standup, run: StandupRun) -> None:
        for m in standups.opening(self.session, standup, run, now=self.now):
            self.add(Planned(m.key, m.kind, m.recipient, m.event, None, {"run_id": m.run_id}))


def plan(session: Session, *, now: datetime, default_tz: str) -> list[Planned]:
    planner = Planner(session, now=now, default_tz=default_tz)
    planner.standups()
    planner.acknowledgement_promises()
    planner.due_soon()
    planner.overdue()
    planner.verification_reminders()
    planner.weekly_digests()
    return planner.planned
