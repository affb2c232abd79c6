"""Stand-up commands as people type them, and what a run started by hand says about its closing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.standup_render import summary_payload
from handlers.clock import FixedClock
from handlers.format import fill
from handlers.runner import Here, Outcome, Runner
from storage.models import StandupParticipant, StandupRun
from tests.company import CONFIG, Driver, seed, uid

SHANGHAI = ZoneInfo("Asia/Shanghai")


class StandupDriver(Driver):
    """Types `/standup …` in #production's channel."""

    def __call__(self, who: str, text: str) -> Outcome:
        runner = Runner(self.engine, CONFIG, self.clock)
        return runner.standup(runner.identify(uid(who), who), text, Here(channel_id=self.channel))


@pytest.fixture
def bot(engine: Engine, clock: FixedClock) -> StandupDriver:
    seed(engine, clock)
    return StandupDriver(engine, clock, channel="C_PRODUCTION")


def said(outcome: Outcome, locale: str = "en") -> str:
    assert outcome.reply.text is not None
    return fill(outcome.reply.text, locale=locale, tz=SHANGHAI)


def participants(bot: StandupDriver) -> set[str]:
    with Session(bot.engine) as session:
        return {p.user_id for p in session.exec(select(StandupParticipant)).all()}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("9", "09:00"), ("09:30", "09:30"), ("9:30", "09:30"), ("9am", "09:00"), ("2pm", "14:00")],
)
def test_setup_at_an_hour_means_that_hour_oclock(bot: StandupDriver, typed: str, stored: str) -> None:
    outcome = bot.ok("pete", f"setup at {typed} tz Asia/Shanghai")
    assert outcome.reply.text is not None and outcome.reply.text.params["at"] == stored


@pytest.mark.parametrize("typed", ["25", "13pm", "9:75", "nine"])
def test_setup_at_a_time_that_is_not_one_is_refused(bot: StandupDriver, typed: str) -> None:
    bot.refused("pete", f"setup at {typed}", "standup_time_bad")


def test_add_takes_the_known_people_and_names_the_unknown_one(bot: StandupDriver) -> None:
    bot.ok("pete", "setup at 9 tz Asia/Shanghai")
    before = participants(bot)
    outcome = bot.ok("pete", "add @paul @sam @nobody")
    assert participants(bot) - before == {uid("paul"), uid("sam")}
    assert said(outcome) == "@paul, @sam now take part. I don't know @nobody: not added."
    assert "我不认识 @nobody" in said(outcome, "zh")


def test_add_with_no_known_person_is_refused_and_changes_nothing(bot: StandupDriver) -> None:
    bot.ok("pete", "setup at 9 tz Asia/Shanghai")
    before = participants(bot)
    bot.refused("pete", "add @nobody @ghost", "person_unknown")
    assert participants(bot) == before


def test_an_answer_in_four_parts_is_refused_with_how_to_write_it(bot: StandupDriver) -> None:
    bot.ok("pete", "setup at 9 tz Asia/Shanghai")
    bot.ok("pete", "add @paul")
    bot.ok("pete", "now")
    outcome = bot.refused("paul", "answer a | b | c | d", "standup_answer_too_many")
    assert "/standup answer what you did | what you'll do | what blocks you" in said(outcome)
    bot.ok("paul", "answer a | b | c")


def test_a_stand_up_run_by_hand_closes_one_window_later_and_reports_open_until_then(
    bot: StandupDriver, clock: FixedClock
) -> None:
    bot.ok("pete", "setup at 09:30 tz Asia/Shanghai close 11:30")
    bot.ok("pete", "add @paul")
    clock.advance(timedelta(hours=4))  # 14:00 in Shanghai, long after the configured 11:30
    started = bot.ok("pete", "now")
    assert said(started).endswith("It closes at 16:00.")
    with Session(bot.engine) as session:
        run = session.exec(select(StandupRun)).one()
        assert run.closes_at.astimezone(SHANGHAI).strftime("%H:%M") == "16:00"

    report = bot.ok("pete", "report")
    stats = report.reply.stats
    assert stats is not None and stats.open and stats.closes == "16:00"
    head = summary_payload(stats, report.reply.names, "en")["text"]
    assert "open until 16:00" in head and "closed" not in head
    assert "进行中" in summary_payload(stats, report.reply.names, "zh")["text"]
