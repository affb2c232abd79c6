"""Block Kit rendering of replies, cards and notices. Deciding happened in handlers/; this only draws.

Everything a user typed is escaped here, so `<!channel>` or a pasted `<@U…>` shows as text.
Block objects come from slack_sdk's model classes, which validate Slack's limits.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)

from bot.slack import ids
from bot.slack.syntax import channel_link, escape, mrkdwn, t
from handlers.format import fill, instant, intake_lines, stats_lines
from handlers.outgoing import Digest
from handlers.results import DeptView, Reply, TaskView, Text

SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000
MAX_DIGEST_ROWS = 20  # two blocks each, under the 50-block ceiling
LIST_ROWS = 40  # leaves room under Slack's 50-block ceiling for the header and "more" line
PRIORITY_ICON = {
    "urgent": ":red_circle:",
    "high": ":large_orange_circle:",
    "normal": ":white_circle:",
    "low": ":black_circle:",
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(dt: datetime, tz: ZoneInfo, locale: str) -> str:
    """Slack shows this in each reader's own zone; the fallback uses the sender's guess."""
    fallback = escape(instant(dt, tz=tz, locale=locale))
    return f"<!date^{int(dt.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def text_of(text: Text, locale: str, tz: ZoneInfo) -> str:
    return fill(
        text,
        locale=locale,
        tz=tz,
        escape=escape,
        when=lambda dt: slack_date(dt, tz, locale),
        markup=mrkdwn,
        channel=lambda ref: channel_link(ref.channel_id),
    )


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


def task_line(view: TaskView, locale: str, tz: ZoneInfo, now: datetime | None = None) -> str:
    icon = PRIORITY_ICON.get(view.priority, "")
    due = slack_date(view.due_at, tz, locale) if view.due_at else t(locale, "no_due")
    overdue = (
        f" · *{t(locale, 'overdue')}*"
        if now and view.due_at and view.due_at < now and view.status != "done"
        else ""
    )
    dept = f" · #{escape(view.owning_dept)}" if view.owning_dept else ""
    title = escape(clip(view.title, 300))
    return (
        f"{icon} *T-{view.id}* {title}\n{_mention(view.owner_id)}{dept} · {due} · "
        f"{t(locale, 'status_' + view.status)}{overdue}"
    )


MENU_OPS = ("assign", "due", "comment", "cancel", "watch")
PRIMARY = frozenset({"ack", "done", "verify"})


def actions_block(task_id: int, moves: list[str], locale: str, *, menu: bool = True) -> ActionsBlock | None:
    """Buttons for the moves given (already filtered for who sees them), plus a menu of changes."""
    elements: list[Any] = [
        ButtonElement(
            text=t(locale, f"btn_{move}"),
            action_id=ids.MOVE_ACTION.format(move=move),
            value=str(task_id),
            style="primary" if move in PRIMARY else None,
        )
        for move in moves
    ]
    if menu:
        options = [Option(value=f"{op}:{task_id}", text=t(locale, f"menu_{op}")) for op in MENU_OPS]
        elements.append(OverflowMenuElement(action_id=ids.TASK_MENU, options=options))
    if not elements:
        return None
    return ActionsBlock(block_id=f"task_actions_{task_id}", elements=elements)


def task_blocks(
    view: TaskView, locale: str, tz: ZoneInfo, *, moves: list[str] | None = None, menu: bool = False
) -> list[Block]:
    due = slack_date(view.due_at, tz, locale) if view.due_at else t(locale, "no_due")
    title = clip(f"{PRIORITY_ICON.get(view.priority, '')} *T-{view.id}* {escape(view.title)}", SECTION_LIMIT)
    fields = [
        MarkdownTextObject(
            text=f"*{t(locale, 'label_owner')}*\n{_mention(view.owner_id)}"
            + (f" · #{escape(view.owning_dept)}" if view.owning_dept else "")
        ),
        MarkdownTextObject(
            text=f"*{t(locale, 'label_requester')}*\n{_mention(view.requester_id)}"
            + (f" · #{escape(view.requesting_dept)}" if view.requesting_dept else "")
        ),
        MarkdownTextObject(text=f"*{t(locale, 'label_due')}*\n{due}"),
        MarkdownTextObject(text=f"*{t(locale, 'label_status')}*\n{t(locale, 'status_' + view.status)}"),
        MarkdownTextObject(text=f"*{t(locale, 'label_priority')}*\n{t(locale, 'priority_' + view.priority)}"),
        MarkdownTextObject(text=f"*{t(locale, 'label_accountable')}*\n{_mention(view.accountable_id)}"),
    ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=title), fields=fields)]
    context: list[str] = []
    if view.waits_for:
        context.append(f"{t(locale, 'label_waits_for')}: " + ", ".join(f"T-{i}" for i in view.waits_for))
    if view.source_link:
        context.append(f"<{escape(view.source_link)}|{t(locale, 'label_source')}>")
    context += [escape(line) for line in intake_lines(view, locale)]
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(context), 2000))]))
    if view.details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(escape(view.details), SECTION_LIMIT))))
    if moves is not None or menu:
        actions = actions_block(view.id, moves or [], locale, menu=menu)
        if actions is not None:
            blocks.append(actions)
    return blocks


def history_blocks(view: TaskView, locale: str, tz: ZoneInfo) -> list[Block]:
    lines = []
    for ev in view.history:
        line = f"{slack_date(ev.at, tz, locale)} {_mention(ev.actor_id)} {t(locale, 'ev_' + ev.action)}"
        if ev.action in ("assign", "triage") and ev.to_value:
            line += f" → {_mention(ev.to_value)}"
        elif ev.action in ("depends", "rate", "repeat", "repeat_copy") and ev.to_value:
            line += f" {escape(ev.to_value)}"
        elif ev.action in ("priority",) and ev.to_value:
            before = t(locale, "priority_" + (ev.from_value or "normal"))
            line += f": {before} → {t(locale, 'priority_' + ev.to_value)}"
        elif ev.action == "due" and ev.to_value:
            line += f" → {slack_date(datetime.fromisoformat(ev.to_value), tz, locale)}"
        if ev.note:
            line += f": {escape(clip(ev.note, 500))}"
        lines.append(line)
    return _chunked_sections(f"*{t(locale, 'label_history')}*", lines)


def _chunked_sections(header: str, lines: list[str], max_blocks: int = 20) -> list[Block]:
    """Lines packed into sections under the per-section character limit."""
    blocks: list[Block] = []
    current = header
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=current)))
            current = ""
            if len(blocks) >= max_blocks:
                return blocks
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(current, SECTION_LIMIT))))
    return blocks


def list_blocks(reply: Reply, locale: str, tz: ZoneInfo, now: datetime) -> list[Block]:
    assert reply.text is not None
    header = clip(text_of(reply.text, locale, tz), 150)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=header))]
    if not reply.tasks:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(locale, "list_empty"))))
        return blocks
    for view in reply.tasks[:LIST_ROWS]:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(task_line(view, locale, tz, now), SECTION_LIMIT)))
        )
    shown_until = reply.offset + min(len(reply.tasks), LIST_ROWS)
    hidden = reply.total - shown_until
    if hidden > 0:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(locale, "list_more", count=hidden))]))
        value = json.dumps({"scope": reply.scope, "dept": reply.dept, "offset": shown_until})
        more = ButtonElement(
            text=t(locale, "list_next", count=min(hidden, LIST_ROWS)), action_id=ids.LIST_MORE, value=value
        )
        blocks.append(ActionsBlock(elements=[more]))
    return blocks


def dept_blocks(depts: tuple[DeptView, ...], locale: str) -> list[Block]:
    lines = [
        t(
            locale,
            "dept_line",
            name=escape(d.name),
            lead=d.lead_id,
            channel=(
                f"<#{d.channel_id}>"
                if d.channel_id and not d.channel_id.startswith("#")
                else escape(d.channel_id or t(locale, "no_channel"))
            ),
            sla=d.sla_hours,
        ).replace(f"@{d.lead_id}", _mention(d.lead_id))
        for d in depts
    ]
    return _chunked_sections("", lines)


def payload(blocks: list[Block], fallback: str) -> dict[str, Any]:
    return {"text": clip(fallback, FALLBACK_LIMIT), "blocks": [b.to_dict() for b in blocks]}


def reply_payload(reply: Reply, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """What the speaker sees privately after a slash command."""
    if reply.kind == "list":
        blocks = list_blocks(reply, locale, tz, now)
        return payload(blocks, text_of(reply.text, locale, tz) if reply.text else "")
    if reply.kind == "detail" and reply.task is not None:
        blocks = [
            *task_blocks(reply.task, locale, tz),
            DividerBlock(),
            *history_blocks(reply.task, locale, tz),
        ]
        return payload(blocks[:50], f"T-{reply.task.id} {escape(reply.task.title)}")
    if reply.kind == "departments":
        return payload(dept_blocks(reply.departments, locale), "departments")
    if reply.kind == "form":
        return {"text": t(locale, "form_unavailable")}
    if reply.kind == "standup_report" and reply.stats is not None:
        from bot.slack.standup_render import summary_payload

        return summary_payload(reply.stats, reply.names, locale)
    if reply.kind == "stats" and reply.stats is not None:
        title = stats_title("stats_title", reply.stats, locale)
        return payload(stats_blocks(title, reply.stats, locale), title)
    message = text_of(reply.text, locale, tz) if reply.text else ""
    if reply.kind == "task" and reply.task is not None:
        blocks = [
            SectionBlock(text=MarkdownTextObject(text=clip(message, SECTION_LIMIT))),
            *task_blocks(reply.task, locale, tz),
        ]
        return payload(blocks, message)
    return {"text": clip(message, FALLBACK_LIMIT)}


def notice_payload(
    text: Text,
    view: TaskView | None,
    *,
    locale: str,
    tz: ZoneInfo,
    note: str | None,
    moves: list[str] | None = None,
) -> dict[str, Any]:
    """A direct message: what happened, the note if any, and the task's card."""
    message = text_of(text, locale, tz)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(message, SECTION_LIMIT)))]
    if note:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(escape(t(locale, "note", note=note)), SECTION_LIMIT))
            )
        )
    if view is not None:
        # A direct message has one reader: show the moves they may make, and the menu while it is open.
        open_task = view.status not in ("verified", "cancelled")
        blocks.extend(task_blocks(view, locale, tz, moves=moves or [], menu=open_task))
    return payload(blocks, message)


