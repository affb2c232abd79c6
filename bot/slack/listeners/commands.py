"""`/task`: ack → parse → handle → render. Messages go out afterwards, through the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids, syntax
from bot.slack.errors import answer_or_apologise
from bot.slack.listeners.common import actor_of, runner, task_form
from bot.slack.render import reply_payload
from handlers.runner import Here

if TYPE_CHECKING:
    from bot.app import Baton


def here_of_command(command: dict[str, Any]) -> Here:
    channel = command.get("channel_id")
    return Here(channel_id=channel, conversation=syntax.conversation_of(channel, command.get("channel_name")))


def register(app: App, baton: Baton, web: WebClient) -> None:
    @app.command(ids.TASK_COMMAND)
    def task_command(ack: Ack, command: dict[str, Any]) -> None:
        def work() -> dict[str, Any]:
            actor = actor_of(baton, {"id": command["user_id"], "name": command.get("user_name")})
            here = here_of_command(command)
            outcome = runner(baton).task(actor, syntax.words(command.get("text", "")), here)
            if outcome.reply.kind == "form":
                # The form must open within Slack's 3-second trigger window, so this call cannot wait.
                meta = {"channel": here.channel_id, "conversation": here.conversation}
                form = task_form(baton, actor, metadata=meta)
                web.views_open(trigger_id=command["trigger_id"], view=form)
                return {}
            if outcome.ok:
                baton.worker.wake()
            return reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())

        answer_or_apologise(ack, work, runner(baton), command.get("user_id"))
