"""The one place unexpected errors become a log line with an id and a private apology naming that id.

A slash command's apology is its answer. Anywhere else (a button, a form, a shortcut, an event) Bolt's
error handler answers: a form keeps its values and shows the apology on its first field; otherwise the
person gets a private note (through the outbox, so it speaks their language; straight to Slack if the
database is what failed). Either way Slack gets a 200, so it neither shows a failure nor retries an event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient

from bot.slack.syntax import t
from handlers.errors import new_error_id
from handlers.interactions import queue_private
from handlers.results import Text
from handlers.runner import Runner

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.slack")


def _locale(runner: Runner, user_id: str | None) -> str:
    if not user_id:
        return "en"
    try:
        return runner.locale_of(user_id)
    except Exception:  # the database may be what failed: apologise in English rather than not at all
        return "en"


def answer_or_apologise(
    ack: Ack, work: Callable[[], dict[str, Any]], runner: Runner, user_id: str | None
) -> None:
    """Ack the work's private answer; on a bug, ack an apology naming the logged error id."""
    try:
        body = work()
    except Exception:
        error_id = new_error_id()
        log.exception("unexpected error %s", error_id)
        body = {"text": t(_locale(runner, user_id), "unexpected_error", error_id=error_id)}
    if body:
        ack(response_type="ephemeral", **body)  # only the speaker sees the reply
    else:
        ack()


def _user_of(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    event = body.get("event") or {}
    return body.get("user_id") or (user if isinstance(user, str) else None) or event.get("user")


def _channel_of(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    event = body.get("event") or {}
    return container.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")


def _first_input(view: dict[str, Any]) -> str | None:
    return next((b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"), None)


def _tell(baton: Baton, web: WebClient, user_id: str, channel: str | None, error_id: str) -> None:
    text = Text("unexpected_error", {"error_id": error_id})
    try:
        queue_private(baton.engine, user_id=user_id, channel_id=channel, text=text, clock=baton.clock)
        baton.worker.wake()
    except Exception:
        log.exception("could not queue the apology for error %s; telling %s directly", error_id, user_id)
        web.chat_postMessage(channel=user_id, text=t("en", "unexpected_error", error_id=error_id))


def register_error_handler(app: App, baton: Baton, web: WebClient) -> None:
    runner = baton.runner

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        error_id = new_error_id()
        kind = body.get("type") or body.get("command")
        log.error("unhandled error %s for %s", error_id, kind, exc_info=error)
        user_id = _user_of(body)
        if user_id is None or str(user_id).startswith("B"):
            return BoltResponse(status=200, body="")  # nobody to tell (e.g. a bot's event)
        view = body.get("view") or {}
        if body.get("type") == "view_submission" and (field := _first_input(view)):
            text = t(_locale(runner, user_id), "unexpected_error", error_id=error_id)
            return BoltResponse(
                status=200,
                body={"response_action": "errors", "errors": {field: text}},
            )
        try:
            _tell(baton, web, user_id, _channel_of(body), error_id)
        except Exception:
            log.exception("could not tell %s about error %s", user_id, error_id)
        return BoltResponse(status=200, body="")
