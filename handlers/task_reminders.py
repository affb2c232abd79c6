"""The reminders about one task (SPEC §5): what is due about it now, and when to look at it again.

Each rule has a threshold in working time and a recipient who must be at work. A rule past its
threshold whose recipient is away waits for their next working start; a rule that fires is done
(the outbox key makes a repeat harmless). The earliest pending instant becomes the task's next check,
so a sweep reads only the tasks that may have something due, never every open task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from handlers.calendars import Calendars
from handlers.lifecycle import ACTIVE, Priority, Status
from handlers.planned import Planned
from handlers.worktime import WorkCalendar
from storage.models import Department
from storage.reminder_state import TaskFacts

DUE_SOON_HOURS = 24
DUE_SOON_URGENT_HOURS = 2
OVERDUE_LEAD_DAYS = 1
OVERDUE_CHANNEL_DAYS = 3
VERIFY_REMINDER_DAYS = 2
DEFAULT_PROMISE_HOURS = 4
_ACTIVE = frozenset(s.value for s in ACTIVE)
_TICK = timedelta(microseconds=1)


def day_hours(cal: WorkCalendar) -> float:
    start = datetime.combine(datetime(2000, 1, 3).date(), cal.start)
    end = datetime.combine(datetime(2000, 1, 3).date(), cal.end)
    return (end - start).total_seconds() / 3600


@dataclass
class Verdict:
    planned: list[Planned] = field(default_factory=list)
    next_check: datetime | None = None
    overdue_owner: str | None = None  # whose daily overdue digest lists this task from now on


class TaskRules:
    def __init__(self, cals: Calendars, now: datetime) -> None:
        self.cals = cals
        self.now = now

    def evaluate(self, task: TaskFacts) -> Verdict:
        verdict = Verdict()
        if task.status == Status.OPEN.value:
            self._acknowledgement(task, verdict)
        if task.status in _ACTIVE and task.due_at is not None:
            if task.due_at > self.now:
                self._due_soon(task, verdict)
                self._later(verdict, task.due_at + _TICK)  # then it is overdue
            elif task.due_at < self.now:
                self._overdue(task, verdict)
            else:
                self._later(verdict, self.now + _TICK)
        if task.status == Status.DONE.value and task.done_at is not None:
            self._verification(task, verdict)
        return verdict

    # -- helpers ------------------------------------------------------------------------------

    def _later(self, verdict: Verdict, instant: datetime) -> None:
        if verdict.next_check is None or instant < verdict.next_check:
            verdict.next_check = instant

    def _when(self, verdict: Verdict, threshold: datetime, cal: WorkCalendar, planned: Planned) -> None:
        """Send `planned` once `threshold` has passed and the recipient's calendar says they are at work."""
        if self.now < threshold:
            self._later(verdict, threshold)
        elif cal.is_working_time(self.now):
            verdict.planned.append(planned)
        else:
            self._later(verdict, cal.next_working_start(self.now))

    def _dept(self, task: TaskFacts) -> Department | None:
        return self.cals.departments.get(task.owning_department_id) if task.owning_department_id else None

    # -- the rules ----------------------------------------------------------------------------

    def _acknowledgement(self, task: TaskFacts, verdict: Verdict) -> None:
        """Not acknowledged within the promise: the owner; at twice the promise, the accountable lead."""
        dept = self._dept(task)
        # A request type's promise (kept on the task) overrides its department's.
        promise = task.sla_hours or (dept.sla_hours if dept else DEFAULT_PROMISE_HOURS)
        start = task.assigned_at or task.created_at
        cal = self.cals.for_department(dept)
        since = start.isoformat()
        owner, lead = task.owner_id, task.accountable_id
        nudge = Planned(
            f"ack_nudge:{task.id}:{owner}:{since}", "dm", owner, "ack_nudge", task.id, {"hours": promise}
        )
        self._when(verdict, cal.add_working_hours(start, promise), self.cals.for_person(owner), nudge)
        if lead != owner:
            hours = 2 * promise
            escalate = Planned(
                f"ack_escalate:{task.id}:{lead}:{since}",
                "dm",
                lead,
                "ack_escalate",
                task.id,
                {"hours": hours},
            )
            self._when(verdict, cal.add_working_hours(start, hours), self.cals.for_person(lead), escalate)

    def _due_soon(self, task: TaskFacts, verdict: Verdict) -> None:
        """24 working hours before due (2 for urgent): the owner, once per due date."""
        assert task.due_at is not None
        cal = self.cals.for_person(task.owner_id)
        lead_hours = DUE_SOON_URGENT_HOURS if task.priority == Priority.URGENT.value else DUE_SOON_HOURS
        assigned = task.assigned_at or task.created_at
        if cal.working_hours_between(assigned, task.due_at) <= lead_hours:
            return  # given inside the window: the assignment itself was the reminder
        key = f"due_soon:{task.id}:{task.due_at.isoformat()}"
        planned = Planned(key, "dm", task.owner_id, "due_soon", task.id)
        self._when(verdict, cal.subtract_working_hours(task.due_at, lead_hours), cal, planned)

    def _overdue(self, task: TaskFacts, verdict: Verdict) -> None:
        """Overdue: in the owner's daily digest; the lead after one working day; after three, the
        department's channel (or the requester's lead)."""
        assert task.due_at is not None
        if task.snoozed_until is None or task.snoozed_until <= self.now:
            verdict.overdue_owner = task.owner_id
        else:
            self._later(verdict, task.snoozed_until)
        dept = self._dept(task)
        cal = self.cals.for_department(dept)
        day = day_hours(cal)
        due = task.due_at.isoformat()
        lead = task.accountable_id
        if lead != task.owner_id:
            planned = Planned(f"overdue_lead:{task.id}:{due}", "dm", lead, "overdue_lead", task.id)
            threshold = cal.add_working_hours(task.due_at, OVERDUE_LEAD_DAYS * day)
            self._when(verdict, threshold, self.cals.for_person(lead), planned)
        far = cal.add_working_hours(task.due_at, OVERDUE_CHANNEL_DAYS * day)
        key = f"overdue_far:{task.id}:{due}"
        if dept is not None and dept.channel_id:
            self._when(verdict, far, cal, Planned(key, "post", dept.channel_id, "overdue_far", task.id))
            return
        requesting = self.cals.departments.get(task.requesting_department_id or -1)
        if requesting is not None:
            planned = Planned(key, "dm", requesting.lead_id, "overdue_far", task.id)
            self._when(verdict, far, self.cals.for_person(requesting.lead_id), planned)

    def _verification(self, task: TaskFacts, verdict: Verdict) -> None:
        """Done but not verified after two working days (and two days on the wall): the requester, once."""
        assert task.done_at is not None
        cal = self.cals.for_person(task.requester_id)
        threshold = max(
            cal.add_working_hours(task.done_at, VERIFY_REMINDER_DAYS * day_hours(cal)),
            task.done_at + timedelta(days=VERIFY_REMINDER_DAYS),
        )
        key = f"verify_reminder:{task.id}:{task.done_at.isoformat()}"
        self._when(verdict, threshold, cal, Planned(key, "dm", task.requester_id, "verify_reminder", task.id))
