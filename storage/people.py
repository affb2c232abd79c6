"""Queries about people and departments: who someone is, what a department is called, who leads it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func
from sqlmodel import Session, col, select

from storage.arrays import one_of
from storage.db import read
from storage.direct import Direct
from storage.models import Department, Member, RequestType

PEOPLE_PER_STATEMENT = 10_000  # under SQLite's limit on bound parameters
_ZONE_COLUMNS = (col(Member.user_id), col(Member.department_id), col(Member.tz))


def member(*, session: Session, user_id: str) -> Member | None:
    return session.get(Member, user_id)


class PersonBrief(NamedTuple):
    """A stored person, for reading only."""

    user_id: str
    name: str
    department_id: int | None


class DeptBrief(NamedTuple):
    """A department, for reading only: what filing a task and its working calendar need."""

    id: int
    name: str
    lead_id: str
    tz: str | None
    country: str | None
    work_start: str
    work_end: str
    lead_name: str | None  # the lead's stored name: a filed task's reply names its accountable lead
    # The id of the department's request type named by `briefs(type_named=…)`, if it has one: filing
    # asks whether a title's first word is a type of the owner's department in the same statement.
    type_id: int | None = None


def briefs(
    *, session: Session, user_ids: Iterable[str], type_named: str = ""
) -> dict[str, tuple[PersonBrief, DeptBrief | None]]:
    """Stored people and their departments, in one plain statement built once (filing a task asks it
    for the speaker and the owner; no ORM objects are built to be read once). `type_named`: a request
    type's name to look up in each department (DeptBrief.type_id)."""
    found: dict[str, tuple[PersonBrief, DeptBrief | None]] = {}
    ids = list(set(user_ids))
    if not ids:
        return found
    if len(ids) <= 2:  # the speaker and an owner: straight to the driver (storage.direct)
        params = {"a": ids[0], "b": ids[-1], "type_named": type_named}
        rows: Iterable[Any] = _BRIEFS_OF_TWO.rows(session, params)
    else:
        rows = read(session, _BRIEFS, {"ids": ids, "type_named": type_named})
    for row in rows:
        dept = DeptBrief(*row[3:]) if row[3] is not None else None
        found[row[0]] = (PersonBrief(*row[:3]), dept)
    return found


def members_named(*, session: Session, name: str) -> Sequence[Member]:
    return session.exec(select(Member).where(func.lower(Member.name) == name.lower())).all()


def members(*, session: Session) -> Sequence[Member]:
    """Everyone Baton knows, by name."""
    return session.exec(select(Member).order_by(col(Member.name))).all()


_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_DEPARTMENTS = Department.__table__  # type: ignore[attr-defined]
_TYPES = RequestType.__table__  # type: ignore[attr-defined]
# Built once: the request path asks these on every reply (storage.db.read).
_NAMES = select(_MEMBERS.c.user_id, _MEMBERS.c.name).where(
    _MEMBERS.c.user_id.in_(bindparam("ids", expanding=True))
)
_DEPT_NAMES = select(_DEPARTMENTS.c.id, _DEPARTMENTS.c.name).where(
    _DEPARTMENTS.c.id.in_(bindparam("ids", expanding=True))
)
_LEADS = _MEMBERS.alias("lead")
_BRIEFS_ALL = select(
    _MEMBERS.c.user_id,
    _MEMBERS.c.name,
    _MEMBERS.c.department_id,
    *(_DEPARTMENTS.c[name] for name in DeptBrief._fields[:-2]),
    _LEADS.c.name,
    select(_TYPES.c.id)
    .where(_TYPES.c.department_id == _DEPARTMENTS.c.id, _TYPES.c.name == bindparam("type_named"))
    .scalar_subquery(),
).select_from(
    _MEMBERS.outerjoin(_DEPARTMENTS, _MEMBERS.c.department_id == _DEPARTMENTS.c.id).outerjoin(
        _LEADS, _LEADS.c.user_id == _DEPARTMENTS.c.lead_id
    )
)
_BRIEFS = _BRIEFS_ALL.where(_MEMBERS.c.user_id.in_(bindparam("ids", expanding=True)))
_BRIEFS_OF_TWO = Direct(_BRIEFS_ALL.where(_MEMBERS.c.user_id.in_([bindparam("a"), bindparam("b")])))
_DAILY = select(_MEMBERS.c.user_id).where(
    _MEMBERS.c.user_id.in_(bindparam("ids", expanding=True)), _MEMBERS.c.notify_daily_at.is_not(None)
)
_DAILY_SLOTS = 4
_DAILY_FEW = Direct(
    select(_MEMBERS.c.user_id).where(
        _MEMBERS.c.user_id.in_([bindparam(f"u{i}") for i in range(_DAILY_SLOTS)]),
        _MEMBERS.c.notify_daily_at.is_not(None),
    )
)


