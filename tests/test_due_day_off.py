"""A due date on the owning department's day off is accepted, and the reply says so."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from handlers.format import fill
from handlers.runner import Outcome
from tests.company import Driver, seed

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bot(engine: Engine, clock: FixedClock) -> Driver:
    seed(engine, clock)
    return Driver(engine, clock)


def said(outcome: Outcome, locale: str = "en") -> str:
    assert outcome.reply.text is not None
    return fill(outcome.reply.text, locale=locale, tz=SHANGHAI)


def test_filing_due_on_a_saturday_is_accepted_with_a_note(bot: Driver) -> None:
    outcome = bot.ok("alice", "new Count the stock @pete due:2026-11-21")
    assert bot.task(1).due_at is not None
    assert said(outcome) == "Filed T-1 for @pete. Note: it is due on 2026-11-21, a day off for #production."
    assert "2026-11-21 是 #production 的非工作日" in said(outcome, "zh")


def test_filing_due_on_a_working_day_has_no_note(bot: Driver) -> None:
    outcome = bot.ok("alice", "new Count the stock @pete due:friday")
    assert said(outcome) == "Filed T-1 for @pete."


def test_moving_the_due_date_to_a_sunday_is_accepted_with_a_note(bot: Driver) -> None:
    bot.ok("alice", "new Count the stock @pete due:friday")
    outcome = bot.ok("alice", "due 1 2026-11-22")
    assert bot.task(1).due_at is not None and bot.task(1).due_at.date().isoformat() == "2026-11-22"
    assert said(outcome).endswith("Note: 2026-11-22 is a day off for #production.")
    assert said(bot.ok("alice", "due 1 2026-11-23")).startswith("T-1 is now due") and "Note" not in said(
        bot.ok("alice", "due 1 2026-11-24")
    )
