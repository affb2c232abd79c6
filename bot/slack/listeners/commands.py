"""`/task`: ack → parse → handle → render. Messages go out afterwards, through the outbox."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.errors import answer_or_apologise
from bot.slack.forms import new_task_form
from bot.slack.listeners.common import actor_of, departments, is_private
from bot.slack.render import reply_payload
from handlers.runner import run_task_text

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.slack")


def register(app: App, baton: Baton) -> None:
    @app.command(ids.TASK_COMMAND)
    def task_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        def work() -> dict[str, Any]:
            actor = actor_of(baton, {"id": command["user_id"], "name": command.get("user_name")})
            channel = command.get("channel_id")
            private = is_private(channel, command.get("channel_name"))
            outcome = run_task_text(
                baton.engine,
                text=command.get("text", ""),
                actor=actor,
                channel_id=channel,
                escaped=True,
                config=baton.config,
                clock=baton.clock,
                channel_private=private,
            )
            if outcome.reply.kind == "form":
                # The form must open within Slack's 3-second trigger window, so this call cannot wait.
                form = new_task_form(
                    actor.locale, departments(baton, actor), metadata={"channel": channel, "private": private}
                )
                client.views_open(trigger_id=command["trigger_id"], view=form)
                return {}
            if outcome.ok:
                baton.worker.wake()
            return reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())

        answer_or_apologise(ack, work)
        log.debug("answered /task for %s", command.get("user_id"))
