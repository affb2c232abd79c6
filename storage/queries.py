"""Small keyword-only queries. Handlers call these; SQL does not leak into adapters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, nulls_last, or_
from sqlmodel import Session, col, select

from storage.models import Department, Member, Standup, Task, TaskDependency, TaskEvent, TaskWatcher

_PRIORITY_ORDER = case({"urgent": 0, "high": 1, "normal": 2, "low": 3}, value=col(Task.priority), else_=4)


def member(*, session: Session, user_id: str) -> Member | None:
    return session.get(Member, user_id)


def members_named(*, session: Session, name: str) -> Sequence[Member]:
    return session.exec(select(Member).where(func.lower(Member.name) == name.lower())).all()


def member_names(*, session: Session, user_ids: Iterable[str]) -> dict[str, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.exec(select(Member.user_id, Member.name).where(col(Member.user_id).in_(ids))).all()
    return {uid: name for uid, name in rows}


def department_named(*, session: Session, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name.lower())).first()


def department_for_channel(*, session: Session, channel_id: str) -> Department | None:
    return session.exec(select(Department).where(Department.channel_id == channel_id)).first()


def departments(*, session: Session) -> Sequence[Department]:
    return session.exec(select(Department).order_by(Department.name)).all()


def department_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Department.id, Department.name).where(col(Department.id).in_(wanted))).all()
    return {i: n for i, n in rows if i is not None}


def tasks_where(
    *, session: Session, conditions: Sequence[object], limit: int, offset: int = 0
) -> tuple[Sequence[Task], int]:
    """Tasks matching all conditions, most urgent first (priority, then due date), and the total."""
    base = select(Task).where(*conditions)  # type: ignore[arg-type]
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    ordered = base.order_by(_PRIORITY_ORDER, nulls_last(col(Task.due_at).asc()), col(Task.id))
    rows = session.exec(ordered.offset(offset).limit(limit)).all()
    return rows, int(total)


def acknowledgement_times(
    *, session: Session, department_id: int, since: datetime
) -> list[tuple[datetime, datetime]]:
    """(created, acknowledged) for a department's tasks filed since `since` and acknowledged."""
    stmt = select(Task.created_at, Task.acknowledged_at).where(
        Task.owning_department_id == department_id,
        col(Task.created_at) >= since,
        col(Task.acknowledged_at).is_not(None),
    )
    return [(c, a) for c, a in session.exec(stmt).all() if a is not None]


def department_led_by(*, session: Session, user_id: str) -> Department | None:
    return session.exec(
        select(Department).where(Department.lead_id == user_id).order_by(Department.name)
    ).first()


def open_tasks_owned_by(*, session: Session, owner_id: str, statuses: Iterable[str]) -> Sequence[Task]:
    stmt = select(Task).where(Task.owner_id == owner_id, col(Task.status).in_(list(statuses)))
    return session.exec(stmt.order_by(col(Task.id))).all()


def watchers(*, session: Session, task_id: int) -> list[str]:
    rows = session.exec(select(TaskWatcher.user_id).where(TaskWatcher.task_id == task_id)).all()
    return sorted(rows)


def waits_for(*, session: Session, task_id: int) -> list[int]:
    rows = session.exec(select(TaskDependency.depends_on_id).where(TaskDependency.task_id == task_id))
    return sorted(rows.all())


def dependents(*, session: Session, task_id: int) -> Sequence[Task]:
    stmt = select(Task).join(TaskDependency, col(TaskDependency.task_id) == col(Task.id))
    return session.exec(stmt.where(TaskDependency.depends_on_id == task_id)).all()


def history(*, session: Session, task_id: int) -> Sequence[TaskEvent]:
    stmt = (
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.at), col(TaskEvent.id))
    )
    return session.exec(stmt).all()


def count_events(*, session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(TaskEvent)).one())


def record_event(
    *,
    session: Session,
    task_id: int,
    actor_id: str,
    action: str,
    at: datetime,
    from_value: str | None = None,
    to_value: str | None = None,
    note: str | None = None,
) -> None:
    session.add(
        TaskEvent(
            task_id=task_id,
            actor_id=actor_id,
            action=action,
            at=at,
            from_value=from_value,
            to_value=to_value,
            note=note or None,
        )
    )


def first_delivery(*, session: Session, key: str, now: datetime) -> bool:
    """Record `key`; True the first time it is seen, False for every repeat (across replicas too)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from storage.models import ProcessedEvent

    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(ProcessedEvent)
        .values(key=key, received_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ProcessedEvent.key)  # rowcount is not reliable here across drivers (psycopg says -1)
    )
    return session.execute(stmt).first() is not None


def forget_deliveries_before(*, session: Session, instant: datetime) -> None:
    from sqlalchemy import delete

    from storage.models import ProcessedEvent

    session.execute(delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < instant))


def visible_to(user_id: str) -> ColumnElement[bool]:
    """Tasks a person may see listed: every public one, and private ones they are part of."""
    watching = select(TaskWatcher.task_id).where(
        TaskWatcher.user_id == user_id, TaskWatcher.task_id == Task.id
    )
    return or_(
        col(Task.private).is_(False),
        Task.requester_id == user_id,
        Task.owner_id == user_id,
        Task.accountable_id == user_id,
        watching.exists(),
    )


def standup_for_channel(*, session: Session, channel_id: str) -> Standup | None:
    return session.exec(select(Standup).where(Standup.channel_id == channel_id)).first()
