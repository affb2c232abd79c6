"""A Feishu card for each typed message Baton sends (handlers.outgoing): the body in, card JSON 2.0 out."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.feishu import ids, syntax
from bot.feishu.render import (
    LIST_ROWS,
    Names,
    button,
    buttons,
    card,
    chunked,
    hr,
    md,
    move_button,
    person,
    plain,
    stats_card,
    t,
    task_elements,
    task_line,
    text_of,
)
from handlers.format import duration
from handlers.home import SECTION_SIZE, Home, Section
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
from handlers.standup_runs import StandupSummary, names_department

MAX_DIGEST_ROWS = 20  # three components each, far under the 200-component ceiling and the 30 KB body
MAX_BLOCKERS = 20
OPEN_STATES = ("verified", "cancelled")


def message_card(message: Outgoing) -> dict[str, Any]:
    """The card for one outgoing message, in its reader's language and zone."""
    body, locale, tz, names = message.body, message.reader.locale, message.reader.tz, message.names
    match body:
        case Notice():
            text = text_of(body.text, locale, tz)
            elements = [md(text)]
            if body.note:
                elements.append(md(syntax.escape(t(locale, "note", note=body.note))))
            if body.item is not None:
                view = body.item.task
                # One reader: the moves they may make, and the menu of changes while the task is open.
                open_task = view.status not in OPEN_STATES
                elements += [
                    hr(),
                    *task_elements(view, locale, tz, names, moves=body.item.moves, menu=open_task),
                ]
            return card(elements, summary=text)
        case Card():
            view = body.item.task
            open_task = view.status not in OPEN_STATES
            elements = task_elements(view, locale, tz, names, moves=body.item.moves, menu=open_task)
            return card(elements, summary=f"T-{view.id} {view.title}")
        case Digest():
            return digest_card(body, locale=locale, tz=tz, names=names, now=message.now)
        case StandupOpening():
            text = t(locale, "standup_open", day=syntax.escape(body.day), close=syntax.escape(body.close))
            return card([md(text)], summary=text)
        case StandupPrompt():
            return prompt_card(body, locale, names)
        case StandupAnswerPost():
            return answer_card(body, locale, names)
        case StandupSummaryPost():
            return summary_card(body.summary, names, locale)
        case StatsPost():
            return stats_card(text_of(body.title, locale, tz), body.stats, locale)
        case HomeView():
            return home_card(body.home, locale=locale, tz=tz, now=message.now)
        case PrivateNote():
            text = text_of(body.text, locale, tz)
            return card([md(text)], summary=text)
        case IntakeOffer():
            return offer_card(body, locale)
    raise TypeError(f"no Feishu card for {type(body).__name__}")


QUOTE_LIMIT = 2000  # the quote is a reminder, not the record (the form holds the whole text)


def offer_card(offer: IntakeOffer, locale: str) -> dict[str, Any]:
    """The quoted message, the question, and the button that opens the New task form filled from it
    (a private card: only the person who reacted sees it)."""
    quote = offer.quote if len(offer.quote) <= QUOTE_LIMIT else offer.quote[: QUOTE_LIMIT - 1] + "…"
    quoted = syntax.quote(quote or "…")
    question = t(locale, "intake_offer")
    value = {ids.ACTION_KEY: ids.INTAKE_OFFER_ACTION, "channel": offer.channel, "message": offer.message_id}
    press = button(plain(locale, "intake_offer_button"), value, kind="primary")
    return card([md(quoted), md(question), buttons([press])], summary=question)


def digest_card(digest: Digest, *, locale: str, tz: ZoneInfo, names: Names, now: datetime) -> dict[str, Any]:
    """Several tasks, each with its reasons and the buttons its reader may press (Done, Block, Snooze on
    overdue work); rows past the size limit become a "more" line."""
    title = text_of(digest.title, locale, tz)
    elements = [md(title)]
    for item in digest.items[:MAX_DIGEST_ROWS]:
        view = item.task
        line = task_line(view, locale, tz, names, now)
        if item.reasons:
            line = " · ".join(text_of(r, locale, tz) for r in item.reasons) + f"\n{line}"
        elements += [hr(), md(line)]
        row = [move_button(view.id, m, locale) for m in item.moves]
        if item.snooze:
            snooze = {ids.ACTION_KEY: ids.SNOOZE_ACTION, "task": view.id}
            row.append(button(plain(locale, "btn_snooze"), snooze))
        if row:
            elements.append(buttons(row))
    hidden = len(digest.items) - MAX_DIGEST_ROWS
    if hidden > 0:
        elements.append(md(t(locale, "list_more", count=hidden)))
    return card(elements, summary=title)


# -- stand-ups --------------------------------------------------------------------------------------


def chat_name(chat: str, names: Names, locale: str = "en") -> str:
    """A group by its name where known; never its raw id."""
    return syntax.escape(names.get(chat) or t(locale, "your_group"))


def names_person(text: str, user_id: str) -> bool:
    """Whether a blocker's own words already mention the person (as Feishu wrote the mention)."""
    return f"<at id={ids.theirs(user_id)}>" in text or f'user_id="{ids.theirs(user_id)}"' in text


