"""What the scheduler sends (SPEC §5), decided for one instant.

Each planned message has a key — kind, subject, recipient, period — that the outbox stores under a
unique constraint, so planning the same instant twice, on two replicas or after a restart, queues
nothing new. Nothing goes out outside the recipient's working time; work missed while the bot was
down is planned at the next sweep, once.

The sweep reads only what may be due: tasks whose next check has come (handlers.task_reminders) and
people whose daily overdue digest has come, so its cost follows what is sent, not how much is open.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import repeats, standup_runs
from handlers.calendars import Calendars
from handlers.lifecycle import ACTIVE
from handlers.planned import Planned
from handlers.task_reminders import TaskRules
from handlers.worktime import WorkCalendar
from storage import outbox, reminder_state
from storage import people as people_store
from storage import standups as standup_store
from storage import tasks as task_store
from storage.models import Department, Standup, StandupRun

log = logging.getLogger("baton.scheduler")
_MISSED_LOGGED: set[tuple[int | None, date]] = set()  # only so the log line appears once per process

__all__ = ["Planned", "Planner", "plan"]

# A sweep looks at no more tasks than this; the rest wait for the next minute's sweep. A zone's working
# morning (every overdue task of its people comes due at 09:00) and the first sweep after an upgrade
# are then spread over a few minutes instead of one long transaction that holds SQLite's single
# writer, and requests wait behind it. Measured at 100k open tasks: 5,330 checks and the 6,535 rows
# they queue took 0.8 s on SQLite and 1.1 s on PostgreSQL, so 2,500 keep a sweep near half a second;
# whoever's check waits a minute is told a minute later, once (the outbox's keys).
CHECKS_PER_SWEEP = 2_500


class Planner:
    def __init__(self, session: Session, *, now: datetime, default_tz: str) -> None:
        self.session = session
        self.now = now
        self.cal = Calendars(session, default_tz)
        self.planned: list[Planned] = []

    def add(self, planned: Planned) -> None:
        self.planned.append(planned)

    # -- the rules ----------------------------------------------------------------------------

    def task_reminders(self) -> None:
        """Every task whose next check has come: plan what is due, and record when to look again."""
        tasks = reminder_state.tasks_to_check(session=self.session, now=self.now, limit=CHECKS_PER_SWEEP)
        if not tasks:
            return
        # The people of the tasks in hand (the budget bounds them), not of every task that is due.
        people = {u for t in tasks for u in (t.owner_id, t.accountable_id, t.requester_id)}
        self.cal.load_people(people | {d.lead_id for d in self.cal.departments.values()})
        rules = TaskRules(self.cal, self.now)
        checks: list[tuple[int, datetime, datetime | None]] = []
        overdue_owners: set[str] = set()
        for task in tasks:
            assert task.id is not None and task.next_check_at is not None
            verdict = rules.evaluate(task)
            self.planned.extend(verdict.planned)
            checks.append((task.id, task.next_check_at, verdict.next_check))
            if verdict.overdue_owner:
                overdue_owners.add(verdict.overdue_owner)
        reminder_state.set_next_checks(session=self.session, checks=checks)
        reminder_state.mark_digests_due(session=self.session, user_ids=overdue_owners)

    def overdue_digests(self) -> None:
        """Each owner with overdue work, once per working day: every overdue task in one message."""
        statuses = [s.value for s in ACTIVE]
        due = reminder_state.digests_due(session=self.session, now=self.now, statuses=statuses)
        if not due:
            return
        self.cal.load_people_in(reminder_state.people_with_digests_due(now=self.now))
        times: dict[str, datetime | None] = {}
        for owner, ids in due.items():
            if not ids:
                times[owner] = None
                continue
            cal = self.cal.for_person(owner)
            if not cal.is_working_time(self.now):
                times[owner] = cal.next_working_start(self.now)
                continue
            today = cal.local_date(self.now)
            self.add(
                Planned(
                    f"overdue:{owner}:{today.isoformat()}", "dm", owner, "overdue", None, {"task_ids": ids}
                )
            )
            span = cal.interval(today)
            assert span is not None
            times[owner] = cal.next_working_start(span[1])
        reminder_state.set_digest_times(session=self.session, times=times)

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
        assert dept.id is not None
        return task_store.department_had_tasks_before(
            session=self.session, department_id=dept.id, instant=start_of_week
        )

    def standups(self) -> None:
        """Open today's thread at the set time, prompt each participant, post the summary at closing."""
        for standup in standup_store.active_standups(session=self.session):
            day = self.now.astimezone(ZoneInfo(standup.tz)).date()
            if not standup_runs.is_standup_day(standup, day):
                continue
            opens, closes = standup_runs.window(standup, day)
            if opens <= self.now < closes:
                run = standup_runs.open_run(self.session, standup, day, opens_at=opens, closes_at=closes)
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
        for run in standup_store.runs_to_close(session=self.session, now=self.now):
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

    def daily_summaries(self) -> None:
        """News held for people who take it once a day: at their time on their next working day."""
        waiting = outbox.oldest_held(session=self.session, status=outbox.DAILY)
        if not waiting:
            return
        times = people_store.daily_summary_times(session=self.session, user_ids=waiting)
        self.cal.load_people(waiting)
        for user_id, oldest in waiting.items():
            at = times.get(user_id)
            if at is None:  # they went back to hearing things at once: what waited goes now
                self.add(Planned(f"daily:{user_id}:{self.now.isoformat()}", "dm", user_id, "daily"))
                continue
            cal = self.cal.for_person(user_id)
            today = cal.local_date(self.now)
            hour, minute = (int(part) for part in at.split(":"))
            slot = datetime.combine(today, time(hour, minute), cal.tz)
            if cal.is_working_day(today) and oldest <= slot <= self.now:
                self.add(Planned(f"daily:{user_id}:{today.isoformat()}", "dm", user_id, "daily"))

    def repeats(self) -> None:
        """Recurring requests whose time has come: each period's copy filed once (handlers.repeats)."""
        repeats.file_due(self.session, now=self.now, default_tz=self.cal.default_tz)

    def _ran(self, standup: Standup, day: date) -> bool:
        assert standup.id is not None
        return (
            standup_store.run_on(session=self.session, standup_id=standup.id, day=day.isoformat()) is not None
        )

    def _opening(self, standup: Standup, run: StandupRun) -> None:
        for m in standup_runs.opening(self.session, standup, run, now=self.now):
            self.add(Planned(m.key, m.kind, m.recipient, m.event, None, {"run_id": m.run_id}))


def plan(session: Session, *, now: datetime, default_tz: str) -> list[Planned]:
    planner = Planner(session, now=now, default_tz=default_tz)
    planner.daily_summaries()
    planner.standups()
    planner.task_reminders()
    planner.overdue_digests()
    planner.weekly_digests()
    planner.repeats()
    return planner.planned
