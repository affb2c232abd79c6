"""Every text a person reads, in English and Simplified Chinese, in one catalogue (the texts themselves are in
handlers/i18n_en.py, i18n_zh.py and i18n_intake.py).

Texts use a small neutral markup that each platform's renderer turns into its own: `**bold**`,
`` `code` `` and `[label](url)` (each adapter's syntax module renders it; handlers.format.plain_markup
strips it). Renderers convert the template first and escape the values they fill in, so nothing a user
typed is read as markup or can ping.
"""

from __future__ import annotations

from typing import Any

from handlers import i18n_intake as intake_texts
from handlers.i18n_en import EN
from handlers.i18n_zh import ZH

EN.update(intake_texts.EN)
ZH.update(intake_texts.ZH)

CATALOGUE: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}

# Moves as verbs, for refusal texts.
MOVE_VERB = {
    "en": {
        "ack": "acknowledge",
        "start": "start",
        "block": "block",
        "done": "mark done",
        "verify": "verify",
        "reopen": "reopen",
        "cancel": "cancel",
        "assign": "reassign",
        "snooze": "snooze",
    },
    "zh": {
        "ack": "确认",
        "start": "开始",
        "block": "标记受阻",
        "done": "标记完成",
        "verify": "验收",
        "reopen": "重新打开",
        "cancel": "取消",
        "assign": "改派",
        "snooze": "暂缓提醒",
    },
}

# Who may make a move, for the refusal text.
WHO = {
    "en": {"owner": "the owner", "requester": "the requester", "lead": "the accountable lead or an admin"},
    "zh": {"owner": "负责人", "requester": "提出人", "lead": "问责负责人或管理员"},
}


# English says "1 task", "2 tasks": the text for a count of one, where it differs. Chinese has no plural.
ONE = {
    "en": {
        "n_overdue": "You have 1 overdue task:",
        "handover_ok": "Moved 1 open task from @{from_name} to @{to_name}.",
        "n_handover_in": "@{actor} handed you 1 task from @{from_name}: {ids}",
        "n_handover_out": "@{actor} handed your 1 open task to @{to_name}: {ids}",
        "standup_add_ok": "{who} now takes part.",
        "standup_remove_ok": "{who} no longer takes part.",
        "standup_add_partly": "{who} now takes part. I don't know {unknown}: not added.",
        "standup_remove_partly": "{who} no longer takes part. I don't know {unknown}.",
    },
}


def locale_of(platform_locale: str | None) -> str:
    """A chat platform's `zh-CN`, `zh-TW`, `en-US`… to one of ours."""
    return "zh" if (platform_locale or "").lower().startswith("zh") else "en"


def template(locale: str, key: str, *, count: object = None) -> str:
    """The text before its values go in: in the reader's language, singular where the count is one."""
    table = CATALOGUE.get(locale, EN)
    one = ONE.get(locale if locale in CATALOGUE else "en", {})
    return (one.get(key) if count == 1 else None) or table.get(key) or EN[key]


def t(locale: str, key: str, **params: Any) -> str:
    text = template(locale, key, count=params.get("count"))
    return text.format(**params) if params else text
