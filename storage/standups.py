"""Queries about stand-ups: which one a channel holds, who takes part, each day's run and its answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.inserts import insert_ignoring_duplicates
from storage.models import Standup, StandupAnswer, StandupParticipant, StandupRun


def standup_for_channel(*, session: Session, channel_id: str, active_only: bool = True) -> Standup | None:
    stmt = select(Standup).where(Standup.channel_id == channel_id)
    if active_only:
        stmt = stmt.where(col(Standup.active))
    return session.exec(stmt).first()


def active_standups(*, session: Session) -> Sequence[Standup]:
    return session.exec(select(Standup).where(col(Standup.active))).all()


def participants(*, session: Session, standup_id: int) -> list[StandupParticipant]:
    stmt = select(StandupParticipant).where(StandupParticipant.standup_id == standup_id)
    return list(session.exec(stmt.order_by(col(StandupParticipant.user_id))).all())


def run_on(*, session: Session, standup_id: int, day: str) -> StandupRun | None:
    """The run of that day (an ISO date), if it opened."""
    stmt = select(StandupRun).where(StandupRun.standup_id == standup_id, StandupRun.day == day)
    return session.exec(stmt).first()


def latest_run(*, session: Session, standup_id: int) -> StandupRun | None:
    stmt = select(StandupRun).where(StandupRun.standup_id == standup_id)
    return session.exec(stmt.order_by(col(StandupRun.opens_at).desc())).first()


def open_runs_for(*, session: Session, user_id: str) -> Sequence[StandupRun]:
    """Runs still open in stand-ups the person takes part in, latest first."""
    stmt = (
        select(StandupRun)
        .join(StandupParticipant, col(StandupParticipant.standup_id) == col(StandupRun.standup_id))
        .where(StandupParticipant.user_id == user_id, col(StandupRun.closed).is_(False))
        .order_by(col(StandupRun.opens_at).desc())
    )
    return session.exec(stmt).all()


def runs_to_close(*, session: Session, now: datetime) -> Sequence[StandupRun]:
    """Open runs whose closing time has come."""
    stmt = select(StandupRun).where(col(StandupRun.closed).is_(False), col(StandupRun.closes_at) <= now)
    return session.exec(stmt).all()


def open_run_once(
    *, session: Session, standup_id: int, day: str, opens_at: datetime, closes_at: datetime
) -> StandupRun:
    """The day's run, created once: a second scheduler or a restart finds the same row."""
    run = run_on(session=session, standup_id=standup_id, day=day)
    if run is None:
        values = {
            "standup_id": standup_id,
            "day": day,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "closed": False,
        }
        session.execute(insert_ignoring_duplicates(session=session, table=StandupRun).values(values))
        # Inserted now, or by the replica that won the race: it is there either way.
        stmt = select(StandupRun).where(StandupRun.standup_id == standup_id, StandupRun.day == day)
        run = session.exec(stmt).one()
    return run


def answers(*, session: Session, run_id: int) -> Sequence[StandupAnswer]:
    return session.exec(select(StandupAnswer).where(StandupAnswer.run_id == run_id)).all()
