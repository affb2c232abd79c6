"""Intake (SPEC §8): request types and their fields, triage rotation, ratings, recurring requests."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.text_render import reply_lines
from handlers.clock import FixedClock
from handlers.format import stats_lines
from handlers.messages import Composer
from handlers.ratings import RATING_MOVES
from scheduler.sweep import sweep
from storage.db import make_engine, unit_of_work
from storage.models import (
    OutboxMessage,
    RepeatSchedule,
    RequestType,
    Standup,
    StandupParticipant,
    Task,
    TaskEvent,
    TaskField,
    TriageTurn,
)
from tests.company import CONFIG, Driver, seed, uid

CALIB = 'type add qa calib fields "gauge id"*, location priority high sla 2h'


@pytest.fixture
def bot(engine: Engine, clock: FixedClock) -> Driver:
    seed(engine, clock)
    return Driver(engine, clock)


def intake_counts(engine: Engine) -> dict[str, int]:
    tables = [RequestType, TaskField, TriageTurn, RepeatSchedule, Task, TaskEvent, OutboxMessage]
    with Session(engine) as session:
        return {t.__name__: int(session.exec(select(func.count()).select_from(t)).one()) for t in tables}


def refused(bot: Driver, who: str, text: str, key: str) -> None:
    before = intake_counts(bot.engine)
    bot.refused(who, text, key)
    assert intake_counts(bot.engine) == before


# ---- request types ---------------------------------------------------------------------------


def test_a_type_with_two_fields_is_filed_by_command_with_its_priority_promise_and_fields(bot: Driver) -> None:
    refused(bot, "alice", CALIB, "not_allowed_type")  # only qa's lead (or an admin)
    bot.ok("quinn", CALIB)
    listed = bot.ok("alice", "type list qa").reply.text
    assert listed is not None and "gauge id*, location" in listed.params["lines"]
    out = bot.ok("alice", 'new calib Check the torque gauge "gauge id": G-7 location: "bay 3"')
    task = bot.task(1)
    assert (task.title, task.priority, task.sla_hours, task.owner_id) == (
        "Check the torque gauge", "high", 2, uid("quinn")
    )  # fmt: skip
    assert out.reply.task is not None and out.reply.task.fields == (
        ("gauge id", "G-7"),
        ("location", "bay 3"),
    )
    shown = bot.ok("alice", "show 1").reply
    assert shown.task is not None and shown.task.request_type == "calib"
    lines = "\n".join(reply_lines(shown, locale="en", tz=UTC))
    assert "gauge id: G-7 · location: bay 3" in lines and "Type: calib" in lines
    # Only the required field: fine. The first word names no type: an ordinary title, colons and all.
    bot.ok("alice", 'new calib Second gauge #qa "gauge id":G-9')
    bot.ok("alice", "new Note: the seals leak #qa")
    assert bot.task(3).title == "Note: the seals leak" and bot.task(3).request_type_id is None
    listed_tasks = bot.ok("quinn", "list dept qa type calib").reply
    assert [v.id for v in listed_tasks.tasks] == [1, 2]
    # Named by its owner's department (the type is asked with the people, storage.people.briefs): a
    # type there; the same word for an owner in another department is part of the title.
    bot.ok("alice", 'new calib Third gauge @quinn "gauge id":G-11')
    assert (bot.task(4).title, bot.task(4).priority) == ("Third gauge", "high")
    assert bot.task(4).request_type_id == bot.task(1).request_type_id
    bot.ok("alice", "new calib the line @pete")
    assert (bot.task(5).title, bot.task(5).request_type_id) == ("calib the line", None)


def test_bad_type_input_is_refused_privately_and_stores_nothing(bot: Driver) -> None:
    bot.ok("quinn", CALIB)
    refused(bot, "alice", "new calib Check it location: bay3", "field_missing")
    refused(bot, "alice", 'new calib Check it "gauge id": 1 colour: red', "field_unknown")
    refused(bot, "quinn", "list dept qa type blursd", "type_unknown")
    refused(bot, "quinn", "type remove qa blursd", "type_unknown")
    refused(bot, "quinn", CALIB, "type_exists")
    refused(bot, "quinn", "type add qa x fields bad/name", "field_name_bad")
    out = bot("alice", "new calib Check it location: bay3")
    assert out.reply.kind == "error"  # the usual private refusal
    zh = bot("paul", "new calib 检查 location: bay3")
    assert zh.reply.text is not None and zh.reply.text.key == "field_missing" and zh.locale == "zh"


# ---- triage ----------------------------------------------------------------------------------


def _away(engine: Engine, clock: FixedClock, name: str) -> None:
    with unit_of_work(engine) as session:
        standup = Standup(
            channel_id="C_PROD", at_time="09:30", close_time="11:00", tz="UTC", created_by=uid("pete"),
            created_at=clock(),
        )  # fmt: skip
        session.add(standup)
        session.flush()
        assert standup.id is not None
        away = StandupParticipant(
            standup_id=standup.id, user_id=uid(name), away_until=clock() + timedelta(days=7)
        )
        session.add(away)


def test_rotation_gives_work_to_members_in_turn_skipping_people_away(bot: Driver, clock: FixedClock) -> None:
    bot.ok("admin", "member @olga production")  # production: pete (lead), paul, olga
    bot.ok("admin", "dept set production triage rotate")
    _away(bot.engine, clock, "paul")
    for i in range(4):
        bot.ok("alice", f"new Job {i} #production")
    owners = [bot.task(i).owner_id for i in range(1, 5)]
    assert owners == [uid("olga"), uid("pete"), uid("olga"), uid("pete")]
    assert ("triage", uid("alice"), uid("olga")) in bot.events(1)
    with Session(bot.engine) as session:
        notes = session.exec(select(TaskEvent.note).where(TaskEvent.action == "triage")).all()
    assert set(notes) == {"triage: rotate"}
    bot.ok("pete", "assign 1 @paul")  # the lead can always reassign
    assert bot.task(1).owner_id == uid("paul")
    refused(bot, "admin", "dept set production triage sometimes", "triage_bad")


def test_a_types_rotation_has_its_own_turn(bot: Driver) -> None:
    bot.ok("admin", "member @olga production")
    bot.ok("pete", "type add production repair rotate @paul @olga")
    for i in range(3):
        bot.ok("alice", f"new repair Fix {i} #production")
    assert [bot.task(i).owner_id for i in (1, 2, 3)] == [uid("paul"), uid("olga"), uid("paul")]
    bot.ok("alice", "new Plain job #production")  # the department's rule: its lead
    assert bot.task(4).owner_id == uid("pete")


def test_rotation_is_fair_across_processes(file_engine_url: str, clock: FixedClock) -> None:
    """Two replicas (separate engines) file at once: every turn given once, nobody skipped."""
    setup = make_engine(file_engine_url)
    seed(setup, clock)
    Driver(setup, clock).ok("admin", "member @olga production")
    Driver(setup, clock).ok("admin", "dept set production triage rotate")
    _away(setup, clock, "paul")
    errors: list[BaseException] = []

    def replica(n: int) -> None:
        engine = make_engine(file_engine_url)
        try:
            for i in range(10):
                Driver(engine, clock).ok("alice", f"new Job {n}-{i} #production")
        except BaseException as err:  # reported below: a thread's failure must fail the test
            errors.append(err)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors and not any(th.is_alive() for th in threads)
    with Session(setup) as session:
        owners = Counter(session.exec(select(Task.owner_id)).all())
        turn = session.exec(select(TriageTurn.counter)).one()
    assert owners == {uid("olga"): 10, uid("pete"): 10} and turn == 20
    setup.dispose()


# ---- ratings ---------------------------------------------------------------------------------


def _done(bot: Driver, title: str) -> int:
    bot.ok("alice", f"new {title} @pete")
    with Session(bot.engine) as session:
        task_id = session.exec(select(func.max(Task.id))).one()
    bot.ok("pete", f"done {task_id}")
    return int(task_id)


def test_a_rating_by_command_and_by_button_shows_on_the_task_in_stats_and_the_digest(
    bot: Driver, clock: FixedClock
) -> None:
    first = _done(bot, "Gasket")
    refused(bot, "alice", f"verify {first} 7", "rating_bad")
    bot.clear_outbox()
    bot.ok("alice", f"verify {first} 5 spot on")
    assert (bot.task(first).rating, bot.task(first).rating_note) == (5, "spot on")
    assert (uid("pete"), "rated") in bot.dms()  # the owner is told
    assert (uid("alice"), "rate_ask") not in bot.dms()
    second = _done(bot, "Seal")
    bot.clear_outbox()
    bot.ok("alice", f"verify {second}")
    assert (uid("alice"), "rate_ask") in bot.dms()
    with unit_of_work(bot.engine) as session:
        ask = session.exec(select(OutboxMessage).where(OutboxMessage.event == "rate_ask")).one()
        message = Composer(session, now=clock(), config=CONFIG, directory=None).compose(ask).message
    assert message is not None and message.body.item is not None  # type: ignore[union-attr]
    assert message.body.item.moves == RATING_MOVES  # type: ignore[union-attr]
    bot.ok("alice", f"rate {second} 2")  # what the button "2 ★" sends
    bot.ok("alice", f"rate {second} 3")  # changed within the day
    clock.advance(timedelta(days=2))
    refused(bot, "alice", f"rate {second} 4", "rate_locked")
    refused(bot, "sam", f"rate {first} 4", "not_allowed_rate")
    assert bot.task(second).rating == 3
    shown = bot.ok("alice", f"show {second}").reply
    assert "Rating: ★★★☆☆ 3/5" in "\n".join(reply_lines(shown, locale="en", tz=UTC))
    clock.advance(timedelta(days=7))
    stats = bot.ok("pete", "stats production 2").reply.stats
    assert (stats.rating_avg, stats.rating_count) == (4.0, 2)
    assert "Rating: 4.0/5 (2 rated)" in stats_lines(stats, locale="en")
    # The weekly digest of the week they were given in (posted Monday 23 Nov in production's channel).
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    sweep(bot.engine, now=monday, default_tz="UTC")
    with unit_of_work(bot.engine) as session:
        digests = select(OutboxMessage).where(OutboxMessage.event == "digest")
        row = session.exec(digests.where(OutboxMessage.recipient == "C_PRODUCTION")).one()
        post = Composer(session, now=monday, config=CONFIG, directory=None).compose(row).message.body
    assert (post.stats.rating_avg, post.stats.rating_count) == (4.0, 2)  # type: ignore[union-attr]


# ---- recurring requests ----------------------------------------------------------------------


def test_bad_repeat_input_is_refused(bot: Driver) -> None:
    bot.ok("alice", "new Weekly stock count @pete")
    refused(bot, "alice", "repeat 1 every blursday", "repeat_rule_bad")
    refused(bot, "alice", "repeat 1 every month 31", "repeat_month_bad")
    refused(bot, "alice", "repeat 1 every monday at 25:00", "repeat_usage")
    refused(bot, "alice", "repeat stop 1", "repeat_unknown")


def test_a_weekly_repeat_files_once_a_week_over_a_month_with_a_restart_and_holidays(
    file_engine_url: str, clock: FixedClock
) -> None:
    engine = make_engine(file_engine_url)
    seed(engine, clock)
    clock.set(datetime(2026, 12, 14, 2, 0, tzinfo=UTC))  # Monday 14 Dec, 10:00 in Shanghai
    bot = Driver(engine, clock)
    bot.ok("admin", "dept set sales country CN")  # Alice's calendar: China's holidays
    bot.ok("alice", "new Stock count @pete due:tomorrow")
    out = bot.ok("alice", "repeat 1 every friday at 09:00")
    assert out.reply.text is not None and out.reply.text.key == "repeat_ok"
    assert "T-1 · every friday at 09:00" in (bot.ok("alice", "repeat list").reply.text or "").params["lines"]
    now = clock()
    end = datetime(2027, 1, 10, tzinfo=UTC)
    restarted = False
    while now < end:
        sweep(engine, now=now, default_tz="UTC")
        sweep(engine, now=now, default_tz="UTC")  # a second replica at the same instant
        now += timedelta(hours=1)
        if not restarted and now >= datetime(2026, 12, 28, tzinfo=UTC):
            engine.dispose()
            engine = make_engine(file_engine_url)  # a restart: nothing kept in memory
            restarted = True
    with Session(engine) as session:
        copies = session.exec(select(Task).where(Task.repeat_key.is_not(None)).order_by(Task.id)).all()  # type: ignore[union-attr]
        notes = session.exec(select(TaskEvent.note).where(TaskEvent.action == "repeat_copy")).all()
    filed = [c.created_at.astimezone(UTC) for c in copies]
    # Fridays 18 and 25 Dec at 09:00 Shanghai; 1 Jan is a holiday: Monday 4 Jan; then Friday 8 Jan.
    assert filed == [
        datetime(2026, 12, 18, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 25, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 4, 1, 0, tzinfo=UTC),
        datetime(2027, 1, 8, 1, 0, tzinfo=UTC),
    ]
    assert all(c.title == "Stock count" and c.owner_id == uid("pete") for c in copies)
    assert all(
        c.due_at is not None and c.due_at - c.created_at == copies[0].due_at - copies[0].created_at
        for c in copies
    )  # type: ignore[operator]
    assert len(notes) == 4 and all(n and n.startswith("repeat #1: every friday at 09:00") for n in notes)
    bot = Driver(engine, clock)
    bot.ok("alice", "repeat stop 1")
    engine.dispose()
