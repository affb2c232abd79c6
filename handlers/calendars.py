"""Whose working time applies: a person's zone with their department's holidays and hours."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any, NamedTuple

from sqlalchemy import Select
from sqlmodel import Session

from handlers.people import SomeDept, zone
from handlers.worktime import WorkCalendar
from storage import people as people_store
from storage.models import Department


def _clock(value: str, fallback: time) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        return fallback


def department_calendar(dept: SomeDept | None, default_tz: str) -> WorkCalendar:
    """A department's zone, public holidays and working hours."""
    if dept is None:
        return WorkCalendar(zone(None, default_tz))
    return WorkCalendar(
        tz=zone(dept.tz, default_tz),
        country=dept.country,
        start=_clock(dept.work_start, time(9)),
        end=_clock(dept.work_end, time(18)),
    )


class Person(NamedTuple):
    department_id: int | None
    tz: str | None


class Calendars:
    """Calendars for departments and people, loaded in batches and cached for one sweep."""

    def __init__(self, session: Session, default_tz: str) -> None:
        self.session = session
        self.default_tz = default_tz
        self.departments = people_store.departments_by_id(session=session)
        self.members: dict[str, Person] = {}
        self._people: dict[str, WorkCalendar] = {}
        self._depts: dict[int | None, WorkCalendar] = {}

    def load_people(self, user_ids: Iterable[str]) -> None:
        """People by id, those not loaded yet."""
        wanted = {u for u in user_ids if u not in self.members}
        self._keep(people_store.zones_of(session=self.session, user_ids=wanted))

    def load_people_in(self, user_ids: Select[Any]) -> None:
        """Everyone a query names, in one statement however many they are."""
        self._keep(people_store.zones_of_people_in(session=self.session, user_ids=user_ids))

    def _keep(self, rows: Iterable[tuple[str, int | None, str | None]]) -> None:
        for user_id, department_id, tz in rows:
            self.members[user_id] = Person(department_id, tz)

    def for_department(self, dept: Department | None) -> WorkCalendar:
        key = dept.id if dept is not None else None
        if key not in self._depts:
            self._depts[key] = self._department_calendar(dept)
        return self._depts[key]

    def _department_calendar(self, dept: Department | None) -> WorkCalendar:
        return department_calendar(dept, self.default_tz)

    def for_person(self, user_id: str) -> WorkCalendar:
        if user_id not in self._people:
            self._people[user_id] = self._person_calendar(user_id)
        return self._people[user_id]

    def _person_calendar(self, user_id: str) -> WorkCalendar:
        if user_id not in self.members:
            self.load_people([user_id])
        member = self.members.get(user_id)
        dept = self.departments.get(member.department_id) if member and member.department_id else None
        base = self.for_department(dept)
        tz = zone(member.tz, "") if member and member.tz else base.tz
        return WorkCalendar(tz=tz, country=base.country, start=base.start, end=base.end)