_LEAD_OF = Direct(select(_DEPARTMENTS.c.lead_id).where(_DEPARTMENTS.c.id == bindparam("id")))


def department_lead(*, session: Session, department_id: int) -> str | None:
    """Who leads a department (None if there is no such department): asked by every check of who may
    do what to a task, so straight to the driver (storage.direct)."""
    found = _LEAD_OF.rows(session, {"id": department_id})
    return found[0][0] if found else None


def member_names(*, session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    return {uid: name for uid, name in read(session, _NAMES, {"ids": list(ids)})}


def zones_of(*, session: Session, user_ids: Iterable[str]) -> list[tuple[str, int | None, str | None]]:
    """(user id, department id, zone) of each known person, in statements of up to 10,000 ids."""
    wanted = sorted(set(user_ids))
    found: list[tuple[str, int | None, str | None]] = []
    for i in range(0, len(wanted), PEOPLE_PER_STATEMENT):
        chunk = wanted[i : i + PEOPLE_PER_STATEMENT]
        stmt = select(*_ZONE_COLUMNS).where(one_of(session, col(Member.user_id), chunk))
        found.extend(_zones(session, stmt))
    return found


def zones_of_people_in(
    *, session: Session, user_ids: Select[Any]
) -> list[tuple[str, int | None, str | None]]:
    """The same for everyone a query of user ids names, in one statement however many they are."""
    return _zones(session, select(*_ZONE_COLUMNS).where(col(Member.user_id).in_(user_ids)))


def _zones(session: Session, stmt: Select[Any]) -> list[tuple[str, int | None, str | None]]:
    return [(u, d, tz) for u, d, tz in session.connection().execute(stmt)]


def department_named(*, session: Session, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name.lower())).first()


def department_for_channel(*, session: Session, channel_id: str) -> Department | None:
    return session.exec(select(Department).where(Department.channel_id == channel_id)).first()


def department_for_intake(*, session: Session, channel_id: str) -> Department | None:
    """The department whose intake channel this is: what people post there becomes its work."""
    return session.exec(select(Department).where(Department.intake_channel_id == channel_id)).first()


def departments(*, session: Session) -> Sequence[Department]:
    """Every department, by name."""
    return session.exec(select(Department).order_by(Department.name)).all()


def department_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {i: n for i, n in read(session, _DEPT_NAMES, {"ids": list(wanted)})}


def department_led_by(*, session: Session, user_id: str) -> Department | None:
    return session.exec(
        select(Department).where(Department.lead_id == user_id).order_by(Department.name)
    ).first()


def departments_by_id(*, session: Session) -> dict[int | None, Department]:
    return {d.id: d for d in session.exec(select(Department).order_by(col(Department.id))).all()}


def daily_readers(*, session: Session, user_ids: Iterable[str]) -> set[str]:
    """Those of `user_ids` who take news about what they follow in one daily summary."""
    ids = list(user_ids)
    if len(ids) <= _DAILY_SLOTS:  # the usual few (a requester, a watcher): straight to the driver
        slots = {f"u{i}": ids[i] if i < len(ids) else None for i in range(_DAILY_SLOTS)}
        return {uid for (uid,) in _DAILY_FEW.rows(session, slots)}  # an empty slot matches nobody
    return {uid for (uid,) in read(session, _DAILY, {"ids": ids})}


def daily_summary_times(*, session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    wanted = list(user_ids)
    stmt = select(Member.user_id, Member.notify_daily_at).where(one_of(session, col(Member.user_id), wanted))
    return {uid: at for uid, at in session.exec(stmt).all() if at}
