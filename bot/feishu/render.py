"""Feishu cards (card JSON 2.0) for replies and tasks. Deciding happened in handlers/; this only draws.

A card is `{"schema": "2.0", "config": {"update_multi": true, ...}, "header": ..., "body": {"elements":
[...]}}`; 2.0 cards are always shared (`update_multi` true), so a PATCH updates them for every reader.
Feishu cannot show an instant in each reader's zone: it is written in the reader's zone (one reader) or
the channel's. Everything a person typed goes through `syntax.escape`: shown, never a ping.

Limits (Open Platform "Send message" / "Update app message card": a card's request body at most 30 KB;
card JSON 2.0: at most 200 components): rows are capped and long texts clipped to stay under them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.feishu import ids, syntax
from handlers.format import BOLD, CODE, LINK, fill, instant, intake_lines, stats_lines
from handlers.i18n import CATALOGUE, EN, template
from handlers.results import DeptView, Reply, TaskView, Text

MD_LIMIT = 5000  # one markdown component's text (kept well under the 30 KB card body)
TITLE_LIMIT = 100  # a header's title
LIST_ROWS = 30
MAX_ELEMENTS = 200
PRIORITY_ICON = {"urgent": "🔴", "high": "🟠", "normal": "⚪", "low": "⚫"}
REASON_MOVES = frozenset({"block", "reopen", "cancel"})  # these ask why first: the reason form
PRIMARY = frozenset({"ack", "done", "verify"})
MENU_FORMS = (("assign", ids.ASSIGN_FORM), ("due", ids.DUE_FORM), ("comment", ids.COMMENT_FORM))
_SAFE_URL = re.compile(r"https?://[^\s()<>\[\]]+")

Names = Mapping[str, str]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- texts ------------------------------------------------------------------------------------------


def markdown(markup: str) -> str:
    """The catalogue's neutral markup as card markdown: `**bold**`, `` `code` `` and links are the same."""
    return markup


def t(locale: str, key: str, **params: Any) -> str:
    """A catalogue text as card markdown. Callers escape string values typed by people."""
    form = markdown(template(locale, key, count=params.get("count")))
    return form.format(**params) if params else form


def plain(locale: str, key: str, **params: Any) -> str:
    """A catalogue text for a plain_text field (a button, a header): its markup dropped."""
    text = LINK.sub(r"\1", CODE.sub(r"\1", BOLD.sub(r"\1", template(locale, key, count=params.get("count")))))
    return text.format(**params) if params else text


def has_text(key: str) -> bool:
    return key in EN or any(key in table for table in CATALOGUE.values())


def text_of(text: Text, locale: str, tz: ZoneInfo) -> str:
    """A catalogue text as card markdown: values escaped (a typed `<at user_id="all">` shows, never pings)."""
    return fill(
        text,
        locale=locale,
        tz=tz,
        escape=syntax.escape,
        when=lambda dt: instant(dt, tz=tz, locale=locale),
        markup=markdown,
        # Card text cannot link a group; a reply is read in the group it names.
        channel=lambda ref: t(locale, "this_group") if ids.is_feishu(ref.channel_id) else ref.channel_id,
    )


def person(user_id: str | None, names: Names) -> str:
    """A person in card markdown: a Feishu person is mentioned; anyone else (Slack) is their name."""
    if not user_id:
        return "—"
    if ids.is_feishu(user_id):
        try:
            return syntax.card_mention(ids.theirs(user_id))
        except ValueError:
            pass
    return "@" + syntax.escape(names.get(user_id, user_id))


def link(url: str, label: str) -> str:
    """A link only when the address is plainly one; anything else is shown as text."""
    if _SAFE_URL.fullmatch(url):
        return f"[{label}]({url})"
    return f"{label}: {syntax.escape(url)}"


# -- components -------------------------------------------------------------------------------------


def md(content: str) -> dict[str, Any]:
    return {"tag": "markdown", "content": clip(content, MD_LIMIT) if content.strip() else "—"}


def hr() -> dict[str, Any]:
    return {"tag": "hr"}


def plain_text(content: str) -> dict[str, Any]:
    return {"tag": "plain_text", "content": content}


def button(label: str, value: dict[str, Any], *, kind: str = "default") -> dict[str, Any]:
    """A button whose press calls back with `value` (card.action.trigger hands it back whole)."""
    return {
        "tag": "button",
        "text": plain_text(clip(label, 40)),
        "type": kind,
        "behaviors": [{"type": "callback", "value": value}],
    }


