"""A sweep reads only tasks whose next check has come; whatever could change a reminder re-marks them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.clock import FixedClock
from scheduler.sweep import sweep
from storage.models import Department, DigestSchedule, Member, Task
from storage.recheck_marks import EPOCH
from tests.company import Driver, seed, uid

PAST = EPOCH + timedelta(days=31 * 365)  # every mark is before this


def marks(engine: Engine) -> dict[int, bool]:
    """Task id → marked for a look at the next sweep."""
    with Session(engine) as session:
        return {
            t.id or 0: t.next_check_at is not None and t.next_check_at < PAST
            for t in session.exec(select(Task))
        }


def test_a_sweep_settles_the_marks_and_changes_raise_them_again(engine: Engine, clock: FixedClock) -> None:
    seed(engine, clock)
    bot = Driver(engine, clock)
    bot.ok("alice", "new Order resin @paul due:friday")
    bot.ok("alice", "new Count stock @quinn")
    assert marks(engine) == {1: True, 2: True}  # new tasks: look at them
    sweep(engine, now=clock(), default_tz="UTC")
    assert marks(engine) == {1: False, 2: False}  # looked at: each waits for its next threshold
    with Session(engine) as session:
        nudge_due = session.get(Task, 1)
        assert nudge_due is not None and nudge_due.next_check_at is not None
        assert nudge_due.next_check_at > clock()

    bot.ok("paul", "ack 1")  # a move on the task itself
    assert marks(engine) == {1: True, 2: False}
    sweep(engine, now=clock(), default_tz="UTC")

    with Session(engine) as session:  # the production department's working hours
        dept = session.exec(select(Department).where(Department.name == "production")).one()
        dept.work_start = "08:00"
        session.add(dept)
        session.commit()
    assert marks(engine) == {1: True, 2: False}  # quinn's task is QA's

    sweep(engine, now=clock(), default_tz="UTC")
    with Session(engine) as session:  # quinn moves to another zone
        quinn = session.get(Member, uid("quinn"))
        assert quinn is not None
        quinn.tz = "Asia/Tokyo"
        session.add(quinn)
        session.commit()
    assert marks(engine) == {1: False, 2: True}

    sweep(engine, now=clock(), default_tz="UTC")
    with Session(engine) as session:  # a profile refresh that changes nothing re-marks nothing
        quinn = session.get(Member, uid("quinn"))
        assert quinn is not None
        quinn.tz = "Asia/Tokyo"
        quinn.name = "Quinn Q."
        session.add(quinn)
        session.commit()
    assert marks(engine) == {1: False, 2: False}


def test_an_overdue_owner_gets_one_digest_a_working_day_from_their_schedule(
    engine: Engine, clock: FixedClock
) -> None:
    seed(engine, clock)
    bot = Driver(engine, clock)
    bot.ok("alice", "new Order resin @paul due:2026-11-18")  # today, Wednesday, at the end of the day
    bot.ok("alice", "new Count stock @paul due:2026-11-18")

    def digests(at: datetime) -> list[str]:
        return [p.key for p in sweep(engine, now=at, default_tz="UTC") if p.event == "overdue"]

    assert digests(clock()) == []  # not overdue yet
    thursday = datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert digests(thursday) == ["overdue:U_PAUL:2026-11-19"]  # both tasks, one message
    with Session(engine) as session:
        schedule = session.get(DigestSchedule, uid("paul"))
        assert schedule is not None and schedule.next_at == thursday + timedelta(days=1)
    for minutes in (1, 60, 600):
        assert digests(thursday + timedelta(minutes=minutes)) == []  # once a working day
    assert digests(thursday + timedelta(days=1)) == ["overdue:U_PAUL:2026-11-20"]
    clock.set(thursday + timedelta(days=1, hours=1))
    bot.ok("paul", "done 1 ordered")
    bot.ok("paul", "done 2 counted")
    assert digests(thursday + timedelta(days=4)) == []  # Monday: nothing overdue
    with Session(engine) as session:
        assert session.get(DigestSchedule, uid("paul")) is None  # and no schedule left to look at


def test_a_backlog_is_looked_at_over_several_sweeps_and_nothing_is_lost(
    engine: Engine, clock: FixedClock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from handlers import reminders

    seed(engine, clock)
    bot = Driver(engine, clock)
    for n in range(7):
        bot.ok("alice", f"new Task {n} @paul due:friday")
    monkeypatch.setattr(reminders, "CHECKS_PER_SWEEP", 3)
    looked: list[int] = []
    for _ in range(3):
        before = marks(engine)
        sweep(engine, now=clock(), default_tz="UTC")
        after = marks(engine)
        looked.append(sum(1 for t in before if before[t] and not after[t]))
    assert looked == [3, 3, 1]  # three sweeps share the backlog, within the budget each
    assert not any(marks(engine).values())
    # Thursday 10:00 in Shanghai: the 4-hour promise (on UTC working hours) broken, paul at work.
    four_hours_on = datetime(2026, 11, 19, 2, 0, tzinfo=UTC)
    nudged: set[int] = set()
    for minute in range(3):
        planned = sweep(engine, now=four_hours_on + timedelta(minutes=minute), default_tz="UTC")
        nudged |= {p.task_id or 0 for p in planned if p.event == "ack_nudge"}
    assert nudged == set(range(1, 8))  # every task's nudge, though no sweep looked at more than three
