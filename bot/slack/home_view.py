"""The App Home tab as Block Kit (at most 100 blocks, which View validates)."""

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
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.render import SECTION_LIMIT, actions_block, clip, escape, task_line
from bot.slack.syntax import t
from handlers.format import duration
from handlers.home import SECTION_SIZE, Home, Section

MAX_BLOCKS = 100


def _section_blocks(section: Section, home: Home, locale: str, tz: ZoneInfo, now: datetime) -> list[Block]:
    dept = home.numbers.dept if home.numbers else ""
    title = clip(t(locale, f"home_{section.key}", dept=dept), 150)
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title))]
    if not section.tasks:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(locale, "home_empty"))]))
        return blocks
    for view in section.tasks:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(task_line(view, locale, tz, now), SECTION_LIMIT)))
        )
        actions = actions_block(view.id, home.moves.get(view.id, []), locale, menu=False)
        if actions is not None:
            blocks.append(ActionsBlock(block_id=f"{section.key}_{view.id}", elements=actions.elements))
    after = section.offset + len(section.tasks)
    buttons = []
    if after < section.total:
        value = json.dumps({"section": section.key, "offset": after})
        count = min(SECTION_SIZE, section.total - after)
        buttons.append(
            ButtonElement(text=t(locale, "home_more", count=count), action_id=ids.HOME_MORE, value=value)
        )
    if section.offset > 0:
        value = json.dumps({"section": section.key, "offset": 0})
        buttons.append(
            ButtonElement(text=t(locale, "home_first"), action_id=f"{ids.HOME_MORE}_first", value=value)
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=f"{section.key}_more", elements=buttons))
    return blocks


def home_view(home: Home, *, locale: str, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    blocks: list[Block] = []
    if home.numbers is not None:
        n = home.numbers
        text = t(
            locale,
            "home_numbers",
            dept=escape(n.dept),
            open=n.open,
            overdue=n.overdue,
            median=duration(locale, n.median_ack),
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    for section in home.sections:
        if section.key == "overdue" and not section.tasks:
            continue  # no news is good news
        part = _section_blocks(section, home, locale, tz, now)
        if len(blocks) + len(part) + 1 > MAX_BLOCKS:
            break
        if blocks:
            blocks.append(DividerBlock())
        blocks.extend(part)
    return View(type="home", blocks=blocks).to_dict()
