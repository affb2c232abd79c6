"""Intake presses on Feishu / Lark, end to end through signed events and the fake Open Platform: the five
rating buttons sent after verifying record a rating; the New task form's Type menu (a `select_static`
outside the form, whose choice calls back) redraws the form with the type's fields and priority, a
required field left empty is refused with a toast and nothing stored, and every New task form offers it."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from bot.feishu import ids
from storage.models import TaskField
from tests import feishu_payloads as fp
from tests.company import counts
from tests.feishu_cards import check_card, components
from tests.live import eventually
from tests.live_feishu import LiveFeishu
from tests.test_feishu_end_to_end import ALICE, PAUL, PETE, SAM, task
from tests.test_feishu_end_to_end import fake as fake  # noqa: F401  (a fixture)
from tests.test_feishu_intake import EMOJI, callback_values, offers_to
from tests.test_feishu_intake import live as live  # noqa: F401  (a fixture)

REPAIR = 'task type add production repair fields "part no"*, line'


def cards_to(live: LiveFeishu, open_id: str) -> list[dict[str, Any]]:
    return [card for who, card in live.fake.cards("send") if who == open_id]


# -- the rating buttons ------------------------------------------------------------------------------


def test_the_rating_buttons_record_a_rating(live: LiveFeishu) -> None:
    live.say(ALICE, "new Order resin @paul", mentions={"paul": PAUL})
    live.say(PAUL, "done 1")
    live.say(ALICE, "verify 1")
    live.settled()
    ask = eventually(
        lambda: [c for c in cards_to(live, ALICE) if "rate5" in json.dumps(c)], what="the rating buttons"
    )[-1]
    values = check_card(ask)
    rates = [v for v in values if str(v.get("move", "")).startswith("rate")]
    assert [v["move"] for v in rates] == [f"rate{n}" for n in range(1, 6)]

    # Someone else pressing it is refused, privately; nothing recorded.
    refused = live.press(SAM, rates[3])
    assert refused["toast"]["type"] == "error"
    assert task(live).rating is None

    answer = live.press(ALICE, rates[3])
    assert answer["toast"]["type"] == "success", answer
    assert "4/5" in answer["toast"]["content"]
    assert task(live).rating == 4
    live.settled()
    told = [c for c in cards_to(live, PAUL) if "4/5" in json.dumps(c, ensure_ascii=False)]
    assert told, "the owner is told the rating"
    live.say(ALICE, "show 1")
    assert "4/5" in live.last_private(ALICE)


# -- the Type menu -----------------------------------------------------------------------------------


def type_menu(card: dict[str, Any]) -> dict[str, Any]:
    """The Type select: outside the form container, so a choice calls back at once."""
    [menu] = [e for e in card["body"]["elements"] if e["tag"] == "select_static"]
    return menu


def form_of(card: dict[str, Any]) -> dict[str, Any]:
    [form] = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    return form


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in components(form_of(card)["elements"]) if "name" in e}


def choose(live: LiveFeishu, who: str, card: dict[str, Any], option: str) -> dict[str, Any]:
    """Pick `option` in the form's Type menu, as Feishu calls back: the menu's value and the option."""
    menu = type_menu(card)
    [behavior] = menu["behaviors"]
    payload = fp.card_action(behavior["value"], operator=who, tag="select_static", option=option)
    answer = live.event(payload)
    redrawn = answer["card"]["data"]
    check_card(redrawn)
    return redrawn


def submit_value(card: dict[str, Any]) -> dict[str, Any]:
    [value] = [v for v in callback_values(form_of(card)) if v[ids.ACTION_KEY] == ids.FORM_SUBMIT_ACTION]
    return value


def fields(live: LiveFeishu) -> list[tuple[str, str]]:
    with Session(live.baton.engine) as session:
        rows = session.exec(select(TaskField).order_by(TaskField.position)).all()  # type: ignore[arg-type]
        return [(r.name, r.value) for r in rows]


def test_the_type_menu_adds_fields_and_the_form_files(live: LiveFeishu) -> None:
    live.say(PETE, REPAIR)
    live.say(ALICE, "task", direct=False)
    opened = json.loads(live.last_private(ALICE))
    check_card(opened)
    menu = type_menu(opened)
    assert [o["value"] for o in menu["options"]] == ["production/repair"]

    redrawn = choose(live, ALICE, opened, "production/repair")
    assert type_menu(redrawn)["initial_option"] == "production/repair"
    named = inputs(redrawn)
    assert {ids.FIELD_PREFIX + "0", ids.FIELD_PREFIX + "1"} <= set(named)
    assert named[ids.FIELD_PREFIX + "0"]["label"]["content"] == "part no *"
    submit = submit_value(redrawn)
    assert submit["type"] == "production/repair" and submit["fields"] == ["part no", "line"]
    assert submit["channel"] == "fs:oc_group1"

    before = counts(live.baton.engine)
    missing = live.press(
        ALICE, submit, form_value={ids.FIELD_TITLE: "Pump leaks", ids.FIELD_PREFIX + "1": "2"}
    )
    assert missing["toast"]["type"] == "error" and "part no" in missing["toast"]["content"]
    assert counts(live.baton.engine) == before

    done = live.press(
        ALICE,
        submit,
        form_value={
            ids.FIELD_TITLE: "Pump leaks",
            ids.FIELD_PREFIX + "0": "P-7",
            ids.FIELD_PREFIX + "1": "2",
        },
    )
    assert done["toast"]["type"] == "success", done
    assert fields(live) == [("part no", "P-7"), ("line", "2")]
    filed = task(live)
    assert (filed.title, filed.owner_id) == ("Pump leaks", "fs:ou_pete")


def test_choosing_a_type_presets_its_priority(live: LiveFeishu) -> None:
    live.say(PETE, "task type add production urgent-fix priority high")
    live.say(ALICE, "task")
    opened = json.loads(live.last_private(ALICE))
    redrawn = choose(live, ALICE, opened, "production/urgent-fix")
    assert inputs(redrawn)[ids.FIELD_PRIORITY]["initial_option"] == "high"
    done = live.press(
        ALICE,
        submit_value(redrawn),
        form_value={ids.FIELD_TITLE: "Press stopped", ids.FIELD_PRIORITY: "high"},
    )
    assert done["toast"]["type"] == "success", done
    assert task(live).priority == "high"


def test_a_form_filed_from_a_message_keeps_its_text_and_link_when_a_type_is_chosen(live: LiveFeishu) -> None:
    live.say(PETE, REPAIR)
    live.fake.add_message("om_ask", "The dryer leaks\nsince this morning", sender=SAM)
    live.event(fp.reaction(EMOJI, message_id="om_ask", operator=ALICE))
    live.settled()
    [offer] = offers_to(live, ALICE)
    [value] = [v for v in callback_values(offer) if v[ids.ACTION_KEY] == ids.INTAKE_OFFER_ACTION]
    opened = live.press(ALICE, value)["card"]["data"]
    redrawn = choose(live, ALICE, opened, "production/repair")
    named = inputs(redrawn)
    assert named[ids.FIELD_TITLE]["default_value"] == "The dryer leaks"
    assert "since this morning" in named[ids.FIELD_DETAILS]["default_value"]
    submit = submit_value(redrawn)
    assert submit["thread"] == "fs:om_ask" and "openChatId=oc_group1" in submit["link"]


def test_every_new_task_form_offers_the_type_menu(live: LiveFeishu) -> None:
    live.say(ALICE, "task")
    assert not [e for e in json.loads(live.last_private(ALICE))["body"]["elements"] if e["tag"] != "form"]
    live.say(PETE, REPAIR)
    live.event(fp.bot_menu(ids.MENU_NEW_TASK, operator=ALICE))
    menu_card = json.loads(live.last_private(ALICE))
    assert [o["value"] for o in type_menu(menu_card)["options"]] == ["production/repair"]
    # A type of an unknown name (removed meanwhile) keeps the plain form.
    plain = choose(live, ALICE, menu_card, "production/gone")
    assert not [n for n in inputs(plain) if n.startswith(ids.FIELD_PREFIX)]
