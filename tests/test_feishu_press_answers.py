"""A press on Feishu / Lark is answered with a toast and the updated card (SPEC §7): on a shared card
(`update_multi`) the callback's card updates it for every reader, as Feishu documents, so the outbox does not
patch the same card again; a change the answer did not show is still patched. Through signed events and the
fake Open Platform."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.feishu import ids
from bot.feishu.shown import ShownCards
from handlers.clock import FixedClock
from storage.models import OutboxMessage, TaskMessage
from tests.fake_feishu import FakeFeishu
from tests.feishu_cards import card_text, check_card
from tests.live import eventually
from tests.live_feishu import LiveFeishu
from tests.test_feishu_end_to_end import ALICE, NOW, PAUL, setup_company, task
from tests.test_feishu_end_to_end import fake as fake  # noqa: F401  (a fixture)


@pytest.fixture(params=["http", "long"])
def live(request: pytest.FixtureRequest, file_engine_url: str, fake: FakeFeishu) -> Iterator[LiveFeishu]:  # noqa: F811
    app = LiveFeishu(file_engine_url, fake, clock=FixedClock(NOW), mode=request.param)
    setup_company(app)
    yield app
    app.stop()


def patches_of(live: LiveFeishu, message_id: str) -> list[dict[str, Any]]:
    return [json.loads(c.body["content"]) for c in live.fake.calls_to("patch") if c.path_id == message_id]


def group_card(live: LiveFeishu) -> str:
    """The message id of the task's card in the group (as Feishu knows it)."""
    with Session(live.baton.engine) as session:
        found = session.get(TaskMessage, (1, "fs:oc_group1"))
        assert found is not None
        return ids.theirs(found.ts)


def dm_to(live: LiveFeishu, open_id: str) -> tuple[str, str]:
    """The (chat, message) of the notice about T-1 sent to a person."""
    with Session(live.baton.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "dm", OutboxMessage.recipient == ids.ours(open_id)
            )
        ).all()
        sent = [r for r in rows if r.task_id == 1 and r.sent_ts and r.sent_channel]
        assert sent
        return ids.theirs(sent[0].sent_channel or ""), ids.theirs(sent[0].sent_ts or "")


def test_a_press_on_a_shared_card_is_answered_with_the_updated_card_and_not_patched_again(
    live: LiveFeishu,
) -> None:
    live.say(ALICE, "task new Fix the printer @paul", direct=False, mentions={"paul": PAUL})
    live.settled()
    card_id = group_card(live)
    answer = live.press(PAUL, {"a": ids.MOVE_ACTION, "task": 1, "move": "ack"}, message_id=card_id)
    assert answer["toast"]["type"] == "success", answer
    shown = answer["card"]["data"]
    check_card(shown)
    assert "acknowledged" in card_text(shown) and "Fix the printer" in card_text(shown)
    assert task(live).status == "acknowledged"
    live.settled()
    assert patches_of(live, card_id) == []  # the answer already shows it, to everyone

    # A change made elsewhere (a command) is patched as before.
    live.say(PAUL, "start 1")
    live.settled()
    [patched] = patches_of(live, card_id)
    assert "in progress" in card_text(patched)


def test_a_press_on_a_direct_message_is_answered_with_it_redrawn(live: LiveFeishu) -> None:
    live.say(ALICE, "new Fix the printer @paul", mentions={"paul": PAUL})
    live.settled()
    [(_, note)] = [(w, c) for w, c in live.fake.cards("send") if w == PAUL and "T-1" in json.dumps(c)]
    chat, dm_id = dm_to(live, PAUL)
    answer = live.press(
        PAUL, {"a": ids.MOVE_ACTION, "task": 1, "move": "ack"}, message_id=dm_id, chat_id=chat
    )
    assert "card" in answer, answer
    assert "acknowledged" in card_text(answer["card"]["data"])
    assert card_text(answer["card"]["data"]) != card_text(note)
    live.settled()
    assert patches_of(live, dm_id) == []


def test_a_refused_press_keeps_the_card(live: LiveFeishu) -> None:
    live.say(ALICE, "task new Fix the printer @paul", direct=False, mentions={"paul": PAUL})
    live.settled()
    answer = live.press(ALICE, {"a": ids.MOVE_ACTION, "task": 1, "move": "ack"}, message_id=group_card(live))
    assert answer["toast"]["type"] == "error" and "card" not in answer


def test_what_a_card_shows_is_remembered_by_digest() -> None:
    shown = ShownCards(size=2)
    card = {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "a"}]}}
    shown.put("fs:om_1", card)
    assert shown.showing("fs:om_1", json.loads(json.dumps(card)))
    assert not shown.showing("fs:om_1", {**card, "header": {}})
    shown.put("fs:om_2", card)
    shown.put("fs:om_3", card)  # the oldest is forgotten: it would simply be patched again
    assert not shown.showing("fs:om_1", card)
    shown.forget("fs:om_3")
    assert not shown.showing("fs:om_3", card)


def test_a_form_opened_on_a_groups_card_goes_to_the_presser_alone(live: LiveFeishu) -> None:
    live.say(ALICE, "task new Fix the printer @paul", direct=False, mentions={"paul": PAUL})
    live.settled()
    card_id = group_card(live)
    value = {"a": ids.OPEN_FORM_ACTION, "form": ids.REASON_FORM, "task": 1, "move": "block"}
    opened = live.press(PAUL, value, message_id=card_id)
    assert "card" not in opened  # the group's card stays as it is, for everyone
    [(who, form)] = [
        (w, c) for w, c in live.fake.cards("ephemeral") if ids.FORM_SUBMIT_ACTION in json.dumps(c)
    ]
    assert who == PAUL
    check_card(form)
    [submit] = [v for v in check_card(form) if v["a"] == ids.FORM_SUBMIT_ACTION]
    assert submit["private"] == 1

    # Submitted: the task is blocked, the private form deleted, the group's card patched.
    done = live.press(PAUL, submit, form_value={ids.FIELD_REASON: "No toner"}, message_id="om_eph1")
    assert done["toast"]["type"] == "success", done
    assert set(done) == {"toast"}  # nothing of the private part reaches Feishu
    assert task(live).status == "blocked"
    deleted = eventually(lambda: live.fake.calls_to("ephemeral_delete"), what="the private form deleted")
    assert [c.body for c in deleted] == [{"message_id": "om_eph1"}]
    live.settled()
    assert "blocked" in card_text(patches_of(live, card_id)[-1])


def test_a_refused_private_form_stays_to_be_put_right(live: LiveFeishu) -> None:
    live.say(ALICE, "task new Fix the printer @paul", direct=False, mentions={"paul": PAUL})
    live.settled()
    value = {"a": ids.OPEN_FORM_ACTION, "form": ids.DUE_FORM, "task": 1}
    live.press(ALICE, value, message_id=group_card(live))
    [form] = [
        c for w, c in live.fake.cards("ephemeral") if w == ALICE and ids.FORM_SUBMIT_ACTION in json.dumps(c)
    ]
    [submit] = [v for v in check_card(form) if v["a"] == ids.FORM_SUBMIT_ACTION]
    refused = live.press(ALICE, submit, form_value={ids.FIELD_DUE_DATE: "someday"}, message_id="om_eph2")
    assert refused["toast"]["type"] == "error"
    assert live.fake.calls_to("ephemeral_delete") == []
