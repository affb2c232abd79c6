"""Stand-ups in Block Kit: the thread, the prompt, answers, the closing summary and the answer form."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.render import SECTION_LIMIT, clip, escape, payload
from bot.slack.syntax import channel_link, t
from handlers.outgoing import StandupAnswerPost
from handlers.results import DeptView
from handlers.standup_runs import StandupSummary, names_department


def names_person(text: str, user_id: str) -> bool:
    """Whether a blocker's own words already mention the person (as Slack wrote the mention)."""
    return f"<@{user_id}>" in text or f"<@{user_id}|" in text


def channel_ref(channel_id: str) -> str:
    return channel_link(channel_id)


def open_payload(day: str, close: str, locale: str) -> dict[str, Any]:
    text = t(locale, "standup_open", day=day, close=close)
    return payload([SectionBlock(text=MarkdownTextObject(text=text))], text)


def prompt_payload(channel_id: str, run_id: int, locale: str) -> dict[str, Any]:
    text = t(locale, "standup_prompt", channel=channel_ref(channel_id))
    button = ButtonElement(
        text=t(locale, "btn_standup_answer"),
        action_id=ids.STANDUP_ANSWER_OPEN,
        value=str(run_id),
        style="primary",
    )
    return payload([SectionBlock(text=MarkdownTextObject(text=text)), ActionsBlock(elements=[button])], text)


def answer_payload(name: str, answer: StandupAnswerPost, locale: str) -> dict[str, Any]:
    blockers = escape(answer.blockers or "—")
    if answer.unblock_user and not names_person(answer.blockers, answer.unblock_user):
        blockers += f" → <@{answer.unblock_user}>"
    if answer.unblock_dept and not names_department(answer.blockers, answer.unblock_dept):
        blockers += f" → #{escape(answer.unblock_dept)}"
    text = t(
        locale,
        "standup_answer_post",
        name=escape(name),
        done=escape(answer.done or "—"),
        planned=escape(answer.planned or "—"),
        blockers=blockers,
    )
    return payload([SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))], text)


def summary_headline(summary: StandupSummary, locale: str) -> str:
    """The run is called closed only once it has closed; before that it is open, and until when."""
    total = len(summary.answered) + len(summary.missing)
    key = "standup_summary_open" if summary.open else "standup_summary"
    return t(locale, key, day=summary.day, count=len(summary.answered), total=total, close=summary.closes)


def summary_payload(summary: StandupSummary, names: dict[str, str], locale: str) -> dict[str, Any]:
    def who(users: tuple[str, ...]) -> str:
        return ", ".join(f"<@{u}>" for u in users)

    head = summary_headline(summary, locale)
    lines = [head]
    if summary.answered:
        lines.append(t(locale, "standup_answered_list", names=who(summary.answered)))
    if summary.missing:
        lines.append(t(locale, "standup_missing_list", names=who(summary.missing)))
    if summary.away:
        lines.append(t(locale, "standup_away_list", names=who(summary.away)))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip("\n".join(lines), SECTION_LIMIT)))]
    if summary.blockers:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(locale, "standup_blockers"))))
    for blocker in summary.blockers[:20]:
        line = t(
            locale,
            "standup_blocker_line",
            name=escape(names.get(blocker.user_id, blocker.user_id)),
            text=escape(blocker.text),
        )
        if blocker.unblock_dept and not names_department(blocker.text, blocker.unblock_dept):
            line += f" → #{escape(blocker.unblock_dept)}"
        if blocker.unblock_user and not names_person(blocker.text, blocker.unblock_user):
            line += f" → <@{blocker.unblock_user}>"
        button = ButtonElement(
            text=t(locale, "btn_blocker_task"),
            action_id=ids.STANDUP_BLOCKER,
            value=f"{summary.run_id}:{blocker.user_id}",
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, SECTION_LIMIT)), accessory=button))
    if len(summary.blockers) > 20:
        more = t(locale, "list_more", count=len(summary.blockers) - 20)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return payload(blocks, head)


def standup_form(locale: str, run_id: int, departments: tuple[DeptView, ...]) -> dict[str, Any]:
    def text_input(block_id: str, label: str, optional: bool = False) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=PlainTextObject(text=t(locale, label)),
            optional=optional,
            element=PlainTextInputElement(action_id=block_id, multiline=True, max_length=3000),
        )

    blocks: list[Block] = [
        text_input(ids.S_DONE, "f_done"),
        text_input(ids.S_PLANNED, "f_planned"),
        text_input(ids.S_BLOCKERS, "f_blockers", optional=True),
        InputBlock(
            block_id=ids.S_UNBLOCK_USER,
            label=PlainTextObject(text=t(locale, "f_unblock_user")),
            optional=True,
            element=UserSelectElement(action_id=ids.S_UNBLOCK_USER),
        ),
    ]
    if departments:
        options = [Option(value=d.name, text=clip(f"#{d.name}", 75)) for d in departments[:100]]
        blocks.append(
            InputBlock(
                block_id=ids.S_UNBLOCK_DEPT,
                label=PlainTextObject(text=t(locale, "f_unblock_dept")),
                optional=True,
                element=StaticSelectElement(action_id=ids.S_UNBLOCK_DEPT, options=options),
            )
        )
    view = View(
        type="modal",
        callback_id=ids.STANDUP_VIEW,
        title=PlainTextObject(text=t(locale, "form_standup")),
        submit=PlainTextObject(text=t(locale, "form_save")),
        close=PlainTextObject(text=t(locale, "form_close")),
        blocks=blocks,
        private_metadata=json.dumps({"run_id": run_id}),
    )
    return view.to_dict()
