"""manifest.yml is a valid Slack app manifest and declares everything the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.slack import ids

ROOT = Path(__file__).resolve().parent.parent
# Slack's published manifest schema (slackapi/manifest-schema, MIT: tests/data/LICENSE.manifest-schema).
SCHEMA = ROOT / "tests" / "data" / "manifest.schema.1.0.0.json"

# The bot scope each Web API method we call needs.
METHOD_SCOPES: dict[str, str | None] = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "users_info": "users:read",
    "views_open": None,  # views.* need no scope
    "views_publish": None,
}


@pytest.fixture(scope="module")
def manifest() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_manifest_matches_slacks_schema(manifest: dict) -> None:  # type: ignore[type-arg]
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_every_slash_command_the_code_registers_is_declared(manifest: dict) -> None:  # type: ignore[type-arg]
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    used = {value for name, value in vars(ids).items() if name.endswith("_COMMAND")}
    assert used and used <= declared
    assert all(c["should_escape"] for c in manifest["features"]["slash_commands"]), (
        "mentions must arrive as ids"
    )


def test_every_web_api_method_the_code_calls_has_its_scope(manifest: dict) -> None:  # type: ignore[type-arg]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    called = set(re.findall(r"client\.(\w+)\(", source))
    assert called, "expected the Slack adapter to call the Web API"
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add these methods and their scopes to METHOD_SCOPES: {unknown}"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {METHOD_SCOPES[m] for m in called} - {None} <= scopes
    assert "commands" in scopes and "chat:write.public" in scopes


def bot_source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))


def test_every_shortcut_and_event_the_code_listens_to_is_declared(manifest: dict) -> None:  # type: ignore[type-arg]
    shortcuts = {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    assert ids.SHORTCUT_FROM_MESSAGE in shortcuts
    events = set(re.findall(r'@app\.event\("(\w+)"\)', bot_source()))
    # Bolt's "message" listener hears what the message.* subscriptions deliver.
    needed = {e for e in events if e != "message"} | (
        {"message.channels", "message.groups"} if "message" in events else set()
    )
    assert events and needed <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert manifest["features"]["app_home"]["home_tab_enabled"]
    assert manifest["settings"]["interactivity"]["is_enabled"]


def test_direct_messages_to_the_bot_are_heard(manifest: dict) -> None:  # type: ignore[type-arg]
    """The Messages tab is open, and a listener takes direct messages: Slack must deliver them."""
    assert manifest["features"]["app_home"]["messages_tab_enabled"]
    assert not manifest["features"]["app_home"]["messages_tab_read_only_enabled"]
    assert 'channel_type") == "im"' in bot_source(), "expected a listener for direct messages"
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "im:history" in manifest["oauth_config"]["scopes"]["bot"]
