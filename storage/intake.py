"""Queries of intake: request types, a task's fields, triage turns, ratings, repeat schedules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from storage.db import read
from storage.direct import Direct
from storage.inserts import insert_ignoring_duplicates
from storage.models import (
    Member,
    RepeatSchedule,
    RequestType,
    StandupParticipant,
    Task,
    TaskField,
    TriageTurn,
)

_TYPES = RequestType.__table__  # type: ignore[attr-defined]
_FIELDS = TaskField.__table__  # type: ignore[attr-defined]
# Built once (storage.db.read): filing a task asks whether its first word is a type, nearly always not.
_TYPE_ID = Direct(  # straight to the driver (storage.direct)
    select(_TYPES.c.id).where(_TYPES.c.department_id == bindparam("dept"), _TYPES.c.name == bindparam("name"))
)
_TASK_FIELDS = (
    select(_FIELDS.c.task_id, _FIELDS.c.name, _FIELDS.c.value)
    .where(_FIELDS.c.task_id.in_(bindparam("ids", expanding=True)))
    .order_by(_FIELDS.c.position)
)


def request_type(*, session: Session, department_id: int, name: str) -> RequestType | None:
    found = _TYPE_ID.rows(session, {"dept": department_id, "name": name})
    return session.get(RequestType, found[0][0]) if found else None


def request_types(*, session: Session, department_id: int | None = None) -> Sequence[RequestType]:
    stmt = select(RequestType)
    if department_id is not None:
        stmt = stmt.where(RequestType.department_id == department_id)
    return session.exec(stmt.order_by(col(RequestType.department_id), col(RequestType.name))).all()


def types_named(*, session: Session, name: str) -> Sequence[RequestType]:
    return session.exec(select(RequestType).where(RequestType.name == name)).all()


def type_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(RequestType.id, RequestType.name).where(col(RequestType.id).in_(wanted)))
    return {i: n for i, n in rows.all() if i is not None}


def task_fields(*, session: Session, task_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    wanted = list(task_ids)
    out: dict[int, list[tuple[str, str]]] = {}
    if not wanted:
        return out
    for task_id, name, value in read(session, _TASK_FIELDS, {"ids": wanted}):
        out.setdefault(task_id, []).append((name, value))
    return out


def next_turn(*, session: Session, key: str) -> int:
    """Advance a rotation's counter and return its new value. One UPDATE … RETURNING: on PostgreSQL the
    row lock makes a second replica wait and then see the first one's turn, so no turn is given twice."""
    session.execute(insert_ignoring_duplicates(session=session, table=TriageTurn).values(key=key, counter=0))
    stmt = (
        update(TriageTurn)
        .where(col(TriageTurn.key) == key)
        .values(counter=TriageTurn.counter + 1)
        .returning(TriageTurn.counter)
    )
    return int(session.execute(stmt).scalar_one())


def department_members(*, session: Session, department_id: int) -> list[str]:
    stmt = select(Member.user_id).where(Member.department_id == department_id).order_by(col(Member.user_id))
    return list(session.exec(stmt).all())


def away_now(*, session: Session, user_ids: Iterable[str], now: datetime) -> set[str]:
    """People a stand-up marks away at this instant."""
    stmt = select(StandupParticipant.user_id).where(
        col(StandupParticipant.user_id).in_(list(user_ids)),
        col(StandupParticipant.away_until).is_not(None),
        col(StandupParticipant.away_until) > now,
    )
    return set(session.exec(stmt).all())


def ratings(
    *, session: Session, department_id: int, since: datetime, until: datetime
) -> tuple[float | None, int]:
    """The average rating of a department's tasks rated in [since, until), and how many."""
    stmt = select(func.avg(Task.rating), func.count(col(Task.rating))).where(
        Task.owning_department_id == department_id,
        col(Task.rating).is_not(None),
        col(Task.rated_at) >= since,
        col(Task.rated_at) < until,
    )
    avg, count = session.exec(stmt).one()
    return (float(avg) if avg is not None else None), int(count)


def repeat_for_task(*, session: Session, task_id: int) -> RepeatSchedule | None:
    stmt = select(RepeatSchedule).where(
        RepeatSchedule.task_id == task_id, col(RepeatSchedule.active).is_(True)
    )
    return session.exec(stmt).first()


def repeats_by(*, session: Session, user_id: str) -> Sequence[RepeatSchedule]:
    stmt = select(RepeatSchedule).where(
        RepeatSchedule.created_by == user_id, col(RepeatSchedule.active).is_(True)
    )
    return session.exec(stmt.order_by(col(RepeatSchedule.id))).all()


def repeats_due(*, session: Session, now: datetime) -> Sequence[RepeatSchedule]:
    stmt = select(RepeatSchedule).where(
        col(RepeatSchedule.active).is_(True), col(RepeatSchedule.next_at) <= now
    )
    return session.exec(stmt.order_by(col(RepeatSchedule.next_at))).all()


def next_repeat_at(*, session: Session) -> datetime | None:
    stmt = select(func.min(RepeatSchedule.next_at)).where(col(RepeatSchedule.active).is_(True))
    return session.exec(stmt).one()


def copy_filed(*, session: Session, repeat_key: str) -> bool:
    return session.exec(select(Task.id).where(Task.repeat_key == repeat_key)).first() is not None


def claim_repeat(*, session: Session, schedule_id: int, expected: datetime, next_at: datetime | None) -> bool:
    """Move a schedule on from `expected` (compare-and-set): only the sweep that does so files the copy."""
    values: dict[str, object] = {"next_at": next_at} if next_at is not None else {"active": False}
    stmt = (
        update(RepeatSchedule)
        .where(col(RepeatSchedule.id) == schedule_id, col(RepeatSchedule.next_at) == expected)
        .values(**values)
        .returning(RepeatSchedule.id)
    )
    return session.execute(stmt).first() is not None
