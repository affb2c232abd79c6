"""Feishu syntax (mentions in, <at> out, typed text inert) and typed events from documented payloads."""

from __future__ import annotations

import json

import pytest

from bot.feishu import ids
from bot.feishu.events import BotMenu, CardAction, MessageReceived, ReactionCreated, UnknownEvent, parse_event
from bot.feishu.syntax import Mention, Shown, card_mention, escape, mention, message_text, parse_text, words
from tests import feishu_payloads as p


def test_placeholders_become_names_and_the_bot_is_left_out() -> None:
    parsed = parse_text(
        "@_user_1 task new Review contract @_user_2 #legal",
        [p.mention("@_user_1", "ou_bot", "Baton"), p.mention("@_user_2", "ou_li", "Li Lei")],
        bot_open_id="ou_bot",
    )
    assert parsed.text == "task new Review contract @Li Lei #legal"
    assert parsed.mentions == (Mention("ou_li", "Li Lei"),)
    assert parsed.mentions_bot and not parsed.mentions_all
    assert words(parsed) == ["task", "new", "Review", "contract", Mention("ou_li", "Li Lei"), "#legal"]


def test_at_all_is_shown_never_a_mention() -> None:
    parsed = parse_text("@_all please @所有人 look", [], bot_open_id="ou_bot")
    assert parsed.text == "@所有人 please @所有人 look"
    assert parsed.mentions == () and parsed.mentions_all and not parsed.mentions_bot
    assert words(parsed) == [Shown("@所有人"), "please", Shown("@所有人"), "look"]


def test_a_placeholder_typed_by_hand_is_just_text() -> None:
    parsed = parse_text("task show @_user_9", [], bot_open_id=None)
    assert parsed.text == "task show @_user_9" and parsed.mentions == ()


def test_the_same_person_twice_is_one_mention() -> None:
    parsed = parse_text(
        "@_user_1 and @_user_2",
        [p.mention("@_user_1", "ou_li", "Li"), p.mention("@_user_2", "ou_li", "Li")],
        bot_open_id=None,
    )
    assert parsed.mentions == (Mention("ou_li", "Li"),)


def test_out_a_person_is_an_at_tag() -> None:
    assert mention("ou_abc123") == '<at user_id="ou_abc123"></at>'
    assert card_mention("ou_abc123") == "<at id=ou_abc123></at>"
    with pytest.raises(ValueError):
        mention('ou_x"></at><at user_id="all')


@pytest.mark.parametrize(
    "typed",
    [
        '<at user_id="all"></at>',
        "<at id=all></at>",
        '<AT user_id="ou_someone">x</AT>',
        "@所有人",
        "@all",
        "@everyone",
    ],
)
def test_typed_pings_are_shown_never_obeyed(typed: str) -> None:
    safe = escape(f"see {typed} now")
    assert "<at" not in safe.lower() and "@所有人" not in safe and "@all" not in safe.lower()
    assert safe.replace("\u200b", "") == f"see {typed} now"  # the reader sees what was typed


def test_escape_leaves_ordinary_text_alone() -> None:
    assert escape("a <b> @bob email@all.com") == "a <b> @bob email@all.com"


def test_post_message_text_is_joined() -> None:
    content = {
        "title": "Ask",
        "content": [
            [{"tag": "text", "text": "task new "}, {"tag": "at", "user_id": "@_user_1", "user_name": "Li"}]
        ],
    }
    assert message_text(json.dumps(content), "post") == "Ask\ntask new @Li"


def test_message_received_is_parsed_with_thread_ids() -> None:
    payload = p.message_event(
        "@_user_1 task",
        mentions=[p.mention("@_user_1", "ou_bot", "Baton")],
        parent_id="om_parent",
        root_id="om_root",
        thread_id="omt_1",
    )
    event = parse_event(payload, bot_open_id="ou_bot")
    assert isinstance(event, MessageReceived)
    assert (event.chat_id, event.chat_type, event.message_id) == ("oc_group1", "group", "om_msg1")
    assert (event.parent_id, event.root_id, event.thread_id) == ("om_parent", "om_root", "omt_1")
    assert event.text == "task" and event.mentions_bot and not event.is_direct
    assert event.header.event_id == "ev-msg-1" and event.header.create_time_ms == 1732190000000


def test_empty_ids_are_none_and_p2p_is_direct() -> None:
    event = parse_event(p.message_event("task list", chat_type="p2p"), bot_open_id="ou_bot")
    assert isinstance(event, MessageReceived)
    assert event.is_direct and event.parent_id is None and event.thread_id is None and not event.mentions_bot


def test_card_action_is_parsed() -> None:
    event = parse_event(
        p.card_action({"a": ids.FORM_SUBMIT_ACTION, "form": "new_task"}, form_value={"title": "X"})
    )
    assert isinstance(event, CardAction)
    assert event.action == ids.FORM_SUBMIT_ACTION and event.form_value == {"title": "X"}
    assert (event.open_message_id, event.open_chat_id, event.token) == (
        "om_card1",
        "oc_group1",
        "c-callback-token",
    )


def test_bot_menu_and_reaction_are_parsed() -> None:
    menu = parse_event(p.bot_menu(ids.MENU_STANDUP_ANSWER))
    assert isinstance(menu, BotMenu) and (menu.event_key, menu.operator_open_id) == (
        "standup_answer",
        "ou_carol",
    )
    react = parse_event(p.reaction("Pin"))
    assert isinstance(react, ReactionCreated)
    assert (react.message_id, react.emoji_type, react.operator_open_id) == ("om_msg9", "Pin", "ou_dave")


def test_unknown_or_broken_payloads_are_refused_clearly() -> None:
    with pytest.raises(UnknownEvent):
        parse_event({"schema": "2.0", "header": p.header("im.chat.updated_v1"), "event": {}})
    with pytest.raises(UnknownEvent):
        parse_event({"uuid": "x", "event": {"type": "message"}})  # a 1.0 event
    broken = p.reaction("Pin")
    del broken["event"]["reaction_type"]
    with pytest.raises(UnknownEvent):
        parse_event(broken)
