"""A person Slack mentions by id alone (`<@U…>`, as current Slack clients send it) is named by their
display name in replies and when first stored, never by the raw id."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from handlers.clock import FixedClock
from storage.models import Member
from tests.conftest import NOW
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton


@pytest.fixture
def live(file_engine_url: str, fake_slack: FakeSlack) -> Iterator[LiveBaton]:
    fake_slack.add_user("U_ALICE", "alice")
    fake_slack.add_user("U_ADMIN", "admin", admin=True)
    fake_slack.add_user("U_NEWBIE", "Nora Newbie")
    app = LiveBaton(file_engine_url, fake_slack, clock=FixedClock(NOW))
    yield app
    app.stop()


def test_an_unnamed_mention_is_named_in_the_reply_and_stored_by_name(live: LiveBaton) -> None:
    reply = live.reply_text("U_ALICE", "new Check the gauges <@U_NEWBIE>")
    assert "@Nora Newbie is in no department yet" in reply and "U_NEWBIE" not in reply
    live.reply_text("U_ADMIN", "dept add sales lead <@U_ALICE>")
    reply = live.reply_text("U_ALICE", "new Check the gauges <@U_NEWBIE> #sales")
    assert "for @Nora Newbie" in reply
    with Session(live.baton.engine) as session:
        member = session.get(Member, "U_NEWBIE")
        assert member is not None and member.name == "Nora Newbie"