def card_payload(view: TaskView, *, locale: str, tz: ZoneInfo, moves: list[str]) -> dict[str, Any]:
    """A channel card is read by many: it carries every move the state allows; presses are checked."""
    open_task = view.status not in ("verified", "cancelled")
    blocks = task_blocks(view, locale, tz, moves=moves, menu=open_task)
    return payload(blocks, f"T-{view.id} {escape(view.title)}")


def digest_payload(digest: Digest, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """One message with several tasks, each with the buttons its reader may press (Done, Block, Snooze
    on overdue work); the rows that do not fit under Block Kit's ceiling become a "more" line."""
    message = text_of(digest.title, locale, tz)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(message, SECTION_LIMIT)))]
    for item in digest.items[:MAX_DIGEST_ROWS]:
        view = item.task
        line = task_line(view, locale, tz, now)
        if item.reasons:
            line = " · ".join(text_of(r, locale, tz) for r in item.reasons) + f"\n{line}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, SECTION_LIMIT))))
        buttons: list[Any] = [
            ButtonElement(
                text=t(locale, f"btn_{m}"), action_id=ids.MOVE_ACTION.format(move=m), value=str(view.id)
            )
            for m in item.moves
        ]
        if item.snooze:
            buttons.append(
                ButtonElement(text=t(locale, "btn_snooze"), action_id=ids.SNOOZE_ACTION, value=str(view.id))
            )
        if buttons:
            blocks.append(ActionsBlock(block_id=f"digest_{view.id}", elements=buttons))
    if len(digest.items) > MAX_DIGEST_ROWS:
        hidden = len(digest.items) - MAX_DIGEST_ROWS
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(locale, "list_more", count=hidden))]))
    return payload(blocks, message)


def stats_blocks(title: str, stats: Any, locale: str) -> list[Block]:
    lines = stats_lines(stats, locale=locale, escape=escape)
    return [SectionBlock(text=MarkdownTextObject(text=clip(title + "\n" + "\n".join(lines), SECTION_LIMIT)))]


def stats_title(key: str, stats: Any, locale: str) -> str:
    return t(locale, key, dept=escape(stats.dept), start=stats.start.isoformat(), end=stats.end.isoformat())
