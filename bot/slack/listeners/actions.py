"""Buttons and menus on task messages, lists and the home tab: ack → parse → handle → render."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.forms import assign_form, comment_form, due_form, new_task_form, reason_form, submitted
from bot.slack.listeners.common import (
    actor_of,
    departments,
    request_types,
    run,
    where_pressed,
)
from bot.slack.listeners.common import (
    press as press_in_place,
)
from bot.slack.render import reply_payload
from handlers.commands import DeptRef, ListTasks, Move, Snooze, TaskCommand, Watch
from handlers.context import Actor
from handlers.intake_commands import Rate
from handlers.interactions import request_home

if TYPE_CHECKING:
    from bot.app import Baton

FORMS = {"assign": assign_form, "due": due_form, "comment": comment_form}


def register(app: App, baton: Baton, web: WebClient) -> None:
    def press(actor: Actor, command: TaskCommand, place: dict[str, Any]) -> None:
        press_in_place(baton, actor, command, place)

    def open_form(body: dict[str, Any], view: dict[str, Any], place: dict[str, Any]) -> None:
        # Remember where the press came from, so the submission can refresh that message.
        meta = json.loads(view.get("private_metadata") or "{}")
        view["private_metadata"] = json.dumps({**meta, **place})
        web.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.MOVE_ACTIONS)
    def on_move(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        move, task_id = action["action_id"].removeprefix("task_"), int(action["value"])
        actor, place = actor_of(baton, body["user"]), where_pressed(body)
        if move in ids.REASON_MOVES:
            open_form(body, reason_form(actor.locale, move, task_id), place)
            return
        if move.startswith("rate"):  # one of the five rating buttons sent after verifying
            press(actor, Rate(task_id=task_id, rating=int(move[4:])), place)
            return
        press(actor, Move(move=move, task_id=task_id, pressed=True), place)

    @app.action(ids.F_TYPE)
    def on_type_chosen(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        """The New task form's Type menu: redraw the form with that type's fields, keeping what was typed."""
        ack()
        view = body["view"]
        actor, values = actor_of(baton, body["user"]), submitted(view)
        types = request_types(baton, actor)
        chosen = next((v for v in types if v.key == (action.get("selected_option") or {}).get("value")), None)
        meta = json.loads(view.get("private_metadata") or "{}")
        form = new_task_form(
            actor.locale,
            departments(baton, actor),
            metadata=meta,
            title=values.get(ids.F_TITLE) or "",
            details=values.get(ids.F_DETAILS) or "",
            owner=values.get(ids.F_OWNER),
            dept=values.get(ids.F_DEPT) or (chosen.dept if chosen else None),
            types=types,
            chosen=chosen,
        )
        web.views_update(view_id=view["id"], hash=view.get("hash"), view=form)

    @app.action(ids.SNOOZE_ACTION)
    def on_snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        actor, place = actor_of(baton, body["user"]), where_pressed(body)
        press(actor, Snooze(task_id=int(action["value"])), place)

    @app.action(ids.TASK_MENU)
    def on_menu(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        op, _, raw_id = action["selected_option"]["value"].partition(":")
        task_id = int(raw_id)
        actor, place = actor_of(baton, body["user"]), where_pressed(body)
        if op == "watch":
            press(actor, Watch(task_id=task_id), place)
        elif op == "cancel":
            open_form(body, reason_form(actor.locale, "cancel", task_id), place)
        elif op in FORMS:
            open_form(body, FORMS[op](actor.locale, task_id), place)

    @app.action(ids.LIST_MORE)
    def on_list_more(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        page = json.loads(action["value"])
        actor = actor_of(baton, body["user"])
        dept = DeptRef(name=page["dept"]) if page.get("dept") else None
        command = ListTasks(scope=page["scope"], dept=dept, offset=int(page.get("offset", 0)))
        outcome = run(baton, actor, command)
        # The list was a private reply; its next page replaces it where it stands.
        respond(
            replace_original=True,
            **reply_payload(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock()),
        )

    @app.action({"action_id": ids.HOME_MORE})
    @app.action({"action_id": f"{ids.HOME_MORE}_first"})
    def on_home_more(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        page = json.loads(action["value"])
        request_home(
            baton.engine,
            user_id=body["user"]["id"],
            clock=baton.clock,
            offsets={page["section"]: int(page["offset"])},
        )
        baton.worker.wake()
