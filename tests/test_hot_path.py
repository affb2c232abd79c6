"""The request path: who is speaking from memory (a known speaker costs no transaction, a stale profile is
refreshed in the background, a change of language is heard at once), plain inserts, no cold parsers."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from handlers.commands import SetLanguage
from handlers.context import Profile
from handlers.known_people import KnownPeople
from handlers.runner import Runner
from storage import people as people_store
from storage.db import unit_of_work
from tests.company import CONFIG
from tests.conftest import NOW
from tests.live import eventually


class Directory:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []  # (user id, thread name)
        self.profiles = {"U_ANA": Profile("U_ANA", "ana", tz="Europe/Berlin", locale="de-DE")}

    def profile(self, user_id: str) -> Profile | None:
        self.asked.append((user_id, threading.current_thread().name))
        return self.profiles.get(user_id)


def statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_known_speaker_is_answered_from_memory(engine: Engine, clock: FixedClock) -> None:
    directory = Directory()
    people = KnownPeople(engine, CONFIG, clock, directory)
    first = people.actor("U_ANA", "ana")
    assert (first.name, str(first.tz)) == ("ana", "Europe/Berlin")
    assert directory.asked == [("U_ANA", threading.current_thread().name)]  # first sight: asked now
    seen = statements(engine)
    assert people.actor("U_ANA", "ana") == first
    assert seen == []
    clock.advance(timedelta(seconds=31))  # then read again: a change made elsewhere is seen
    people.actor("U_ANA", "ana")
    assert seen != []
    assert len(directory.asked) == 1  # the stored profile is fresh: nobody asked


def test_a_stale_profile_answers_and_is_refreshed_off_the_request_path(
    engine: Engine, clock: FixedClock
) -> None:
    directory = Directory()
    people = KnownPeople(engine, CONFIG, clock, directory)
    people.actor("U_ANA", "ana")
    clock.advance(timedelta(days=2))
    directory.profiles["U_ANA"] = Profile("U_ANA", "Ana Lang", tz="Asia/Shanghai", locale="zh-CN")
    assert people.actor("U_ANA", "ana").name == "ana"  # the stored profile, without waiting
    eventually(lambda: len(directory.asked) == 2, what="the background refresh")
    assert directory.asked[1][1].startswith("baton-profiles")
    people.close()
    with unit_of_work(engine) as session:
        row = people_store.member(session=session, user_id="U_ANA")
        assert row is not None and (row.name, row.tz) == ("Ana Lang", "Asia/Shanghai")
    assert people.actor("U_ANA", "ana").locale == "zh"  # forgotten once refreshed: read again


def test_a_new_language_is_heard_at_once_and_a_command_is_one_transaction(
    engine: Engine, clock: FixedClock
) -> None:
    runner = Runner(engine, CONFIG, clock, Directory(), KnownPeople(engine, CONFIG, clock, Directory()))
    actor = runner.identify("U_ANA", "ana")
    commits: list[object] = []
    event.listen(engine, "commit", lambda conn: commits.append(conn))
    runner.run(runner.identify("U_ANA", "ana"), SetLanguage(locale="zh"))
    assert len(commits) == 1
    assert actor.locale != "zh" and runner.identify("U_ANA", "ana").locale == "zh"


def test_what_start_up_built_is_kept_out_of_collections(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gc

    from bot.app import create_local
    from bot.settings import Settings
    from tests.simulation import Recorder

    gc.unfreeze()
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'f.db'}")  # type: ignore[call-arg]
    clock = FixedClock(NOW)
    baton = create_local(settings, Recorder(clock), clock=clock)
    baton.start(serving=True)
    try:
        assert gc.get_freeze_count() > 0
    finally:
        baton.stop()
        gc.unfreeze()


def test_common_due_phrases_never_reach_dateparser(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    import handlers.dates as dates

    def cold(*_args: object) -> None:
        raise AssertionError("dateparser on the hot path")

    monkeypatch.setattr(dates, "_dateparser", cold)
    for phrase in ("in 3 days", "tomorrow", "friday", "next monday", "eod", "in 2 weeks", "明天", "下周一"):
        assert dates.parse_when(phrase, now=NOW, tz=ZoneInfo("Asia/Shanghai")) > NOW


def test_an_event_is_a_plain_insert_outside_the_unit_of_work(engine: Engine, clock: FixedClock) -> None:
    from sqlmodel import select

    from storage import tasks as task_store
    from storage.models import TaskEvent
    from tests.company import Driver, seed

    seed(engine, clock)
    Driver(engine, clock).ok("alice", "new Order resin @paul")
    with unit_of_work(engine) as session:
        task_store.record_event(session=session, task_id=1, actor_id="U_ANA", action="noted", at=clock())
        assert not session.new  # nothing left for a flush to do
    with unit_of_work(engine) as session:
        rows = session.exec(select(TaskEvent).where(TaskEvent.action == "noted")).all()
        assert [(r.task_id, r.at) for r in rows] == [(1, clock())]


def test_filing_reads_nothing_back_and_marks_the_task_for_the_sweep(
    engine: Engine, clock: FixedClock
) -> None:
    """The reply to `/task new` is built from what the handler holds: after the first write, no reads."""
    from tests.company import Driver, seed

    seed(engine, clock)
    driver = Driver(engine, clock)
    driver.ok("alice", "new Warm up @paul")  # the speaker is known from here on
    seen = statements(engine)
    outcome = driver.ok("alice", 'new Order resin @paul due:"in 3 days"')
    first_write = next(i for i, s in enumerate(seen) if s.lstrip().upper().startswith("INSERT"))
    reads = [s for s in seen[first_write:] if s.lstrip().upper().startswith("SELECT")]
    # Who speaks (this driver keeps no people in memory), the speaker with their department, @paul by
    # name and with his department and lead (and whether "Order" is a request type there); then four
    # inserts.
    assert reads == [] and len(seen) <= 9, seen
    view = outcome.reply.task
    assert view is not None
    stored = driver.task(view.id)
    assert stored.next_check_at is not None  # the sweep will look at it, as at any new task
    assert (view.owner_id, view.requester_id, view.due_at) == (
        stored.owner_id,
        stored.requester_id,
        stored.due_at,
    )
    assert (
        outcome.reply.names[stored.owner_id] == "paul" and outcome.reply.names[stored.requester_id] == "alice"
    )


def test_a_move_is_one_plain_update_and_the_sweep_looks_again(engine: Engine, clock: FixedClock) -> None:
    from handlers.commands import Move
    from tests.company import Driver, seed, uid

    seed(engine, clock)
    driver = Driver(engine, clock)
    task_id = driver.ok("alice", "new Order resin @paul").reply.task.id  # type: ignore[union-attr]
    with unit_of_work(engine) as session:
        from storage.models import Task

        row = session.get(Task, task_id)
        assert row is not None
        row.next_check_at = None  # as if the sweep had settled it
    seen = statements(engine)
    runner = Runner(engine, CONFIG, clock)
    outcome = runner.run(
        runner.identify(uid("paul"), "paul"), Move(move="ack", task_id=task_id, pressed=True)
    )
    assert outcome.ok
    assert [s for s in seen if s.lstrip().upper().startswith("UPDATE")] == [
        next(s for s in seen if s.lstrip().upper().startswith("UPDATE TASK"))
    ]
    stored = driver.task(task_id)
    assert (stored.status, stored.acknowledged_at, stored.updated_at) == ("acknowledged", clock(), clock())
    assert stored.next_check_at is not None


def test_a_refusal_undoes_what_the_handler_wrote_and_keeps_what_if_refused_writes(
    engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused press costs one session: the handler's writes are rolled back, the private note stays."""
    from sqlmodel import select

    from handlers.commands import Move
    from handlers.context import Context
    from handlers.errors import BatonError, NotAllowed
    from handlers.interactions import queue_private_in
    from handlers.results import Text
    from storage import tasks as task_store
    from storage.models import OutboxMessage, TaskEvent
    from tests.company import Driver, seed, uid

    seed(engine, clock)
    task_id = Driver(engine, clock).ok("alice", "new Order resin @paul").reply.task.id  # type: ignore[union-attr]

    def writes_then_refuses(ctx: Context, _command: object) -> None:
        task_store.record_event(
            session=ctx.session, task_id=task_id, actor_id="U_X", action="half", at=ctx.now
        )
        raise NotAllowed("not_allowed_edit", task_id=task_id)

    def note(ctx: Context, refusal: BatonError) -> None:
        text = Text(refusal.key, refusal.params)
        queue_private_in(ctx.session, user_id=ctx.actor.user_id, channel_id="C1", text=text, now=ctx.now)

    monkeypatch.setattr("handlers.runner.handle", writes_then_refuses)
    runner = Runner(engine, CONFIG, clock)
    outcome = runner.run(
        runner.identify(uid("paul"), "paul"), Move(move="ack", task_id=task_id), if_refused=note
    )
    assert not outcome.ok and outcome.reply.text == Text("not_allowed_edit", {"task_id": task_id})
    with unit_of_work(engine) as session:
        assert session.exec(select(TaskEvent).where(TaskEvent.action == "half")).all() == []
        notes = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "ephemeral")).all()
        assert [(n.recipient, json.loads(n.data)["key"]) for n in notes] == [
            (uid("paul"), "not_allowed_edit")
        ]


