"""Modals: the New task form and the small forms behind buttons and menus."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.render import clip, escape
from bot.slack.syntax import t
from handlers.results import DeptView, TypeView

PRIORITIES = ("urgent", "high", "normal", "low")
PRESET = ids.F_PRIORITY + "="  # + the chosen type's priority: the priority block that type preset


def _text(locale: str, key: str, limit: int = 150) -> PlainTextObject:
    return PlainTextObject(text=clip(t(locale, key), limit))


def _modal(
    callback_id: str,
    title_key: str,
    submit_key: str,
    locale: str,
    blocks: list[Block],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id,
        title=_text(locale, title_key, 24),
        submit=_text(locale, submit_key, 24),
        close=_text(locale, "form_close", 24),
        blocks=blocks,
        private_metadata=json.dumps(metadata),
    )
    return view.to_dict()  # validates Slack's limits


def new_task_form(
    locale: str,
    departments: tuple[DeptView, ...],
    *,
    metadata: dict[str, Any],
    title: str = "",
    details: str = "",
    owner: str | None = None,
    dept: str | None = None,
    types: tuple[TypeView, ...] = (),
    chosen: TypeView | None = None,
    priority: str | None = None,
) -> dict[str, Any]:
    """The New task form; `priority` is the one shown chosen (else the chosen type's, else normal)."""
    dept_options = [Option(value=d.name, text=clip(f"#{d.name}", 75)) for d in departments[:100]]
    blocks: list[Block] = type_inputs(locale, types, chosen)
    blocks += [
        InputBlock(
            block_id=ids.F_TITLE,
            label=_text(locale, "f_title"),
            element=PlainTextInputElement(
                action_id=ids.F_TITLE, initial_value=clip(title, 1000) or None, max_length=1000
            ),
        ),
        InputBlock(
            block_id=ids.F_DETAILS,
            label=_text(locale, "f_details"),
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.F_DETAILS,
                multiline=True,
                initial_value=clip(details, 3000) or None,
                max_length=3000,
            ),
        ),
        InputBlock(
            block_id=ids.F_OWNER,
            label=_text(locale, "f_owner"),
            optional=True,
            hint=_text(locale, "f_owner_hint", 2000),
            element=UserSelectElement(action_id=ids.F_OWNER, initial_user=owner),
        ),
    ]
    if dept_options:
        blocks.append(
            InputBlock(
                block_id=ids.F_DEPT,
                label=_text(locale, "f_dept"),
                optional=True,
                element=StaticSelectElement(
                    action_id=ids.F_DEPT,
                    options=dept_options,
                    initial_option=next((o for o in dept_options if o.value == dept), None),
                ),
            )
        )
    priorities = [Option(value=p, text=t(locale, f"priority_{p}")) for p in PRIORITIES]
    preset = priority or (chosen.priority if chosen else None) or "normal"
    blocks += [
        *due_inputs(locale, date_optional=True),
        InputBlock(
            # Slack keeps what an input held across views.update while its block_id stays: a type's own
            # priority gets a block of its own, so choosing the type shows it.
            block_id=ids.F_PRIORITY if chosen is None or not chosen.priority else PRESET + preset,
            label=_text(locale, "f_priority"),
            element=StaticSelectElement(
                action_id=ids.F_PRIORITY,
                options=priorities,
                initial_option=next((o for o in priorities if o.value == preset), priorities[2]),
            ),
        ),
        InputBlock(
            block_id=ids.F_WATCHERS,
            label=_text(locale, "f_watchers"),
            optional=True,
            element=UserMultiSelectElement(action_id=ids.F_WATCHERS),
        ),
    ]
    if metadata.get("link"):
        link = f"<{escape(metadata['link'])}|{t(locale, 'f_source')}>"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=link)]))
    return _modal(ids.NEW_TASK_VIEW, "form_new", "form_submit", locale, blocks, metadata)


