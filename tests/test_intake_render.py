"""The intake messages as the console shows them (a thread post, the private offer), and the intake
reaction's setting."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.settings import ConfigError, load_settings
from bot.slack.messages import render
from bot.text_render import message_lines
from handlers.outgoing import IntakeOffer, Notice, Origin, Outgoing, Reader, Where
from handlers.results import Text

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
READER = Reader("U_ALICE", "en", ZoneInfo("UTC"), "alice")


def outgoing(where: Where, body: IntakeOffer | Notice, kind: str, event: str) -> Outgoing:
    return Outgoing(where, READER, body, NOW, Origin(1, kind, event, where.conversation, 1))


def test_the_console_shows_a_tasks_thread_post_under_its_thread() -> None:
    params = {"actor": "paul", "task_id": 1, "title": "Fix the gasket"}
    message = outgoing(
        Where("#floor", thread="1700000100.000100"), Notice(Text("n_ack", params)), "thread", "ack"
    )
    head, lines = message_lines(message)
    assert head == "[#floor › thread 1700000100.000100]"
    assert lines == ["@paul acknowledged T-1: Fix the gasket"]


def test_the_offer_quotes_the_message_in_the_console_and_in_slack() -> None:
    offer = IntakeOffer("Gasket <leaking>\non line 2", "C_FLOOR", "1700000100.000100")
    message = outgoing(Where("C_FLOOR", only_for="U_ALICE"), offer, "ephemeral", "offer")
    head, lines = message_lines(message)
    assert head == "[C_FLOOR, only @alice]"
    assert lines[:2] == ["> Gasket <leaking>", "> on line 2"] and "File this message" in lines[2]
    blocks = render(message)["blocks"]
    assert blocks[0]["text"]["text"] == "> Gasket &lt;leaking&gt;\n> on line 2"  # escaped: never a ping
    assert blocks[-1]["elements"][0]["action_id"] == "intake_offer"


def test_the_intake_emoji_is_a_name_without_colons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATON_INTAKE_EMOJI", raising=False)
    assert load_settings(_env_file=None).baton_intake_emoji == "ticket"
    monkeypatch.setenv("BATON_INTAKE_EMOJI", ":Inbox_Tray:")
    assert load_settings(_env_file=None).baton_intake_emoji == "inbox_tray"
    monkeypatch.setenv("BATON_INTAKE_EMOJI", "two words")
    with pytest.raises(ConfigError, match="BATON_INTAKE_EMOJI"):
        load_settings(_env_file=None)