def buttons(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Buttons side by side (2.0 has no `action` module: a column set that wraps)."""
    columns = [{"tag": "column", "width": "auto", "elements": [b]} for b in items]
    return {"tag": "column_set", "flex_mode": "flow", "horizontal_spacing": "small", "columns": columns}


def card(
    elements: list[dict[str, Any]], *, title: str | None = None, summary: str = "", color: str = "blue"
) -> dict[str, Any]:
    """A shared card (2.0): updates reach every reader."""
    config: dict[str, Any] = {"update_multi": True}
    if summary:
        config["summary"] = {"content": clip(_flat(summary), 100)}
    out: dict[str, Any] = {"schema": "2.0", "config": config}
    if title:
        out["header"] = {"title": plain_text(clip(_flat(title), TITLE_LIMIT)), "template": color}
    out["body"] = {"elements": (elements or [md("—")])[:MAX_ELEMENTS]}
    return out


def _flat(text: str) -> str:
    """Markdown as a one-line plain text (a header, the chat list's preview)."""
    text = LINK.sub(r"\1", CODE.sub(r"\1", BOLD.sub(r"\1", text)))
    return " ".join(text.replace("<", "‹").split())


# -- tasks ------------------------------------------------------------------------------------------


def move_label(locale: str, move: str) -> str:
    return plain(locale, f"btn_{move}") if has_text(f"btn_{move}") else plain(locale, f"menu_{move}")


def move_button(task_id: int, move: str, locale: str) -> dict[str, Any]:
    """A move's button; a move that needs a reason opens the reason form instead of moving."""
    if move in REASON_MOVES:
        value = {ids.ACTION_KEY: ids.OPEN_FORM_ACTION, "form": ids.REASON_FORM, "task": task_id, "move": move}
    else:
        value = {ids.ACTION_KEY: ids.MOVE_ACTION, "task": task_id, "move": move}
    return button(move_label(locale, move), value, kind="primary" if move in PRIMARY else "default")


def task_buttons(task_id: int, moves: list[str] | tuple[str, ...], locale: str, *, menu: bool) -> list[Any]:
    items = [move_button(task_id, m, locale) for m in moves]
    if menu:
        for op, form in MENU_FORMS:
            value = {ids.ACTION_KEY: ids.OPEN_FORM_ACTION, "form": form, "task": task_id}
            items.append(button(plain(locale, f"menu_{op}"), value, kind="text"))
        if "cancel" not in moves:
            items.append(move_button(task_id, "cancel", locale) | {"type": "text"})
    return [buttons(items)] if items else []


def due_text(view: TaskView, locale: str, tz: ZoneInfo) -> str:
    return instant(view.due_at, tz=tz, locale=locale) if view.due_at else t(locale, "no_due")


def task_line(view: TaskView, locale: str, tz: ZoneInfo, names: Names, now: datetime | None = None) -> str:
    overdue = (
        f" · **{t(locale, 'overdue')}**"
        if now and view.due_at and view.due_at < now and view.status not in ("done", "verified", "cancelled")
        else ""
    )
    dept = f" · #{syntax.escape(view.owning_dept)}" if view.owning_dept else ""
    title = syntax.escape(clip(view.title, 300))
    icon = PRIORITY_ICON.get(view.priority, "")
    return (
        f"{icon} **T-{view.id}** {title}\n{person(view.owner_id, names)}{dept}"
        f" · {due_text(view, locale, tz)} · {t(locale, 'status_' + view.status)}{overdue}"
    )


def task_elements(
    view: TaskView,
    locale: str,
    tz: ZoneInfo,
    names: Names,
    *,
    moves: list[str] | tuple[str, ...] | None = None,
    menu: bool = False,
) -> list[dict[str, Any]]:
    """A task's card: title, who and when, details, and the buttons its reader may press."""
    head = f"{PRIORITY_ICON.get(view.priority, '')} **T-{view.id}** {syntax.escape(clip(view.title, 1000))}"

    def dept(name: str | None) -> str:
        return f" · #{syntax.escape(name)}" if name else ""

    lines = [
        f"**{t(locale, 'label_owner')}**: {person(view.owner_id, names)}{dept(view.owning_dept)}",
        f"**{t(locale, 'label_requester')}**: {person(view.requester_id, names)}{dept(view.requesting_dept)}",
        f"**{t(locale, 'label_due')}**: {due_text(view, locale, tz)}",
        f"**{t(locale, 'label_status')}**: {t(locale, 'status_' + view.status)} · "
        f"**{t(locale, 'label_priority')}**: {t(locale, 'priority_' + view.priority)}",
        f"**{t(locale, 'label_accountable')}**: {person(view.accountable_id, names)}",
    ]
    if view.waits_for:
        lines.append(f"**{t(locale, 'label_waits_for')}**: " + ", ".join(f"T-{i}" for i in view.waits_for))
    if view.source_link:
        lines.append(link(view.source_link, t(locale, "label_source")))
    # A request's type, its fields and the requester's rating (SPEC §8), as typed: escaped.
    lines += [syntax.escape(clip(line, 1000)) for line in intake_lines(view, locale)]
    elements = [md(head), md("\n".join(lines))]
    if view.details:
        elements.append(md(syntax.escape(clip(view.details, 4000))))
    if moves is not None or menu:
        elements += task_buttons(view.id, moves or [], locale, menu=menu)
    return elements


def history_elements(view: TaskView, locale: str, tz: ZoneInfo, names: Names) -> list[dict[str, Any]]:
    lines = [f"**{t(locale, 'label_history')}**"]
    for ev in view.history:
        when = instant(ev.at, tz=tz, locale=locale)
        line = f"{when} {person(ev.actor_id, names)} {t(locale, 'ev_' + ev.action)}"
        if ev.action == "assign" and ev.to_value:
            line += f" → {person(ev.to_value, names)}"
        elif ev.action == "depends" and ev.to_value:
            line += f" {syntax.escape(ev.to_value)}"
        elif ev.action == "priority" and ev.to_value:
            before = t(locale, "priority_" + (ev.from_value or "normal"))
            line += f": {before} → {t(locale, 'priority_' + ev.to_value)}"
        elif ev.action == "due" and ev.to_value:
            line += " → " + instant(datetime.fromisoformat(ev.to_value), tz=tz, locale=locale)
        if ev.note:
            line += f": {syntax.escape(clip(ev.note, 500))}"
        lines.append(line)
    return chunked(lines)


def chunked(lines: list[str], limit: int = MD_LIMIT, max_parts: int = 20) -> list[dict[str, Any]]:
    """Lines packed into markdown components under the per-component limit."""
    parts: list[dict[str, Any]] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            parts.append(md(current))
            current = ""
            if len(parts) >= max_parts:
                return parts
        current = f"{current}\n{line}" if current else line
    if current:
        parts.append(md(current))
    return parts


# -- replies ----------------------------------------------------------------------------------------


def list_elements(reply: Reply, locale: str, tz: ZoneInfo, now: datetime) -> list[dict[str, Any]]:
    if not reply.tasks:
        return [md(t(locale, "list_empty"))]
    rows = [task_line(v, locale, tz, reply.names, now) for v in reply.tasks[:LIST_ROWS]]
    elements = chunked(["\n\n".join(rows)]) if sum(map(len, rows)) < MD_LIMIT else chunked(rows)
    shown_until = reply.offset + min(len(reply.tasks), LIST_ROWS)
    hidden = reply.total - shown_until
    if hidden > 0:
        elements.append(md(t(locale, "list_more", count=hidden)))
        value = {
            ids.ACTION_KEY: ids.LIST_MORE_ACTION,
            "scope": reply.scope,
            "dept": reply.dept,
            "offset": shown_until,
        }
        elements.append(buttons([button(plain(locale, "list_next", count=min(hidden, LIST_ROWS)), value)]))
    return elements


def dept_lines(depts: tuple[DeptView, ...], locale: str, names: Names) -> list[str]:
    lines = []
    for d in depts:
        if d.channel_id and ids.is_feishu(d.channel_id):
            channel = f"#{syntax.escape(d.name)}"
        else:
            channel = syntax.escape(d.channel_id or t(locale, "no_channel"))
        line = t(
            locale, "dept_line", name=syntax.escape(d.name), lead=d.lead_id, channel=channel, sla=d.sla_hours
        )
        lines.append(line.replace(f"@{d.lead_id}", person(d.lead_id, names)))
    return lines


def stats_title(key: str, stats: Any, locale: str) -> str:
    return t(
        locale, key, dept=syntax.escape(stats.dept), start=stats.start.isoformat(), end=stats.end.isoformat()
    )


def stats_card(title: str, stats: Any, locale: str) -> dict[str, Any]:
    lines = stats_lines(stats, locale=locale, escape=syntax.escape)
    return card([md("\n".join(lines))], title=title, summary=title)


def reply_card(reply: Reply, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """What the speaker sees after a command (privately in a group: an ephemeral card)."""
    message = text_of(reply.text, locale, tz) if reply.text else ""
    if reply.kind == "list":
        return card(list_elements(reply, locale, tz, now), title=message, summary=message)
    if reply.kind == "detail" and reply.task is not None:
        view = reply.task
        elements = [
            *task_elements(view, locale, tz, reply.names),
            hr(),
            *history_elements(view, locale, tz, reply.names),
        ]
        return card(elements, summary=f"T-{view.id} {view.title}")
    if reply.kind == "departments":
        lines = dept_lines(reply.departments, locale, reply.names)
        return card(chunked(lines) or [md(message or t(locale, "dept_none"))])
    if reply.kind == "form":
        from bot.feishu.forms import new_task_form

        return new_task_form(locale, reply.departments, metadata={})
    if reply.kind == "standup_report" and reply.stats is not None:
        from bot.feishu.cards import summary_card

        return summary_card(reply.stats, reply.names, locale)
    if reply.kind == "stats" and reply.stats is not None:
        return stats_card(stats_title("stats_title", reply.stats, locale), reply.stats, locale)
    if reply.kind == "task" and reply.task is not None:
        return card([md(message), *task_elements(reply.task, locale, tz, reply.names)], summary=message)
    return card([md(message)], summary=message)
