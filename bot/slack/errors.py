"""The one place unexpected errors become a log line with an id and a short apology with that id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from handlers.i18n import t

log = logging.getLogger("baton.slack")


def answer_or_apologise(ack: Ack, work: Callable[[], dict[str, Any]]) -> None:
    """Ack the work's private answer; on a bug, ack an apology naming the logged error id."""
    try:
        body = work()
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s", error_id)
        body = {"text": t("en", "unexpected_error", error_id=error_id)}
    if body:
        ack(response_type="ephemeral", **body)  # only the speaker sees the reply
    else:
        ack()


def register_error_handler(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        error_id = uuid.uuid4().hex[:8]
        log.error(
            "unhandled error %s for %s", error_id, body.get("type") or body.get("command"), exc_info=error
        )
