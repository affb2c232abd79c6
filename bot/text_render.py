"""Plain-text rendering of replies, cards and notices: the console and `tick --dry-run` use it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.format import fill, instant, plain_markup, stats_lines
from handlers.i18n import t as catalogue_text
from handlers.results import Reply, TaskView, Text


def t(locale: str, key: str, **params: Any) -> str:
    """A catalogue text as plain text (its markup dropped); values go in as typed."""
    template = plain_markup(catalogue_text(locale, key))
    return template.format(**params) if params else template


def _name(names: dict[str, str], user_id: str) -> str:
    return "@" + names.get(user_id, user_id)


def task_lines(view: TaskView, names: dict[str, str], locale: str, tz: ZoneInfo) -> list[str]:
    due = instant(view.due_at, tz=tz, locale=locale) if view.due_at else t(locale, "no_due")
    owner_dept = f" (#{view.owning_dept})" if view.owning_dept else ""
    req_dept = f" (#{view.requesting_dept})" if view.requesting_dept else ""
    lines = [
        f"T-{view.id} [{t(locale, 'priority_' + view.priority)}] {view.title}",
        f"  {t(locale, 'label_status')}: {t(locale, 'status_' + view.status)} · "
        f"{t(locale, 'label_due')}: {due}",
        f"  {t(locale, 'label_owner')}: {_name(names, view.owner_id)}{owner_dept} · "
        f"{t(locale, 'label_requester')}: {_name(names, view.requester_id)}{req_dept} · "
        f"{t(locale, 'label_accountable')}: {_name(names, view.accountable_id)}",
    ]
    if view.waits_for:
        lines.append(f"  {t(locale, 'label_waits_for')}: " + ", ".join(f"T-{i}" for i in view.waits_for))
    if view.watchers:
        lines.append(f"  {t(locale, 'label_watchers')}: " + ", ".join(_name(names, w) for w in view.watchers))
    if view.source_link:
        lines.append(f"  {t(locale, 'label_source')}: {view.source_link}")
    return lines


def history_lines(view: TaskView, names: dict[str, str], locale: str, tz: ZoneInfo) -> list[str]:
    lines = [f"  {t(locale, 'label_history')}:"]
    for ev in view.history:
        when = instant(ev.at, tz=tz, locale=locale)
        line = f"    {when} {_name(names, ev.actor_id)} {t(locale, 'ev_' + ev.action)}"
        if ev.action == "assign" and ev.to_value:
            line += f" → {_name(names, ev.to_value)}"
        elif ev.action == "due" and ev.to_value:
            line += " → " + instant(datetime.fromisoformat(ev.to_value), tz=tz, locale=locale)
        elif ev.action in ("priority", "depends") and ev.to_value:
            line += f" {ev.to_value}"
        if ev.note:
            line += f": {ev.note}"
        lines.append(line)
    return lines


def reply_lines(reply: Reply, *, locale: str, tz: ZoneInfo) -> list[str]:
    lines: list[str] = []
    if reply.text is not None:
        lines.append(fill(reply.text, locale=locale, tz=tz, markup=plain_markup))
    if reply.kind == "list":
        if not reply.tasks:
            lines.append("  " + t(locale, "list_empty"))
        for view in reply.tasks:
            due = instant(view.due_at, tz=tz, locale=locale) if view.due_at else t(locale, "no_due")
            lines.append(
                f"  T-{view.id} [{t(locale, 'priority_' + view.priority)}] {view.title} — "
                f"{_name(reply.names, view.owner_id)} · {due} · {t(locale, 'status_' + view.status)}"
            )
        if reply.total > len(reply.tasks):
            lines.append("  " + t(locale, "list_more", count=reply.total - len(reply.tasks)))
    elif reply.kind == "detail" and reply.task is not None:
        lines += task_lines(reply.task, reply.names, locale, tz) + history_lines(
            reply.task, reply.names, locale, tz
        )
    elif reply.kind == "task" and reply.task is not None:
        lines += task_lines(reply.task, reply.names, locale, tz)
    elif reply.kind == "departments":
        for d in reply.departments:
            channel = d.channel_id or t(locale, "no_channel")
            lines.append(
                t(
                    locale,
                    "dept_line",
                    name=d.name,
                    lead=reply.names.get(d.lead_id, d.lead_id),
                    channel=channel,
                    sla=d.sla_hours,
                )
            )
    elif reply.kind == "form":
        lines.append(t(locale, "form_unavailable"))
    elif reply.kind == "standup_report" and reply.stats is not None:
        s = reply.stats
        total = len(s.answered) + len(s.missing)
        lines.append(
            t(locale, "standup_summary", day=s.day, count=len(s.answered), total=total).replace("*", "")
        )
        lines += [
            f"  {t(locale, 'standup_blocker_line', name=reply.names.get(b.user_id, b.user_id), text=b.text)}"
            for b in s.blockers
        ]
    elif reply.kind == "stats" and reply.stats is not None:
        s = reply.stats
        lines.append(t(locale, "stats_title", dept=s.dept, start=s.start.isoformat(), end=s.end.isoformat()))
        lines += ["  " + line for line in stats_lines(s, locale=locale)]
    return lines


def notice_lines(
    text: Text, view: TaskView | None, names: dict[str, str], *, locale: str, tz: ZoneInfo, note: str | None
) -> list[str]:
    lines = [fill(text, locale=locale, tz=tz, markup=plain_markup)]
    if note:
        lines.append(t(locale, "note", note=note))
    return lines
