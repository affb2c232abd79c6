"""Plain-text rendering of replies, cards and notices: the console and `tick --dry-run` use it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.format import fill, instant, intake_lines, plain_markup, stats_lines
from handlers.i18n import template
from handlers.outgoing import (
    Card,
    Digest,
    HomeView,
    IntakeOffer,
    Notice,
    Outgoing,
    PrivateNote,
    StandupAnswerPost,
    StandupOpening,
    StandupPrompt,
    StandupSummaryPost,
    StatsPost,
)
from handlers.people import zone
from handlers.results import Reply, TaskView
from handlers.standup_runs import StandupSummary, names_department


def t(locale: str, key: str, **params: Any) -> str:
    """A catalogue text as plain text (its markup dropped); values go in as typed."""
    form = plain_markup(template(locale, key, count=params.get("count")))
    return form.format(**params) if params else form


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
    lines += [f"  {line}" for line in intake_lines(view, locale)]
    return lines


def history_lines(view: TaskView, names: dict[str, str], locale: str, tz: ZoneInfo) -> list[str]:
    lines = [f"  {t(locale, 'label_history')}:"]
    for ev in view.history:
        when = instant(ev.at, tz=tz, locale=locale)
        line = f"    {when} {_name(names, ev.actor_id)} {t(locale, 'ev_' + ev.action)}"
        if ev.action in ("assign", "triage") and ev.to_value:
            line += f" → {_name(names, ev.to_value)}"
        elif ev.action == "due" and ev.to_value:
            line += " → " + instant(datetime.fromisoformat(ev.to_value), tz=tz, locale=locale)
        elif ev.action in ("priority", "depends", "rate", "repeat", "repeat_copy") and ev.to_value:
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
        head, *rest = summary_lines(reply.stats, reply.names, locale)
        lines += [head, *(f"  {line}" for line in rest)]
    elif reply.kind == "stats" and reply.stats is not None:
        s = reply.stats
        lines.append(t(locale, "stats_title", dept=s.dept, start=s.start.isoformat(), end=s.end.isoformat()))
        lines += ["  " + line for line in stats_lines(s, locale=locale)]
    return lines


def message_lines(message: Outgoing, *, viewer_tz: str | None = None) -> tuple[str, list[str]]:
    """A heading (where it went) and the lines a person would read there."""
    body, names, locale, tz = message.body, message.names, message.reader.locale, message.reader.tz
    where = message.where
    if where.direct or where.only_for:
        who = message.reader.name or names.get(message.origin.recipient, message.origin.recipient)
        head = f"[DM → @{who}]" if where.direct else f"[{where.conversation}, only @{who}]"
    elif where.thread and message.origin.event.startswith("standup_"):
        head = f"[{where.conversation} › stand-up]"
    elif where.thread:
        head = f"[{where.conversation} › thread {where.thread}]"
    else:
        head = f"[{where.conversation}]"
    match body:
        case Notice():
            lines = [fill(body.text, locale=locale, tz=tz, markup=plain_markup)]
            if body.note:
                lines.append(t(locale, "note", note=body.note))
            return head, lines
        case Card():
            label = "card updated" if where.update else "card"
            card_tz = zone(viewer_tz, tz.key)
            return f"{head} {label}", task_lines(body.item.task, dict(names), locale, card_tz)
        case Digest():
            lines = [fill(body.title, locale=locale, tz=tz, markup=plain_markup)]
            for item in body.items:
                view = item.task
                due = f" ({instant(view.due_at, tz=tz, locale=locale)})" if view.due_at else ""
                reason = " · ".join(fill(r, locale=locale, tz=tz, markup=plain_markup) for r in item.reasons)
                reason = f"{reason}: " if reason else ""
                lines.append(f"{reason}T-{view.id} {view.title}{due}")
            return head, lines
        case StandupOpening():
            return head, [(t(locale, "standup_open", day=body.day, close=body.close))]
        case StandupPrompt():
            return head, [
                (t(locale, "standup_prompt", channel=body.channel)),
                t(locale, "standup_prompt_console"),
            ]
        case StandupAnswerPost():
            text = t(
                locale,
                "standup_answer_post",
                name=names.get(body.user_id, body.user_id),
                done=body.done or "—",
                planned=body.planned or "—",
                blockers=body.blockers or "—",
            )
            return head, text.splitlines()
        case StandupSummaryPost():
            return head, summary_lines(body.summary, dict(names), locale)
        case StatsPost():
            return head, [
                fill(body.title, locale=locale, tz=tz, markup=plain_markup),
                *stats_lines(body.stats, locale=locale),
            ]
        case PrivateNote():
            return head, [fill(body.text, locale=locale, tz=tz, markup=plain_markup)]
        case HomeView():
            return head, []
        case IntakeOffer():
            quote = [f"> {line}" for line in body.quote.splitlines()]
            return head, [*quote, t(locale, "intake_offer")]
    raise TypeError(f"no plain text for {type(body).__name__}")


def describe(message: Outgoing) -> list[str]:
    """A message as the console shows it: heading and first line, then the rest."""
    head, lines = message_lines(message)
    return [f"{head} {lines[0] if lines else ''}".rstrip(), *lines[1:]]


def summary_lines(summary: StandupSummary, names: dict[str, str], locale: str) -> list[str]:
    def who(users: tuple[str, ...]) -> str:
        return ", ".join("@" + names.get(u, u) for u in users)

    total = len(summary.answered) + len(summary.missing)
    key = "standup_summary_open" if summary.open else "standup_summary"
    head = t(locale, key, day=summary.day, count=len(summary.answered), total=total, close=summary.closes)
    lines = [head]
    if summary.missing:
        lines.append(t(locale, "standup_missing_list", names=who(summary.missing)))
    if summary.away:
        lines.append(t(locale, "standup_away_list", names=who(summary.away)))
    for b in summary.blockers:
        named = b.unblock_dept and names_department(b.text, b.unblock_dept)
        target = f" → #{b.unblock_dept}" if b.unblock_dept and not named else ""
        lines.append(
            t(locale, "standup_blocker_line", name=names.get(b.user_id, b.user_id), text=b.text) + target
        )
    return lines
