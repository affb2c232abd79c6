"""feishu_app.yml lists exactly the events, callbacks, menu keys and APIs the Feishu adapter uses."""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.feishu import ids
from bot.feishu.api import FeishuApi, build_client
from bot.settings import Settings
from tests.fake_feishu import ROUTES, FakeFeishu

ROOT = Path(__file__).resolve().parent.parent

# The path each fake route stands for, in the Open Platform's own notation.
ROUTE_PATHS = {
    "send": "POST /open-apis/im/v1/messages",
    "reply": "POST /open-apis/im/v1/messages/:message_id/reply",
    "patch": "PATCH /open-apis/im/v1/messages/:message_id",
    "get_message": "GET /open-apis/im/v1/messages/:message_id",
    "ephemeral": "POST /open-apis/ephemeral/v1/send",
    "ephemeral_delete": "POST /open-apis/ephemeral/v1/delete",
    "user": "GET /open-apis/contact/v3/users/:user_id",
    "bot_info": "GET /open-apis/bot/v3/info",
    "chat": "GET /open-apis/im/v1/chats/:chat_id",
    "ws_endpoint": "POST /callback/ws/endpoint",
}


@pytest.fixture(scope="module")
def app() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "feishu_app.yml").read_text(encoding="utf-8"))


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    server = FakeFeishu().start()
    yield server
    server.stop()


def test_events_and_callbacks_are_exactly_those_handled(app: dict[str, Any]) -> None:
    assert set(app["events"]) | set(app["callbacks"]) == ids.EVENT_TYPES
    assert app["callbacks"] == [ids.CARD_ACTION]


def test_bot_menu_keys_match(app: dict[str, Any]) -> None:
    assert {item["key"] for item in app["bot_menu"]} == ids.MENU_KEYS


def test_group_messages_without_a_mention_are_asked_for(app: dict[str, Any]) -> None:
    scopes = {s["scope"]: s["why"] for s in app["scopes"]}
    assert "im:message.group_msg" in scopes and "stand-up" in scopes["im:message.group_msg"]
    assert "intake group" in scopes["im:message.group_msg"]  # posts there mention nobody


def test_the_setup_document_says_how_intake_works_on_feishu() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    feishu = " ".join(readme[readme.index("## Running on Feishu / Lark") :].split())
    for needed in ("`Pin`", "intake here", "topic reply", "BATON_FEISHU_INTAKE_EMOJI"):
        assert needed in feishu, needed


def test_the_intake_emoji_is_the_settings_default(app: dict[str, Any]) -> None:
    assert app["intake_emoji"] == Settings.model_fields["baton_feishu_intake_emoji"].default
    assert app["intake_emoji"] not in {"OK", "THUMBSUP", "JIAYI"}


def test_every_api_the_client_calls_is_listed_and_nothing_else(app: dict[str, Any], fake: FakeFeishu) -> None:
    api = FeishuApi(build_client(app_id=f"cli_{uuid.uuid4().hex[:8]}", app_secret="s", domain=fake.url))
    card = {"schema": "2.0", "body": {"elements": []}}
    exercised = {
        "send": lambda: api.send(
            receive_id="ou_a", receive_id_type="open_id", msg_type="text", content={"text": "x"}
        ),
        "send_to_user": lambda: api.send_to_user("ou_a", msg_type="text", content={"text": "x"}),
        "send_to_chat": lambda: api.send_to_chat("oc_a", msg_type="text", content={"text": "x"}),
        "reply": lambda: api.reply("om_1", msg_type="text", content={"text": "x"}, in_thread=True),
        "patch_card": lambda: api.patch_card("om_1", card),
        "send_ephemeral": lambda: api.send_ephemeral(chat_id="oc_a", open_id="ou_a", card=card),
        "user": lambda: api.user("ou_a"),
        "bot_open_id": lambda: api.bot_open_id(),
        "message": lambda: api.message("om_1"),
        "chat_name": lambda: api.chat_name("oc_a"),
        "delete_ephemeral": lambda: api.delete_ephemeral("om_1"),
    }
    public = {
        name for name, _ in inspect.getmembers(FeishuApi, inspect.isfunction) if not name.startswith("_")
    }
    assert public == set(exercised), "a new FeishuApi method needs a line here (and in feishu_app.yml)"
    for call in exercised.values():
        call()
    used = {ROUTE_PATHS[c.endpoint] for c in fake.calls if c.endpoint != "token"}
    used.add(ROUTE_PATHS["ws_endpoint"])  # called by lark-oapi's ws client (tests/test_feishu_long_conn.py)
    assert used == set(app["apis"])
    assert set(ROUTE_PATHS) == {name for _, _, name in ROUTES} - {"token"}
    assert all(re.match(r"^(GET|POST|PATCH) /", line) for line in app["apis"])