def prompt_card(prompt: StandupPrompt, locale: str, names: Names) -> dict[str, Any]:
    text = t(locale, "standup_prompt", channel=chat_name(prompt.channel, names, locale))
    value = {ids.ACTION_KEY: ids.STANDUP_ANSWER_ACTION, "run": prompt.run_id}
    answer = button(plain(locale, "btn_standup_answer"), value, kind="primary")
    return card([md(text), buttons([answer])], summary=text)


def answer_card(answer: StandupAnswerPost, locale: str, names: Names) -> dict[str, Any]:
    blockers = syntax.escape(answer.blockers or "—")
    if answer.unblock_user and not names_person(answer.blockers, answer.unblock_user):
        blockers += f" → {person(answer.unblock_user, names)}"
    if answer.unblock_dept and not names_department(answer.blockers, answer.unblock_dept):
        blockers += f" → #{syntax.escape(answer.unblock_dept)}"
    text = t(
        locale,
        "standup_answer_post",
        name=syntax.escape(names.get(answer.user_id, ids.theirs(answer.user_id))),
        done=syntax.escape(answer.done or "—"),
        planned=syntax.escape(answer.planned or "—"),
        blockers=blockers,
    )
    return card([md(text)], summary=text)


def summary_card(summary: StandupSummary, names: Names, locale: str) -> dict[str, Any]:
    """The day's summary, with a Create task button under each blocker."""

    def who(users: tuple[str, ...]) -> str:
        return ", ".join(person(u, names) for u in users)

    total = len(summary.answered) + len(summary.missing)
    key = "standup_summary_open" if summary.open else "standup_summary"
    head = t(locale, key, day=summary.day, count=len(summary.answered), total=total, close=summary.closes)
    lines = [head]
    if summary.answered:
        lines.append(t(locale, "standup_answered_list", names=who(summary.answered)))
    if summary.missing:
        lines.append(t(locale, "standup_missing_list", names=who(summary.missing)))
    if summary.away:
        lines.append(t(locale, "standup_away_list", names=who(summary.away)))
    elements = chunked(lines)
    if summary.blockers:
        elements.append(md(t(locale, "standup_blockers")))
    for blocker in summary.blockers[:MAX_BLOCKERS]:
        name = names.get(blocker.user_id, ids.theirs(blocker.user_id))
        line = t(locale, "standup_blocker_line", name=syntax.escape(name), text=syntax.escape(blocker.text))
        if blocker.unblock_dept and not names_department(blocker.text, blocker.unblock_dept):
            line += f" → #{syntax.escape(blocker.unblock_dept)}"
        if blocker.unblock_user and not names_person(blocker.text, blocker.unblock_user):
            line += f" → {person(blocker.unblock_user, names)}"
        value = {ids.ACTION_KEY: ids.STANDUP_BLOCKER_ACTION, "run": summary.run_id, "user": blocker.user_id}
        elements += [md(line), buttons([button(plain(locale, "btn_blocker_task"), value)])]
    if len(summary.blockers) > MAX_BLOCKERS:
        elements.append(md(t(locale, "list_more", count=len(summary.blockers) - MAX_BLOCKERS)))
    return card(elements, summary=head)


# -- the Home view, as a card (Feishu has no home tab: the bot menu's "My tasks" sends it) -------------


def section_elements(section: Section, home: Home, locale: str, tz: ZoneInfo, now: datetime) -> list[Any]:
    dept = syntax.escape(home.numbers.dept) if home.numbers else ""
    elements: list[dict[str, Any]] = [md(f"**{t(locale, f'home_{section.key}', dept=dept)}**")]
    if not section.tasks:
        return [*elements, md(t(locale, "home_empty"))]
    for view in section.tasks[:LIST_ROWS]:
        elements.append(md(task_line(view, locale, tz, home.names, now)))
        moves = home.moves.get(view.id, [])
        if moves:
            elements.append(buttons([move_button(view.id, m, locale) for m in moves]))
    after = section.offset + len(section.tasks)
    row = []
    if after < section.total:
        value = {ids.ACTION_KEY: ids.HOME_MORE_ACTION, "section": section.key, "offset": after}
        row.append(button(plain(locale, "home_more", count=min(SECTION_SIZE, section.total - after)), value))
    if section.offset > 0:
        value = {ids.ACTION_KEY: ids.HOME_MORE_ACTION, "section": section.key, "offset": 0}
        row.append(button(plain(locale, "home_first"), value))
    if row:
        elements.append(buttons(row))
    return elements


def home_card(home: Home, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    if home.numbers is not None:
        n = home.numbers
        numbers = t(
            locale,
            "home_numbers",
            dept=syntax.escape(n.dept),
            open=n.open,
            overdue=n.overdue,
            median=duration(locale, n.median_ack),
        )
        elements.append(md(numbers))
    for section in home.sections:
        if section.key == "overdue" and not section.tasks:
            continue  # no news is good news
        part = section_elements(section, home, locale, tz, now)
        if len(elements) + len(part) + 1 > 150:
            break
        if elements:
            elements.append(hr())
        elements.extend(part)
    title = plain(locale, "menu_my_tasks")
    return card(elements or [md(t(locale, "home_empty"))], title=title, summary=title)