def type_inputs(locale: str, types: tuple[TypeView, ...], chosen: TypeView | None) -> list[Block]:
    """The Type menu (choosing redraws the form) and, once one is chosen, an input per field. The fields
    are optional to Slack: a required one left empty is refused by the handler, inline."""
    if not types:
        return []
    options = [Option(value=v.key, text=clip(f"#{v.dept} {v.name}", 75)) for v in types[:100]]
    blocks: list[Block] = [
        InputBlock(
            block_id=ids.F_TYPE,
            label=_text(locale, "label_type"),
            optional=True,
            dispatch_action=True,
            element=StaticSelectElement(
                action_id=ids.F_TYPE,
                options=options,
                initial_option=next((o for o in options if chosen and o.value == chosen.key), None),
            ),
        )
    ]
    for name, required in chosen.fields if chosen else ():
        blocks.append(
            InputBlock(
                block_id=ids.F_FIELD + name,
                label=PlainTextObject(text=clip(f"{name} *" if required else name, 150)),
                optional=True,
                element=PlainTextInputElement(action_id=ids.F_FIELD + name, max_length=2000),
            )
        )
    return blocks


def reason_form(locale: str, move: str, task_id: int) -> dict[str, Any]:
    block = InputBlock(
        block_id=ids.F_REASON,
        label=_text(locale, "f_reason"),
        element=PlainTextInputElement(action_id=ids.F_REASON, multiline=True, max_length=3000),
    )
    return _modal(
        ids.REASON_VIEW, f"form_{move}", "form_save", locale, [block], {"move": move, "task_id": task_id}
    )


def assign_form(locale: str, task_id: int) -> dict[str, Any]:
    block = InputBlock(
        block_id=ids.F_NEW_OWNER,
        label=_text(locale, "f_new_owner"),
        element=UserSelectElement(action_id=ids.F_NEW_OWNER),
    )
    return _modal(ids.ASSIGN_VIEW, "form_assign", "form_save", locale, [block], {"task_id": task_id})


def due_inputs(locale: str, *, date_optional: bool) -> list[Block]:
    """A date picker and an optional time: a date alone means the end of that working day."""
    return [
        InputBlock(
            block_id=ids.F_DUE_DATE,
            label=_text(locale, "f_due_date"),
            optional=date_optional,
            element=DatePickerElement(action_id=ids.F_DUE_DATE),
        ),
        InputBlock(
            block_id=ids.F_DUE_TIME,
            label=_text(locale, "f_due_time"),
            optional=True,
            hint=_text(locale, "f_due_time_hint", 2000),
            element=TimePickerElement(action_id=ids.F_DUE_TIME),
        ),
    ]


def due_form(locale: str, task_id: int) -> dict[str, Any]:
    blocks = due_inputs(locale, date_optional=False)
    return _modal(ids.DUE_VIEW, "form_due", "form_save", locale, blocks, {"task_id": task_id})


def comment_form(locale: str, task_id: int) -> dict[str, Any]:
    block = InputBlock(
        block_id=ids.F_COMMENT,
        label=_text(locale, "f_comment"),
        element=PlainTextInputElement(action_id=ids.F_COMMENT, multiline=True, max_length=3000),
    )
    return _modal(ids.COMMENT_VIEW, "form_comment", "form_save", locale, [block], {"task_id": task_id})


def submitted(view: dict[str, Any]) -> dict[str, Any]:
    """A submitted view's values as {block id: value}: text, a selected option, a user, or a list of users."""
    values: dict[str, Any] = {}
    for block, actions in (view.get("state", {}).get("values", {}) or {}).items():
        block_id = ids.F_PRIORITY if block.startswith(PRESET) else block
        for field in actions.values():
            kind = field.get("type")
            if kind == "plain_text_input":
                values[block_id] = (field.get("value") or "").strip()
            elif kind == "static_select":
                values[block_id] = (field.get("selected_option") or {}).get("value")
            elif kind == "users_select":
                values[block_id] = field.get("selected_user")
            elif kind == "multi_users_select":
                values[block_id] = field.get("selected_users") or []
            elif kind == "datepicker":
                values[block_id] = field.get("selected_date")
            elif kind == "timepicker":
                values[block_id] = field.get("selected_time")
    return values
