"""Every message posted in a channel, handed to each surface that reads channel messages.

Bolt runs only the first `message` listener that matches, so one listener dispatches: a reply in a
stand-up thread may be an answer (standups), a post in an intake channel becomes a task and a reply in a
filed message's thread a comment (intake). Each ignores what is not its own. Direct messages to the bot
have their own listener (direct), registered before this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.listeners import intake, standups
from bot.slack.listeners.direct import is_direct_message

if TYPE_CHECKING:
    from bot.app import Baton


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any]) -> None:
        if is_direct_message(event):
            return
        standups.message_event(baton, event)
        intake.message_event(baton, event)
