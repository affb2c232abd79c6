"""Stand-ins for what helper E builds at the same time (ids namespace, card rendering, the router).

Each name is taken from E's module when it exists, else a minimal local version with the agreed
signature, so the listeners can be written and run before both branches are merged. Delete this file
once E's modules are in (and import from bot.feishu.ids / bot.feishu.render / bot.router directly).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.feishu import ids as _ids

PREFIX = "fs:"

ours = getattr(_ids, "ours", None) or (lambda feishu_id: PREFIX + feishu_id)
theirs = getattr(_ids, "theirs", None) or (lambda our_id: our_id.removeprefix(PREFIX))
is_feishu = getattr(_ids, "is_feishu", None) or (lambda our_id: bool(our_id) and our_id.startswith(PREFIX))

try:  # E's renderers
    from bot.feishu.render import (  # type: ignore[attr-defined]
        assign_form,
        comment_form,
        due_form,
        new_task_form,
        reason_form,
        reply_card,
        standup_form,
    )
except ImportError:  # pragma: no cover - replaced by E's module at merge

    def _card(title: str, elements: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "schema": "2.0",
            "header": {"title": {"tag": "plain_text", "content": title}},
            "body": {"elements": elements or []},
        }

    def reply_card(reply: Any, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
        from bot.text_render import reply_lines

        lines = reply_lines(reply, locale=locale, tz=tz)
        return _card("Baton", [{"tag": "markdown", "content": "\n".join(lines)}])

    def _form(name: str, **meta: Any) -> dict[str, Any]:
        submit = {"a": _ids.FORM_SUBMIT_ACTION, "form": name, **meta}
        return _card(name, [{"tag": "form", "name": name, "elements": [{"tag": "button", "value": submit}]}])

    def new_task_form(  # type: ignore[misc]
        locale: str, departments: Any, *, metadata: dict[str, Any], title: str = "", details: str = ""
    ) -> dict[str, Any]:
        return _form(_ids.NEW_TASK_FORM, **metadata)

    def reason_form(locale: str, move: str, task_id: int) -> dict[str, Any]:  # type: ignore[misc]
        return _form(_ids.REASON_FORM, task=task_id, move=move)

    def assign_form(locale: str, task_id: int) -> dict[str, Any]:  # type: ignore[misc]
        return _form(_ids.ASSIGN_FORM, task=task_id)

    def due_form(locale: str, task_id: int) -> dict[str, Any]:  # type: ignore[misc]
        return _form(_ids.DUE_FORM, task=task_id)

    def comment_form(locale: str, task_id: int) -> dict[str, Any]:  # type: ignore[misc]
        return _form(_ids.COMMENT_FORM, task=task_id)

    def standup_form(locale: str, run_id: int, departments: Any) -> dict[str, Any]:  # type: ignore[misc]
        return _form(_ids.STANDUP_FORM, run=run_id)


__all__ = [
    "assign_form",
    "comment_form",
    "due_form",
    "is_feishu",
    "new_task_form",
    "ours",
    "reason_form",
    "reply_card",
    "standup_form",
    "theirs",
]


def senders_for(settings: Any, *, clock: Any) -> Any:
    """bot.router.senders_for when it exists; else the Slack sender alone (Feishu delivery waits for E)."""
    try:
        from bot.router import senders_for as real  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - replaced by E's router at merge
        from bot.app import web_client
        from bot.slack.sender import SlackSender
        from handlers.ports import RetryLater

        if settings.slack_bot_token is not None:
            return SlackSender(web_client(settings))

        class _Waiting:
            def deliver(self, message: Any) -> Any:
                raise RetryLater("the Feishu sender is not built yet")

        return _Waiting()
    return real(settings, clock=clock)
