"""When the sweep could next have something to do: so a simulated clock (the console's `tick +30d`) can
jump from one such instant to the next instead of sweeping every quarter of an hour.

It mirrors the planner's rules (handlers.reminders): a task's next check or a person's overdue digest
(both kept in the database), a recurring request's next copy, a stand-up opening or closing, a
department's working morning (the weekly digest), a person's daily summary time, and anything already due.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session

from handlers.calendars import Calendars
from handlers.standup_runs import is_standup_day, window
from handlers.worktime import WorkCalendar
from storage import intake as intake_store
from storage import outbox, reminder_state
from storage import people as people_store
from storage import standups as standup_store

SOON = timedelta(minutes=1)


def next_instant(session: Session, *, after: datetime, until: datetime, default_tz: str) -> datetime:
    """The first instant in (after, until] at which a sweep may plan something; `until` if none."""
    found = [until]
    check = reminder_state.earliest_check(session=session)
    if check is not None:
        found.append(max(check, after + SOON))  # already due but not swept yet: at once
    repeat = intake_store.next_repeat_at(session=session)
    if repeat is not None:
        found.append(max(repeat, after + SOON))
    if outbox.any_held_recipient(session=session):
        found.append(after + SOON)
    for standup in standup_store.active_standups(session=session):
        day = after.astimezone(window(standup, after.date())[0].tzinfo).date()
        while day <= until.date() + timedelta(days=1):
            if is_standup_day(standup, day):
                found += [edge for edge in window(standup, day) if edge > after]
                break
            day += timedelta(days=1)
    cals = Calendars(session, default_tz)
    for dept in cals.departments.values():
        if dept.channel_id:
            found.append(_next_morning(cals.for_department(dept), after))
    waiting = outbox.oldest_held(session=session, status=outbox.DAILY)
    times = people_store.daily_summary_times(session=session, user_ids=waiting)
    cals.load_people(times)
    for user_id, at in times.items():
        cal = cals.for_person(user_id)
        hour, minute = (int(part) for part in at.split(":"))
        day = cal.local_date(after)
        slots = (datetime.combine(day + timedelta(days=d), time(hour, minute), cal.tz) for d in range(9))
        found.append(next(slot for slot in slots if slot > after))
    return min(instant for instant in found if instant > after)


def _next_morning(cal: WorkCalendar, after: datetime) -> datetime:
    """The start of the first working period that begins after `after`."""
    start = cal.next_working_start(after)
    if start > after:
        return start
    span = cal.interval(cal.local_date(after))
    assert span is not None  # `after` is in working time, so today is a working day
    return cal.next_working_start(span[1])
