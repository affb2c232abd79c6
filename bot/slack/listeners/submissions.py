"""Form submissions: the New task form and the small forms behind buttons. Invalid input shows in the form."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.forms import submitted
from bot.slack.listeners.common import actor_of, after_interaction, run
from bot.slack.render import text_of
from handlers.commands import Assign, Comment, DeptRef, Move, NewTask, PersonRef, SetDue, TaskCommand
from handlers.context import CONVERSATIONS
from handlers.interactions import queue_private
from handlers.lifecycle import Priority
from handlers.results import Text
from handlers.runner import Here

if TYPE_CHECKING:
    from bot.app import Baton

# Which input shows a refusal; anything else shows on the first field.
FIELD_OF = {
    "title_missing": ids.F_TITLE,
    "title_too_long": ids.F_TITLE,
    "date_unreadable": ids.F_DUE_DATE,
    "date_in_past": ids.F_DUE_DATE,
    "owner_or_dept_missing": ids.F_OWNER,
    "owner_without_dept": ids.F_OWNER,
    "person_unknown": ids.F_OWNER,
    "dept_unknown": ids.F_DEPT,
    "already_owner": ids.F_NEW_OWNER,
}


def field_block(text: Text) -> str | None:
    """The input of a request type's field a refusal names (a required one left empty, an unknown one)."""
    if text.key == "field_missing":
        return ids.F_FIELD + str(text.params.get("names", "")).split(", ")[0]
    return None


def due_text(values: dict[str, Any]) -> str | None:
    day, clock = values.get(ids.F_DUE_DATE), values.get(ids.F_DUE_TIME)
    if not day:
        return None
    return f"{day}T{clock}" if clock else day  # a date alone means the end of that working day


def here_of_form(meta: dict[str, Any]) -> Here:
    """Where the form was opened from, as its metadata remembers it."""
    conversation = meta.get("conversation")
    if conversation not in CONVERSATIONS:
        conversation = "private" if meta.get("private") else "channel"  # forms opened before this version
    return Here(channel_id=meta.get("channel"), conversation=conversation)


def register(app: App, baton: Baton, web: WebClient) -> None:
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], build, first_field: str) -> None:  # type: ignore[no-untyped-def]
        values, meta = submitted(view), json.loads(view.get("private_metadata") or "{}")
        actor = actor_of(baton, body["user"])
        command: TaskCommand = build(values, meta)
        outcome = run(baton, actor, command, here_of_form(meta))
        if not outcome.ok and outcome.reply.text is not None:
            field = FIELD_OF.get(outcome.reply.text.key) or field_block(outcome.reply.text) or first_field
            blocks = {b.get("block_id") for b in view.get("blocks", [])}
            ack(
                response_action="errors",
                errors={
                    field if field in blocks else first_field: text_of(
                        outcome.reply.text, actor.locale, actor.tz
                    )
                },
            )
            return
        ack()
        if isinstance(command, NewTask) and outcome.reply.text is not None:
            queue_private(
                baton.engine,
                user_id=actor.user_id,
                channel_id=meta.get("channel"),
                text=outcome.reply.text,
                clock=baton.clock,
            )
        after_interaction(baton, actor, outcome, meta)

    def new_task(values: dict[str, Any], meta: dict[str, Any]) -> NewTask:
        owner = values.get(ids.F_OWNER)
        # A request type chosen in the Type menu: its name leads the title, as typed after `/task new`.
        type_dept, _, type_name = (values.get(ids.F_TYPE) or "").partition("/")
        title = values.get(ids.F_TITLE) or ""
        fields = tuple(
            (block[len(ids.F_FIELD) :], value)
            for block, value in values.items()
            if block.startswith(ids.F_FIELD) and value
        )
        dept = values.get(ids.F_DEPT) or type_dept or None
        return NewTask(
            title=f"{type_name} {title}" if type_name and title else title,
            fields=fields,
            details=values.get(ids.F_DETAILS) or "",
            owner=PersonRef(user_id=owner, name=owner) if owner else None,
            dept=DeptRef(name=dept) if dept else None,
            due=due_text(values),
            priority=Priority(values.get(ids.F_PRIORITY) or "normal"),
            watchers=tuple(PersonRef(user_id=u, name=u) for u in values.get(ids.F_WATCHERS) or []),
            source_link=meta.get("link"),
            source_thread=meta.get("thread"),
        )

    @app.view(ids.NEW_TASK_VIEW)
    def on_new_task(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(ack, body, view, new_task, ids.F_TITLE)

    @app.view(ids.REASON_VIEW)
    def on_reason(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(
            ack,
            body,
            view,
            lambda v, m: Move(move=m["move"], task_id=int(m["task_id"]), note=v.get(ids.F_REASON) or ""),
            ids.F_REASON,
        )

    @app.view(ids.ASSIGN_VIEW)
    def on_assign(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        def build(v: dict[str, Any], m: dict[str, Any]) -> Assign:
            user = v.get(ids.F_NEW_OWNER) or ""
            return Assign(task_id=int(m["task_id"]), person=PersonRef(user_id=user, name=user))

        submit(ack, body, view, build, ids.F_NEW_OWNER)

    @app.view(ids.DUE_VIEW)
    def on_due(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(
            ack,
            body,
            view,
            lambda v, m: SetDue(task_id=int(m["task_id"]), when=due_text(v) or ""),
            ids.F_DUE_DATE,
        )

    @app.view(ids.COMMENT_VIEW)
    def on_comment(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit(
            ack,
            body,
            view,
            lambda v, m: Comment(task_id=int(m["task_id"]), text=v.get(ids.F_COMMENT) or ""),
            ids.F_COMMENT,
        )