def test_a_statement_sent_straight_to_the_driver_fails_as_through_sqlalchemy(
    engine: Engine, clock: FixedClock
) -> None:
    """storage.direct: the driver's error arrives as SQLAlchemy's type, and the writer after it goes on."""
    from sqlalchemy.exc import IntegrityError

    from storage import outbox

    with pytest.raises(IntegrityError), unit_of_work(engine) as session:
        outbox.enqueue(session=session, kind="dm", recipient="U_A", now=clock(), dedupe_key="once")
        outbox.enqueue(session=session, kind="dm", recipient="U_A", now=clock(), dedupe_key="once")
    with unit_of_work(engine) as session:
        outbox.enqueue(session=session, kind="dm", recipient="U_A", now=clock(), dedupe_key="once")


def test_a_statement_sent_straight_to_the_driver_is_heard_starting_and_finishing(
    engine: Engine, clock: FixedClock
) -> None:
    """Tools time statements between SQLAlchemy's two cursor events (the bench's sweep profile does)."""
    from storage import outbox

    heard: list[tuple[str, str]] = []
    event.listen(engine, "before_cursor_execute", lambda *args: heard.append(("before", args[2])))
    event.listen(engine, "after_cursor_execute", lambda *args: heard.append(("after", args[2])))
    with unit_of_work(engine) as session:
        outbox.enqueue(session=session, kind="dm", recipient="U_A", now=clock())
    inserts = [(when, sql.split()[0]) for when, sql in heard if "outboxmessage" in sql]
    assert inserts == [("before", "INSERT"), ("after", "INSERT")]
