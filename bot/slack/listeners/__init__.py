"""Bolt listeners, one module per surface, each with register(app, baton)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.listeners import (
    actions,
    channel_messages,
    commands,
    direct,
    home,
    intake,
    shortcuts,
    standups,
    submissions,
)

if TYPE_CHECKING:
    from bot.app import Baton


def register(app: App, baton: Baton, web: WebClient) -> None:
    """`web` is Baton's own bot-token client: forms open through it (Bolt's per-request client adds a
    `team_id` that `views.open` does not take)."""
    # `direct` before `channel_messages`: Bolt runs the first message listener that matches, and a direct
    # message is a command, never a stand-up thread reply or an intake post.
    for surface in (
        commands,
        actions,
        submissions,
        shortcuts,
        home,
        intake,
        standups,
        direct,
        channel_messages,
    ):
        surface.register(app, baton, web)
