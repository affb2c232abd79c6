"""Direct messages to the bot (its Messages tab): a command, as in a channel, answered in the DM.

`/task new …`, `task new …` and plain `new …` all file a task; `/standup …` or `standup …` run a
stand-up command; anything else gets a short note on how to write one. Messages from bots, Baton's own
included, and edits or deletions are not commands.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import syntax
from bot.slack.listeners.common import actor_of, runner
from bot.slack.render import reply_payload
from handlers.command_parser import _SUBCOMMANDS
from handlers.context import Actor
from handlers.runner import Here, Outcome

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.slack")

TASK_WORDS = ("/task", "task", "任务")
STANDUP_WORDS = ("/standup", "standup", "站会")


def is_direct_message(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im"


def command_in(text: str) -> tuple[str, str] | None:
    """("task" | "standup", the command's text), or None when the message is not a command."""
    first, _, rest = text.strip().partition(" ")
    word = first.lower()
    if word in TASK_WORDS:
        return "task", rest.strip()
    if word in STANDUP_WORDS:
        return "standup", rest.strip()
    if word in _SUBCOMMANDS:
        return "task", text.strip()
    return None


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.event("message", matchers=[is_direct_message])
    def on_direct_message(event: dict[str, Any]) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # bots (Baton's own replies too), edits, deletions, joins: not commands
        channel = event["channel"]
        actor = actor_of(baton, {"id": event["user"]})
        found = command_in(event.get("text") or "")
        if found is None:
            body: dict[str, Any] = {"text": syntax.t(actor.locale, "dm_help")}
        else:
            outcome = run(baton, found, actor, channel)
            body = reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())
        if not body:
            return
        try:
            web.chat_postMessage(channel=channel, **body)
        except SlackApiError as err:
            error = err.response.get("error") if err.response is not None else err
            log.warning("could not answer a direct message from %s: %s", event["user"], error)


def run(baton: Baton, found: tuple[str, str], actor: Actor, channel: str) -> Outcome:
    surface, text = found
    here = Here(channel_id=channel, conversation="direct")
    run_text = runner(baton).task if surface == "task" else runner(baton).standup
    outcome = run_text(actor, syntax.words(text), here)
    if outcome.ok:
        baton.worker.wake()
    return outcome
