"""Where the sweep keeps its place: each task's next check and each person's next overdue digest.

Every function here is one set-based statement, whatever the number of tasks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.models import DigestSchedule, Task
from storage.recheck_marks import EPOCH

PEOPLE_PER_STATEMENT = 10_000  # under SQLite's 32,766 parameters; one statement for any real company
_task = Task.__table__  # type: ignore[attr-defined]
_schedule = DigestSchedule.__table__  # type: ignore[attr-defined]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def tasks_to_check(*, session: Session, now: datetime, limit: int) -> Sequence[Task]:
    """Tasks whose next check has come, the longest waiting first, at most `limit` of them.
    On PostgreSQL, rows another sweep holds are left to it."""
    # Ordered by the indexed instant itself: by id, SQLite would walk the whole table instead.
    stmt = select(Task).where(col(Task.next_check_at) <= now).order_by(col(Task.next_check_at)).limit(limit)
    if _postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return sorted(session.scalars(stmt).all(), key=lambda t: t.id or 0)


def people_with_digests_due(*, now: datetime) -> Select[Any]:
    return select(_schedule.c.user_id).where(_schedule.c.next_at <= now)


def set_next_checks(*, session: Session, checks: Sequence[tuple[int, datetime, datetime | None]]) -> None:
    """(task id, mark read, next check): a task changed since it was read keeps its newer mark."""
    if not checks:
        return
    stmt = (
        update(_task)
        .where(_task.c.id == bindparam("tid"), _task.c.next_check_at == bindparam("seen"))
        .values(next_check_at=bindparam("next"))
    )
    session.connection().execute(stmt, [{"tid": t, "seen": s, "next": n} for t, s, n in checks])


def mark_digests_due(*, session: Session, user_ids: Iterable[str]) -> None:
    """These people have overdue work as of now: their digest is looked at in this sweep."""
    rows = [{"user_id": u, "next_at": EPOCH} for u in sorted(set(user_ids))]
    if not rows:
        return
    insert = pg_insert if _postgres(session) else sqlite_insert
    stmt = insert(_schedule).on_conflict_do_update(index_elements=["user_id"], set_={"next_at": EPOCH})
    session.connection().execute(stmt, rows)


def digests_due(*, session: Session, now: datetime, statuses: Iterable[str]) -> dict[str, list[int]]:
    """Everyone whose digest time has come, with their overdue, unsnoozed task ids, oldest due first."""
    people = session.connection().execute(select(_schedule.c.user_id).where(_schedule.c.next_at <= now))
    waiting = [row.user_id for row in people]
    if not waiting:
        return {}
    # By owner (their index), from the people due: not a scan of every overdue task in the company.
    found: dict[str, list[int]] = {}  # in the order of each person's oldest overdue task
    for i in range(0, len(waiting), PEOPLE_PER_STATEMENT):
        stmt = select(_task.c.owner_id, _task.c.id, _task.c.due_at).where(
            _task.c.owner_id.in_(waiting[i : i + PEOPLE_PER_STATEMENT]),
            _task.c.status.in_(list(statuses)),
            _task.c.due_at < now,
            or_(_task.c.snoozed_until.is_(None), _task.c.snoozed_until <= now),
        )
        rows = session.connection().execute(stmt).all()
        for row in sorted(rows, key=lambda r: (r.due_at, r.id)):  # sorted here: see tasks_to_check
            found.setdefault(row.owner_id, []).append(row.id)
    for user_id in waiting:
        found.setdefault(user_id, [])
    return found


def set_digest_times(*, session: Session, times: dict[str, datetime | None]) -> None:
    """Each person's next digest instant; None: nothing overdue, so no schedule until something is."""
    later = [{"uid": u, "next": t} for u, t in times.items() if t is not None]
    done = [{"uid": u} for u, t in times.items() if t is None]
    conn = session.connection()
    if later:
        conn.execute(
            update(_schedule)
            .where(_schedule.c.user_id == bindparam("uid"))
            .values(next_at=bindparam("next")),
            later,
        )
    if done:
        conn.execute(delete(_schedule).where(_schedule.c.user_id == bindparam("uid")), done)


def earliest_check(*, session: Session) -> datetime | None:
    """The next instant a task asks to be looked at, or a person's overdue digest falls due."""
    task_check = session.connection().execute(select(func.min(_task.c.next_check_at))).scalar()
    digest = session.connection().execute(select(func.min(_schedule.c.next_at))).scalar()
    found = [_aware(v) for v in (task_check, digest) if v is not None]
    return min(found) if found else None


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type's conversion: SQLite hands back a naive UTC instant.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
