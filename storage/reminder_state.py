"""Where the sweep keeps its place: each task's next check and each person's next overdue digest.

Every function here is one set-based statement, whatever the number of tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.arrays import one_of, postgres, run
from storage.direct import Direct
from storage.models import DigestSchedule, Task
from storage.recheck_marks import EPOCH

PEOPLE_PER_STATEMENT = 10_000  # under SQLite's 32,766 parameters; one statement for any real company
_task = Task.__table__  # type: ignore[attr-defined]
_schedule = DigestSchedule.__table__  # type: ignore[attr-defined]


class TaskFacts(Protocol):
    """What the reminder rules read of a task (handlers.task_reminders): a Task, or a row of them."""

    id: int | None
    status: str
    priority: str
    owner_id: str
    accountable_id: str
    requester_id: str
    owning_department_id: int | None
    requesting_department_id: int | None
    sla_hours: int | None
    due_at: datetime | None
    created_at: datetime
    assigned_at: datetime | None
    snoozed_until: datetime | None
    done_at: datetime | None
    next_check_at: datetime | None


# Only the columns the rules read, as plain rows: as ORM objects (identity map, instance state, every
# column typed) the 5,000-odd tasks of a zone's working morning cost about a third of the tick.
_FACTS = [_task.c[name] for name in TaskFacts.__annotations__]


def tasks_to_check(*, session: Session, now: datetime, limit: int) -> Sequence[TaskFacts]:
    """Tasks whose next check has come, the longest waiting first, at most `limit` of them.
    On PostgreSQL, rows another sweep holds are left to it."""
    # Ordered by the indexed instant itself: by id, SQLite would walk the whole table instead.
    stmt = select(*_FACTS).where(_task.c.next_check_at <= now).order_by(_task.c.next_check_at).limit(limit)
    if postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    # Through the session, so what it holds unflushed is written first, as the ORM query did.
    rows: Sequence[Any] = session.execute(stmt).all()
    return sorted(rows, key=lambda t: t.id or 0)


def people_with_digests_due(*, now: datetime) -> Select[Any]:
    return select(_schedule.c.user_id).where(_schedule.c.next_at <= now)


# The per-row statements below go straight to the driver's executemany (storage.direct): through
# SQLAlchemy each of thousands of rows had its parameters built and typed one by one, about as much
# CPU as planning the reminders themselves at a zone's working morning.
_SET_NEXT_CHECK = Direct(
    update(_task)
    .where(_task.c.id == bindparam("tid"), _task.c.next_check_at == bindparam("seen"))
    .values(next_check_at=bindparam("next"))
)


def _upsert_due(insert: Any) -> Direct:
    stmt = insert(_schedule)
    # The row's own next_at is EPOCH too: excluded.next_at keeps every value a row parameter.
    return Direct(
        stmt.on_conflict_do_update(index_elements=["user_id"], set_={"next_at": stmt.excluded.next_at}),
        columns=["user_id", "next_at"],
    )


_MARK_DUE = _upsert_due(sqlite_insert)  # PostgreSQL: _PG_MARK_DUE below
_SET_DIGEST_TIME = Direct(
    update(_schedule).where(_schedule.c.user_id == bindparam("uid")).values(next_at=bindparam("next"))
)
_DROP_DIGEST = Direct(delete(_schedule).where(_schedule.c.user_id == bindparam("uid")))

# The same three on PostgreSQL, each one statement over arrays (storage.arrays), not a statement a row.
# The task marks stay dear there (~270 ms for 5,330 at a zone's working morning, 100k tasks, either way):
# next_check_at is indexed, so each update writes a new row version into all eight of task's indexes.
_PG_SET_NEXT_CHECK = """UPDATE task SET next_check_at = v.next
FROM unnest(%(tids)s::integer[], %(seen)s::timestamptz[], %(next)s::timestamptz[]) AS v(tid, seen, next)
WHERE task.id = v.tid AND task.next_check_at = v.seen"""
_PG_MARK_DUE = """INSERT INTO digestschedule (user_id, next_at)
SELECT u, %(next)s::timestamptz FROM unnest(%(uids)s::varchar[]) AS u
ON CONFLICT (user_id) DO UPDATE SET next_at = excluded.next_at"""
_PG_SET_DIGEST_TIME = """UPDATE digestschedule SET next_at = v.next
FROM unnest(%(uids)s::varchar[], %(next)s::timestamptz[]) AS v(uid, next)
WHERE digestschedule.user_id = v.uid"""
_PG_DROP_DIGEST = "DELETE FROM digestschedule WHERE user_id = ANY(%(uids)s::varchar[])"


def set_next_checks(*, session: Session, checks: Sequence[tuple[int, datetime, datetime | None]]) -> None:
    """(task id, mark read, next check): a task changed since it was read keeps its newer mark."""
    if not checks:
        return
    if postgres(session):  # ids are unique (one row each), so the join updates each task once
        tids, seen, later = (list(column) for column in zip(*checks, strict=True))
        run(session, _PG_SET_NEXT_CHECK, {"tids": tids, "seen": seen, "next": later})
        return
    _SET_NEXT_CHECK.execute_many(session, [{"tid": t, "seen": s, "next": n} for t, s, n in checks])


def mark_digests_due(*, session: Session, user_ids: Iterable[str]) -> None:
    """These people have overdue work as of now: their digest is looked at in this sweep."""
    people = sorted(set(user_ids))
    if not people:
        return
    if postgres(session):  # each person once: ON CONFLICT may not touch a row twice in one statement
        run(session, _PG_MARK_DUE, {"uids": people, "next": EPOCH})
        return
    rows = [{"user_id": u, "next_at": EPOCH} for u in people]
    _MARK_DUE.execute_many(session, rows)


def digests_due(*, session: Session, now: datetime, statuses: Iterable[str]) -> dict[str, list[int]]:
    """Everyone whose digest time has come, with their overdue, unsnoozed task ids, oldest due first."""
    people = session.connection().execute(select(_schedule.c.user_id).where(_schedule.c.next_at <= now))
    waiting = [row.user_id for row in people]
    if not waiting:
        return {}
    # By owner (their index), from the people due: not a scan of every overdue task in the company.
    found: dict[str, list[int]] = {}  # in the order of each person's oldest overdue task
    for i in range(0, len(waiting), PEOPLE_PER_STATEMENT):
        # Sorted by the database (found through the owner index, then a sort of what was found): read
        # back and sorted in Python, each row's instant cost more than the rest of the statement.
        stmt = (
            select(_task.c.owner_id, _task.c.id)
            .where(
                one_of(session, _task.c.owner_id, waiting[i : i + PEOPLE_PER_STATEMENT]),
                _task.c.status.in_(list(statuses)),
                _task.c.due_at < now,
                or_(_task.c.snoozed_until.is_(None), _task.c.snoozed_until <= now),
            )
            .order_by(_task.c.due_at, _task.c.id)
        )
        for owner_id, task_id in session.connection().execute(stmt).all():  # one fetch, not a row each
            found.setdefault(owner_id, []).append(task_id)
    for user_id in waiting:
        found.setdefault(user_id, [])
    return found


def set_digest_times(*, session: Session, times: dict[str, datetime | None]) -> None:
    """Each person's next digest instant; None: nothing overdue, so no schedule until something is."""
    if postgres(session):
        later_ids = [u for u, t in times.items() if t is not None]
        if later_ids:
            instants = [times[u] for u in later_ids]
            run(session, _PG_SET_DIGEST_TIME, {"uids": later_ids, "next": instants})
        done_ids = [u for u, t in times.items() if t is None]
        if done_ids:
            run(session, _PG_DROP_DIGEST, {"uids": done_ids})
        return
    later = [{"uid": u, "next": t} for u, t in times.items() if t is not None]
    done = [{"uid": u} for u, t in times.items() if t is None]
    _SET_DIGEST_TIME.execute_many(session, later)
    _DROP_DIGEST.execute_many(session, done)


def earliest_check(*, session: Session) -> datetime | None:
    """The next instant a task asks to be looked at, or a person's overdue digest falls due."""
    task_check = session.connection().execute(select(func.min(_task.c.next_check_at))).scalar()
    digest = session.connection().execute(select(func.min(_schedule.c.next_at))).scalar()
    found = [_aware(v) for v in (task_check, digest) if v is not None]
    return min(found) if found else None


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type's conversion: SQLite hands back a naive UTC instant.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
