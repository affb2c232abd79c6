"""Forms as cards: card JSON 2.0 `form` containers (the New task form, the small forms behind buttons, the
stand-up answer). A form's submit button calls back with `{"a": FORM_SUBMIT_ACTION, "form": <name>,
...metadata}` and `form_value` holding each input by its name (ids.FIELD_*).

Components used (Open Platform, card JSON 2.0 components): `form` (name, elements), `input` (name,
label, required, max_length at most 1,000, `input_type: multiline_text`), `select_static`
(options of plain_text/value), `select_person` (people of the chat; value an open_id), `date_picker`
(`YYYY-MM-DD`), `picker_time` (`HH:mm`), and a `button` with `form_action_type: submit`.
"""

from __future__ import annotations

from typing import Any

from bot.feishu import ids, syntax
from bot.feishu.render import button, card, clip, link, md, plain, plain_text
from handlers.results import DeptView, TypeView

PRIORITIES = ("urgent", "high", "normal", "low")
INPUT_LIMIT = 1000  # an input's max_length may be at most 1,000
MAX_OPTIONS = 100
MAX_FIELDS = 20  # a request type's fields shown as inputs (each is one component of the 200)


def _label(locale: str, key: str) -> dict[str, Any]:
    return plain_text(clip(plain(locale, key), 100))


def text_input(
    name: str,
    locale: str,
    label: str,
    *,
    required: bool,
    multiline: bool = False,
    value: str = "",
    caption: str | None = None,
) -> dict[str, Any]:
    """A text input labelled by the catalogue's `label`, or by `caption` as given (a field's own name)."""
    element: dict[str, Any] = {
        "tag": "input",
        "name": name,
        "label": plain_text(clip(caption, 100)) if caption is not None else _label(locale, label),
        "label_position": "top",
        "required": required,
        "max_length": INPUT_LIMIT,
    }
    if multiline:
        element["input_type"] = "multiline_text"
        element["rows"] = 3
    if value:
        element["default_value"] = clip(value, INPUT_LIMIT)
    return element


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": plain_text(clip(text, 100)), "value": value}


def static_select(
    name: str, options: list[dict[str, Any]], *, placeholder: str, required: bool, initial: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "tag": "select_static",
        "name": name,
        "placeholder": plain_text(placeholder),
        "required": required,
        "options": options[:MAX_OPTIONS],
    }
    if initial is not None:
        element["initial_option"] = initial
    return element


def person_picker(name: str, locale: str, label: str, *, required: bool) -> dict[str, Any]:
    return {"tag": "select_person", "name": name, "placeholder": _label(locale, label), "required": required}


def due_inputs(locale: str, *, date_required: bool) -> list[dict[str, Any]]:
    """A date picker and an optional time: a date alone means the end of that working day."""
    return [
        {
            "tag": "date_picker",
            "name": ids.FIELD_DUE_DATE,
            "placeholder": _label(locale, "f_due_date"),
            "required": date_required,
        },
        {
            "tag": "picker_time",
            "name": ids.FIELD_DUE_TIME,
            "placeholder": _label(locale, "f_due_time"),
            "required": False,
        },
        md(syntax.escape(plain(locale, "f_due_time_hint"))),
    ]


def form_card(
    form: str, locale: str, title_key: str, submit_key: str, elements: list[dict[str, Any]], **metadata: Any
) -> dict[str, Any]:
    """A card holding one form; its submit button carries the form's name and metadata."""
    value = {ids.ACTION_KEY: ids.FORM_SUBMIT_ACTION, "form": form, **metadata}
    submit = button(plain(locale, submit_key), value, kind="primary_filled")
    submit |= {"name": "submit", "form_action_type": "submit"}
    container = {"tag": "form", "name": f"{form}_form", "elements": [*elements, submit]}
    title = plain(locale, title_key)
    return card([container], title=title, summary=title)


