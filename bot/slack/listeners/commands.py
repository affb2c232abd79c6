"""`/task`: ack → parse → handle → render. Messages go out afterwards, through the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.slack import ids
from bot.slack.errors import answer_or_apologise
from bot.slack.render import reply_payload
from handlers.runner import identify, run_task_text

if TYPE_CHECKING:
    from bot.app import Baton


def register(app: App, baton: Baton) -> None:
    @app.command(ids.TASK_COMMAND)
    def task_command(ack: Ack, command: dict[str, Any]) -> None:
        def work() -> dict[str, Any]:
            actor = identify(
                baton.engine,
                user_id=command["user_id"],
                user_name=command.get("user_name"),
                directory=baton.directory,
                config=baton.config,
                clock=baton.clock,
            )
            outcome = run_task_text(
                baton.engine,
                text=command.get("text", ""),
                actor=actor,
                channel_id=command.get("channel_id"),
                escaped=True,
                config=baton.config,
                clock=baton.clock,
            )
            if outcome.ok:
                baton.worker.wake()
            return reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())

        answer_or_apologise(ack, work)
