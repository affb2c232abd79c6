"""Global Bolt middleware: Slack's repeated deliveries are handled once, on every replica."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.logs import new_request_id
from handlers.interactions import first_time

if TYPE_CHECKING:
    from bot.app import Baton


def delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery: an event's id; a form submission's view and the values submitted
    (a corrected resubmission after inline errors is a new delivery, a repeat of the same one is not)."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    view = body.get("view") or {}
    if body.get("type") == "view_submission" and view.get("id"):
        values = json.dumps(view.get("state", {}).get("values", {}), sort_keys=True)
        return f"view:{view['id']}:{hashlib.sha256(values.encode()).hexdigest()[:32]}"
    return None


class EachDeliveryOnce(Middleware):
    """Tags the request for the logs and drops a repeated delivery. One Middleware object rather than
    decorated functions: Bolt calls it as is, without building injected arguments on every request."""

    def __init__(self, baton: Baton) -> None:
        self.baton = baton

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's name
    ) -> BoltResponse | None:
        new_request_id()  # every log line of this request carries it
        key = delivery_key(req.body)
        if key is not None and not first_time(self.baton.engine, key=key, clock=self.baton.clock):
            return BoltResponse(status=200, body="")  # already handled: acknowledge, do nothing
        return next()


def register(app: App, baton: Baton) -> None:
    app.use(EachDeliveryOnce(baton))
