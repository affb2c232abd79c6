"""The App Home tab: published through the outbox whenever someone opens it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.interactions import request_home

if TYPE_CHECKING:
    from bot.app import Baton


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        request_home(baton.engine, user_id=event["user"], clock=baton.clock)
        baton.worker.wake()
