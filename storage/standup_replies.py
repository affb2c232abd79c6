"""Stand-up thread replies: the day's run a thread belongs to, and each participant's messages in it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from storage.models import StandupReply, StandupRun


def run_in_thread(*, session: Session, standup_id: int, thread: str) -> StandupRun | None:
    stmt = select(StandupRun).where(StandupRun.standup_id == standup_id, StandupRun.thread == thread)
    return session.exec(stmt).first()


def replies(*, session: Session, run_id: int, user_id: str) -> Sequence[StandupReply]:
    """One person's replies in a run's thread, in the order they were written."""
    stmt = (
        select(StandupReply)
        .where(StandupReply.run_id == run_id, StandupReply.user_id == user_id)
        .order_by(col(StandupReply.written_at), col(StandupReply.message_id))
    )
    return session.exec(stmt).all()


def drop_replies(*, session: Session, run_id: int, user_id: str) -> None:
    session.exec(delete(StandupReply).where(StandupReply.run_id == run_id, StandupReply.user_id == user_id))  # type: ignore[call-overload]
