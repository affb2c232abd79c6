"""An unexpected error on any surface — slash command, button, form, shortcut, event — answers the person
privately, in their language, with the id it was logged under; Slack gets a 200 (no retry, no warning).
Also: forms open through Baton's own client, so `views.open` carries no `team_id`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn

import pytest

from handlers.clock import FixedClock
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually
from tests.slack_payloads import block_actions, button, event, message_action, view_submission

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
ZH_APOLOGY = re.compile(r"我这边出了问题，什么都没有改动。错误编号：([0-9a-f]{8})。")
EN_APOLOGY = re.compile(
    r"Something went wrong on my side and nothing was changed\. Error id: ([0-9a-f]{8})\."
)


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    fake_slack.add_user("U_PETE", "pete")
    fake_slack.add_user("U_PAUL", "paul", locale="zh-CN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW))
    app.reply_text("U_ADMIN", "dept add production lead <@U_PETE|pete>")
    app.reply_text("U_ADMIN", "member <@U_PAUL|paul> production")
    app.reply_text("U_PETE", "new Fix gauge 4 <@U_PAUL|paul>")
    app.settled()
    yield app
    app.stop()


def broken(*_: Any, **__: Any) -> NoReturn:
    raise RuntimeError("a bug")


def logged(caplog: pytest.LogCaptureFixture, error_id: str) -> bool:
    return any(error_id in r.getMessage() for r in caplog.records)


def private_note(fake: FakeSlack, user_id: str) -> dict[str, Any]:
    """The apology someone was sent: ephemeral in a channel, or a direct message."""

    def found() -> list[dict[str, Any]]:
        ephemeral = [c.params for c in fake.calls_to("chat.postEphemeral") if c.params.get("user") == user_id]
        direct = [c.params for c in fake.dms_to(user_id)]
        return [p for p in ephemeral + direct if ZH_APOLOGY.search(p["text"]) or EN_APOLOGY.search(p["text"])]

    return eventually(found, what=f"a private note to {user_id}")[-1]


def test_a_button_press_that_breaks_is_answered_privately_in_the_readers_language(
    live: LiveBaton, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="baton.slack")
    monkeypatch.setattr("handlers.runner.handle", broken)
    response = live.interact(
        block_actions("U_PAUL", button("task_ack", "1"), channel="C_GENERAL", message_ts="9.9")
    )
    assert response.status_code == 200  # Slack shows no failure of its own
    note = private_note(fake_slack, "U_PAUL")
    assert note["channel"] == "C_GENERAL" and note["user"] == "U_PAUL"
    match = ZH_APOLOGY.search(note["text"])
    assert match and logged(caplog, match[1])


def test_a_form_that_breaks_keeps_its_values_and_shows_the_apology(
    live: LiveBaton, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="baton.slack")
    assert live.slash("U_PETE", "").status_code == 200
    form = eventually(lambda: fake_slack.calls_to("views.open"), what="the form")[-1].params["view"]
    monkeypatch.setattr("handlers.runner.handle", broken)
    response = live.interact(view_submission("U_PETE", form, {"title": "Seals", "owner": "U_PAUL"}))
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    match = EN_APOLOGY.search(body["errors"]["title"])
    assert match and logged(caplog, match[1])


def test_a_shortcut_that_breaks_is_answered_privately(
    live: LiveBaton, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.runner.handle", broken)
    response = live.interact(
        message_action("U_PAUL", channel="C_FLOOR", text="Seals leak", ts="1700000000.1")
    )
    assert response.status_code == 200
    note = private_note(fake_slack, "U_PAUL")
    assert note["channel"] == "C_FLOOR" and ZH_APOLOGY.search(note["text"])
    assert fake_slack.calls_to("views.open") == []


def test_an_event_that_breaks_is_answered_privately_and_not_retried(
    live: LiveBaton, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.standup_replies.reply_written", broken)
    reply = {
        "type": "message",
        "channel": "C_PROD",
        "user": "U_PETE",
        "text": "hi",
        "ts": "2.2",
        "thread_ts": "1.1",
    }
    response = live.event(event(reply))
    assert response.status_code == 200  # a 500 would make Slack deliver the event again
    note = private_note(fake_slack, "U_PETE")
    assert note["channel"] == "C_PROD" and EN_APOLOGY.search(note["text"])


def test_a_slash_command_that_breaks_apologises_in_the_speakers_language(
    live: LiveBaton, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.runner.handle", broken)
    assert ZH_APOLOGY.search(live.reply_text("U_PAUL", "list"))


def test_forms_open_through_batons_own_client_without_a_team_id(
    live: LiveBaton, fake_slack: FakeSlack
) -> None:
    assert live.slash("U_PETE", "").status_code == 200
    live.interact(block_actions("U_PETE", button("task_block", "1"), channel="C_GENERAL", message_ts="9.9"))
    opened = eventually(
        lambda: len(fake_slack.calls_to("views.open")) >= 2 and fake_slack.calls_to("views.open")
    )
    for call in opened:
        assert "team_id" not in call.params  # Slack's views.open takes no team_id
        assert call.params["trigger_id"]
