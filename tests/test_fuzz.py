"""Robustness: the parsers never raise on any text, and 1,000 random slash commands through the real HTTP
endpoint are all answered, none with a 5xx, and the refused ones store nothing."""

from __future__ import annotations

import contextlib
import random
import string
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.syntax import words
from handlers.clock import FixedClock
from handlers.command_parser import parse_task_command
from handlers.errors import BatonError
from handlers.standup_commands import parse_standup_command
from tests.company import counts
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
SUBCOMMANDS = [
    "new",
    "list",
    "show",
    "ack",
    "start",
    "block",
    "done",
    "verify",
    "reopen",
    "cancel",
    "assign",
    "due",
    "priority",
    "comment",
    "watch",
    "depends",
    "handover",
    "dept",
    "member",
    "help",
    "lang",
    "stats",
    "snooze",
    "新建",
    "",
]
NASTY = [
    "<!channel>",
    "<!here>",
    "<@U_PAUL|paul>",
    "<@UXXXX>",
    "<#C1|sales>",
    "&lt;@U1&gt;",
    "'; DROP TABLE task;--",
    '" OR 1=1 --',
    "due:",
    'due:"',
    "!",
    "!urgent",
    "#",
    "@",
    "T-",
    "T-99999999999",
    "\x00",
    "\u202e",
    "🙂",
    "明天下午3点",
    "下周五",
    "\t",
    "\n",
    "a" * 5000,
    "<",
    ">",
    "&",
    "|",
    'due:"next friday 5pm"',
]


def random_text(rng: random.Random) -> str:
    words = [rng.choice(SUBCOMMANDS)]
    for _ in range(rng.randint(0, 8)):
        pick = rng.random()
        if pick < 0.4:
            words.append(rng.choice(NASTY))
        elif pick < 0.7:
            words.append("".join(rng.choice(string.printable) for _ in range(rng.randint(1, 12))))
        else:
            words.append("".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 6))))
    text = " ".join(words)
    return text if rng.random() > 0.02 else text * 40  # now and then something huge


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300), st.booleans())
def test_the_command_parsers_answer_everything(text: str, escaped: bool) -> None:
    for parse in (parse_task_command, parse_standup_command):
        with contextlib.suppress(BatonError):  # a refusal is an answer; anything else fails the test
            parse(words(text) if escaped else text)


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    for user_id, name in (("U_ADMIN", "admin"), ("U_ALICE", "alice"), ("U_PAUL", "paul")):
        fake_slack.add_user(user_id, name, admin=user_id == "U_ADMIN")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW))
    app.reply_text("U_ADMIN", "dept add production lead <@U_PAUL|paul>")
    yield app
    app.stop()


def stored(live: LiveBaton) -> dict[str, int]:
    """What commands store. Where cards were posted is the delivery worker's bookkeeping, written
    whenever an earlier command's card goes out, so it is left out."""
    found = counts(live.baton.engine)
    found.pop("TaskMessage")
    return found


def test_a_thousand_random_slash_commands_over_http(db_kind: str, live: LiveBaton) -> None:
    if db_kind != "sqlite":
        pytest.skip("one database is enough for the fuzz run; the parsers do not touch it")
    rng = random.Random(20261121)
    invalid = 0
    for _ in range(1000):
        text = random_text(rng)
        before = stored(live)
        response = live.slash(rng.choice(["U_ALICE", "U_PAUL", "U_ADMIN"]), text)
        assert response.status_code == 200, (text[:200], response.status_code)
        if not text.split():
            assert response.text == ""  # the New task form was opened instead of a reply
            continue
        body = response.json()
        assert body.get("text") or body.get("blocks"), text[:200]
        assert "Something went wrong" not in body.get("text", ""), text[:200]
        try:
            parse_task_command(words(text))
        except BatonError:
            invalid += 1
            assert stored(live) == before, (text[:200], body.get("text"))
    assert invalid > 300  # most random text cannot be parsed — and none of it stored anything
