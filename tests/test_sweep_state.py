"""The sweep's set-based writes (storage.reminder_state), one statement each on PostgreSQL: a task's
mark moves only if it is still the one read; digest schedules are set, raised and dropped per person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.clock import FixedClock
from storage import reminder_state
from storage.models import DigestSchedule, Task
from storage.recheck_marks import EPOCH
from tests.company import Driver, seed, uid


def test_marks_move_only_from_the_mark_read_and_digest_schedules_follow(
    engine: Engine, clock: FixedClock
) -> None:
    seed(engine, clock)
    bot = Driver(engine, clock)
    bot.ok("alice", "new Order resin @paul due:friday")
    bot.ok("alice", "new Count stock @quinn")
    later = clock() + timedelta(hours=1)
    with Session(engine) as session:
        first, second = session.get(Task, 1), session.get(Task, 2)
        assert first is not None and second is not None
        assert first.next_check_at is not None and second.next_check_at is not None
        stale = second.next_check_at + timedelta(microseconds=1)  # as if the task changed since
        reminder_state.set_next_checks(
            session=session, checks=[(1, first.next_check_at, later), (2, stale, later)]
        )
        reminder_state.mark_digests_due(session=session, user_ids=[uid("paul"), uid("quinn"), uid("paul")])
        session.commit()
    with Session(engine) as session:
        assert [session.get(Task, i).next_check_at == later for i in (1, 2)] == [True, False]  # type: ignore[union-attr]
        due = reminder_state.digests_due(session=session, now=clock(), statuses=["open"])
        assert set(due) == {uid("paul"), uid("quinn")}
        reminder_state.set_next_checks(session=session, checks=[(1, later, None)])
        reminder_state.set_digest_times(session=session, times={uid("paul"): later, uid("quinn"): None})
        session.commit()
    with Session(engine) as session:
        task = session.get(Task, 1)
        assert task is not None and task.next_check_at is None
        paul = session.get(DigestSchedule, uid("paul"))
        assert paul is not None and paul.next_at == later
        assert session.get(DigestSchedule, uid("quinn")) is None
        assert reminder_state.digests_due(session=session, now=EPOCH, statuses=["open"]) == {}
