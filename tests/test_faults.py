"""Nothing lost, nothing doubled: Slack unreachable, down for a minute, rate limiting, slow answers,
and Slack's own repeated deliveries — through the real HTTP endpoint and the delivery worker."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from handlers.clock import FixedClock
from storage.models import OutboxMessage, Task
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually, signed_headers
from tests.slack_payloads import event, view_submission

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_ALICE", "alice"), ("U_PETE", "pete"), ("U_PAUL", "paul")):
        fake_slack.add_user(user_id, name, tz="Asia/Shanghai", admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW))
    app.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    yield app
    app.stop()


def settle(
    live: LiveBaton, minutes: int = 10, *, until: Callable[[], bool] | None = None, timeout: float = 10.0
) -> None:
    """Let the clock run on so every retry comes due, delivering as the worker would; with `until`, keep
    delivering (pacing lets about one message a second into a channel) until it holds."""
    clock = live.baton.clock
    assert isinstance(clock, FixedClock)
    for _ in range(minutes * 4):
        clock.advance(timedelta(seconds=15))
        live.baton.worker.deliver_due()
    if until is not None:

        def step() -> bool:
            clock.advance(timedelta(seconds=1))
            live.baton.worker.deliver_due()
            return until()

        eventually(step, what="every message to go out", timeout=timeout)


def statuses(live: LiveBaton) -> Counter[str]:
    with Session(live.baton.engine) as session:
        return Counter(r.status for r in session.exec(select(OutboxMessage)).all())


def accepted(fake: FakeSlack) -> Counter[tuple[str, str]]:
    """What Slack accepted: (channel, text) of every chat.postMessage."""
    return Counter((c.params["channel"], c.params["text"]) for c in fake.calls_to("chat.postMessage"))


def file_tasks(live: LiveBaton, count: int) -> None:
    for i in range(count):
        started = time.monotonic()
        assert (
            live.reply_text("U_ALICE", f"new Task number {i} <@U_PAUL|paul>") == f"Filed T-{i + 1} for @paul."
        )
        assert time.monotonic() - started < 3, "a slash command must be answered within Slack's 3 seconds"


def test_with_slack_unreachable_commands_are_answered_and_messages_wait_then_go_in_order_once(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    fake_slack.down = True
    file_tasks(live, 5)
    with Session(live.baton.engine) as session:
        assert len(session.exec(select(Task)).all()) == 5
    fake_slack.down = False
    settle(live, until=lambda: statuses(live) == Counter({"sent": 10}))
    dms = [c.params["text"] for c in fake_slack.dms_to("U_PAUL")]
    # alice was first seen while Slack was down: she is named as her slash command named her (u_alice).
    assert dms == [f"@u_alice asked you to do T-{i}: Task number {i - 1}" for i in range(1, 6)]  # in order
    assert all(n == 1 for n in accepted(fake_slack).values())
    assert statuses(live) == Counter({"sent": 10})  # 5 DMs and 5 cards


def test_slack_down_for_a_minute_loses_and_doubles_nothing(live: LiveBaton, fake_slack: FakeSlack) -> None:
    fake_slack.down = True
    file_tasks(live, 3)
    settle(live, minutes=1)  # every attempt in that minute fails
    assert fake_slack.calls_to("chat.postMessage") == []
    fake_slack.down = False
    settle(live, until=lambda: statuses(live) == Counter({"sent": 6}))
    assert len(fake_slack.calls_to("chat.postMessage")) == 6
    assert all(n == 1 for n in accepted(fake_slack).values())


def test_a_burst_of_rate_limits_is_waited_out(live: LiveBaton, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", 429, "ratelimited", times=12, headers={"Retry-After": "3"})
    fake_slack.fail("chat.postMessage", 500, times=4)
    file_tasks(live, 4)
    # 24 attempts into two channels, paced at about one a second each in real time: about 9 s here.
    settle(live, until=lambda: statuses(live) == Counter({"sent": 8}), timeout=30)
    assert len(fake_slack.calls_to("chat.postMessage")) == 8
    assert all(n == 1 for n in accepted(fake_slack).values())
    assert statuses(live) == Counter({"sent": 8})


def test_a_slow_slack_never_delays_the_answer(live: LiveBaton, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U_NEW", "newcomer", tz="Europe/Berlin")
    fake_slack.delays["users.info"] = 4.0  # slower than Slack lets a slash command wait
    started = time.monotonic()
    assert live.reply_text("U_NEW", "help").startswith("*Baton")
    assert time.monotonic() - started < 3
    fake_slack.delays.clear()


def test_a_failed_profile_lookup_is_not_repeated_on_every_request(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    def lookups() -> list[str]:
        return [c.params["user"] for c in fake_slack.calls_to("users.info") if c.params["user"] == "U_NEW2"]

    fake_slack.fail("users.info", 200, "user_not_found", times=1)
    live.reply_text("U_NEW2", "help")
    live.reply_text("U_NEW2", "help")
    assert lookups() == []  # the one lookup failed (faults are not recorded); the second request waited
    clock = live.baton.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=11))
    fake_slack.add_user("U_NEW2", "newcomer", tz="Europe/Berlin")
    live.reply_text("U_NEW2", "help")
    # Tried again later, off the request path: the stored profile answered meanwhile.
    eventually(lambda: lookups() == ["U_NEW2"], what="the profile looked up again")


def test_repeated_event_deliveries_are_handled_once(live: LiveBaton, fake_slack: FakeSlack) -> None:
    envelope = event({"type": "app_home_opened", "user": "U_PAUL", "channel": "D1", "tab": "home"})
    first = live.event(envelope)
    import json as _json

    body = _json.dumps(envelope)
    retry = live.post(
        body,
        {
            **signed_headers(body),
            "Content-Type": "application/json",
            "X-Slack-Retry-Num": "1",
            "X-Slack-Retry-Reason": "http_timeout",
        },
    )
    assert first.status_code == retry.status_code == 200
    eventually(lambda: fake_slack.calls_to("views.publish"), what="the home tab")
    settle(live, minutes=1)
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_a_form_submitted_twice_files_one_task(live: LiveBaton, fake_slack: FakeSlack) -> None:
    live.slash("U_ALICE", "")
    form = eventually(lambda: fake_slack.calls_to("views.open"), what="the form")[0].params["view"]
    submission = view_submission("U_ALICE", form, {"title": "Only once", "owner": "U_PAUL"})
    assert live.interact(submission).status_code == 200
    assert live.interact(submission).status_code == 200
    with Session(live.baton.engine) as session:
        assert [t.title for t in session.exec(select(Task)).all()] == ["Only once"]


def test_answers_slower_than_three_seconds_still_arrive_once(live: LiveBaton, fake_slack: FakeSlack) -> None:
    fake_slack.delays["chat.postMessage"] = 3.5
    started = time.monotonic()
    assert live.reply_text("U_ALICE", "new Slow one <@U_PAUL|paul>") == "Filed T-1 for @paul."
    assert time.monotonic() - started < 3  # the reply never waits for Slack
    settle(live, minutes=0, until=lambda: statuses(live) == Counter({"sent": 2}))
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