def new_task_form(
    locale: str,
    departments: tuple[DeptView, ...],
    *,
    metadata: dict[str, Any],
    title: str = "",
    details: str = "",
    dept: str | None = None,
    types: tuple[TypeView, ...] = (),
    chosen: TypeView | None = None,
) -> dict[str, Any]:
    """Title, details, owner (person picker), department, due date + time, priority; with request types,
    the Type menu above the form and, once one is chosen, an input per field of that type."""
    elements: list[dict[str, Any]] = [
        *field_inputs(locale, chosen),
        text_input(ids.FIELD_TITLE, locale, "f_title", required=True, value=title),
        text_input(ids.FIELD_DETAILS, locale, "f_details", required=False, multiline=True, value=details),
        person_picker(ids.FIELD_OWNER, locale, "f_owner", required=False),
        md(syntax.escape(plain(locale, "f_owner_hint"))),
    ]
    if departments:
        options = [_option(d.name, f"#{d.name}") for d in departments]
        known = dept if any(d.name == dept for d in departments[:MAX_OPTIONS]) else None
        elements.append(
            static_select(
                ids.FIELD_DEPARTMENT,
                options,
                placeholder=plain(locale, "f_dept"),
                required=False,
                initial=known,
            )
        )
    elements += due_inputs(locale, date_required=False)
    priorities = [_option(p, plain(locale, f"priority_{p}")) for p in PRIORITIES]
    elements.append(
        static_select(
            ids.FIELD_PRIORITY,
            priorities,
            placeholder=plain(locale, "f_priority"),
            required=True,
            initial=(chosen.priority if chosen and chosen.priority in PRIORITIES else None) or "normal",
        )
    )
    if metadata.get("link"):
        elements.append(md(link(str(metadata["link"]), plain(locale, "f_source"))))
    submit_meta = dict(metadata)
    if chosen is not None:
        # The submission says which type and which field each `field_<n>` input holds.
        submit_meta |= {"type": chosen.key, "fields": [name for name, _ in chosen.fields[:MAX_FIELDS]]}
    form = form_card(ids.NEW_TASK_FORM, locale, "form_new", "form_submit", elements, **submit_meta)
    if types:
        prefill = {"title": clip(title, INPUT_LIMIT), "details": clip(details, INPUT_LIMIT)}
        menu = type_menu(locale, types, chosen, {**metadata, **prefill})
        form["body"]["elements"].insert(0, menu)
    return form


def type_menu(
    locale: str, types: tuple[TypeView, ...], chosen: TypeView | None, known: dict[str, Any]
) -> dict[str, Any]:
    """The Type menu: a select outside the form container (inside one it would not call back); choosing
    calls back with the chosen type as `option` and `known` (metadata, prefilled title and details) as
    the value, and is answered with the form redrawn."""
    options = [_option(v.key, f"#{v.dept} {v.name}") for v in types[:MAX_OPTIONS]]
    menu = static_select(
        ids.FIELD_TYPE,
        options,
        placeholder=plain(locale, "label_type"),
        required=False,
        initial=chosen.key if chosen else None,
    )
    menu.pop("required")  # only a form's inputs are required or not
    menu["behaviors"] = [{"type": "callback", "value": {ids.ACTION_KEY: ids.TYPE_ACTION, **known}}]
    return menu


def field_inputs(locale: str, chosen: TypeView | None) -> list[dict[str, Any]]:
    """An input per field of the chosen type, named by position (a field's name may hold any character);
    a required one is marked `*` but left optional to Feishu: the handler refuses it empty, in a toast."""
    if chosen is None:
        return []
    out = []
    for n, (name, required) in enumerate(chosen.fields[:MAX_FIELDS]):
        caption = f"{name} *" if required else name
        out.append(text_input(f"{ids.FIELD_PREFIX}{n}", locale, "", required=False, caption=caption))
    return out


def reason_form(locale: str, move: str, task_id: int) -> dict[str, Any]:
    field = text_input(ids.FIELD_REASON, locale, "f_reason", required=True, multiline=True)
    return form_card(ids.REASON_FORM, locale, f"form_{move}", "form_save", [field], task=task_id, move=move)


def assign_form(locale: str, task_id: int) -> dict[str, Any]:
    field = person_picker(ids.FIELD_OWNER, locale, "f_new_owner", required=True)
    return form_card(ids.ASSIGN_FORM, locale, "form_assign", "form_save", [field], task=task_id)


def due_form(locale: str, task_id: int) -> dict[str, Any]:
    elements = due_inputs(locale, date_required=True)
    return form_card(ids.DUE_FORM, locale, "form_due", "form_save", elements, task=task_id)


def comment_form(locale: str, task_id: int) -> dict[str, Any]:
    field = text_input(ids.FIELD_COMMENT, locale, "f_comment", required=True, multiline=True)
    return form_card(ids.COMMENT_FORM, locale, "form_comment", "form_save", [field], task=task_id)


def standup_form(locale: str, run_id: int, departments: tuple[DeptView, ...]) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [
        text_input(ids.FIELD_DONE, locale, "f_done", required=True, multiline=True),
        text_input(ids.FIELD_PLANNED, locale, "f_planned", required=True, multiline=True),
        text_input(ids.FIELD_BLOCKERS, locale, "f_blockers", required=False, multiline=True),
        person_picker(ids.FIELD_UNBLOCKER, locale, "f_unblock_user", required=False),
    ]
    if departments:
        options = [_option(d.name, f"#{d.name}") for d in departments]
        elements.append(
            static_select(
                ids.FIELD_DEPARTMENT, options, placeholder=plain(locale, "f_unblock_dept"), required=False
            )
        )
    return form_card(ids.STANDUP_FORM, locale, "form_standup", "form_save", elements, run=run_id)
