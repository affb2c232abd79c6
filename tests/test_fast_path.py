"""On SQLite, Slack requests that cannot wait on Slack are answered on the server's event loop (no thread
hand-off); anything that may wait — a form to open, someone to look up — still goes to a dispatcher
thread, so one slow Slack call never holds up everyone else. Both paths store and answer the same."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.slack import ids
from bot.slack.fast_path import QUICK_PRESSES
from handlers.clock import FixedClock
from storage.models import Task
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton
from tests.slack_payloads import block_actions, button

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[tuple[LiveBaton, list[str]]]:
    """The app, and the name of the thread each dispatch ran on, in order."""
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    fake_slack.add_user("U_PETE", "pete")
    fake_slack.add_user("U_PAUL", "paul")
    fake_slack.add_user("U_NEW", "newcomer")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW))
    assert app.baton.bolt is not None
    threads: list[str] = []
    dispatch = app.baton.bolt.dispatch

    def recorded(request: Any) -> Any:
        threads.append(threading.current_thread().name)
        return dispatch(request)

    app.baton.bolt.dispatch = recorded  # type: ignore[method-assign]
    app.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    yield app, threads
    app.stop()


def on_loop(threads: list[str]) -> bool:
    return not threads[-1].startswith("baton-dispatch")


@pytest.fixture
def quick(db_kind: str) -> bool:
    """Whether a request that cannot wait is answered on the loop: on SQLite. PostgreSQL's statements
    wait on the network, which the dispatcher threads overlap, so every request goes to one there."""
    return db_kind == "sqlite"


def tasks(app: LiveBaton) -> list[Task]:
    with Session(app.baton.engine) as session:
        return list(session.exec(select(Task).order_by(Task.id)).all())


def test_a_known_speakers_command_is_answered_on_the_loop(
    live: tuple[LiveBaton, list[str]], quick: bool
) -> None:
    app, threads = live
    assert threads[0].startswith("baton-dispatch")  # the admin's first request: looked up on Slack
    assert "Filed" in app.reply_text("U_PETE", "new Fix gauge 4 <@U_PAUL|paul>")
    assert on_loop(threads) is False  # pete is new too
    assert "Filed" in app.reply_text("U_PETE", 'new Fix gauge 5 <@U_PAUL|paul> due:"in 3 days"')
    assert on_loop(threads) is quick
    assert [t.title for t in tasks(app)] == ["Fix gauge 4", "Fix gauge 5"]


def test_what_may_wait_on_slack_goes_to_a_thread(
    live: tuple[LiveBaton, list[str]], fake_slack: FakeSlack, quick: bool
) -> None:
    slack = fake_slack
    app, threads = live
    app.reply_text("U_PETE", "new Fix gauge 4 <@U_PAUL|paul>")
    # A bare /task opens the form (views.open): a thread, and the form opened.
    assert app.slash("U_PETE", "").status_code == 200
    assert on_loop(threads) is False
    assert slack.calls_to("views.open")
    # Someone named by id alone is looked up on Slack for their name.
    assert "Filed" in app.reply_text("U_PETE", "new Call the newcomer <@U_NEW> #production")
    assert on_loop(threads) is False
    assert [t.owner_id for t in tasks(app)][-1] == "U_NEW"
    # Bad input from a known speaker: on the loop, answered privately, nothing stored.
    assert "frobnicate" in app.reply_text("U_PETE", "frobnicate")
    assert on_loop(threads) is quick
    assert len(tasks(app)) == 2


def test_a_move_is_pressed_on_the_loop_and_a_form_opening_one_on_a_thread(
    live: tuple[LiveBaton, list[str]], fake_slack: FakeSlack, quick: bool
) -> None:
    slack = fake_slack
    app, threads = live
    app.reply_text("U_PETE", "new Fix gauge 4 <@U_PAUL|paul>")
    task_id = str(tasks(app)[0].id)
    # Paul's first press: not in memory yet, so a thread; his second: the loop.
    ack = block_actions("U_PAUL", button("task_ack", task_id), channel="D_PAUL", message_ts="1.1")
    assert app.interact(ack).status_code == 200
    assert on_loop(threads) is False
    start = block_actions("U_PAUL", button("task_start", task_id), channel="D_PAUL", message_ts="1.1")
    assert app.interact(start).status_code == 200
    assert on_loop(threads) is quick
    assert tasks(app)[0].status == "in_progress"
    # Blocking asks why first (a form): a thread.
    block = block_actions("U_PAUL", button("task_block", task_id), channel="D_PAUL", message_ts="1.1")
    assert app.interact(block).status_code == 200
    assert on_loop(threads) is False
    assert slack.calls_to("views.open")
    assert tasks(app)[0].status == "in_progress"


def test_quick_presses_are_moves_that_open_no_form() -> None:
    for action_id in QUICK_PRESSES - {ids.SNOOZE_ACTION}:
        assert ids.MOVE_ACTIONS.match(action_id)
        assert action_id.removeprefix("task_") not in ids.REASON_MOVES
