"""Slack's syntax, at the edge: the catalogue's neutral markup becomes Slack mrkdwn.

`mrkdwn` turns the catalogue's `**bold**` and `[label](url)` into Slack's `*bold*` and `<url|label>`;
`escape` makes a value typed by a person plain text.
"""

from __future__ import annotations

from typing import Any

from handlers.format import BOLD, LINK
from handlers.i18n import t as catalogue_text


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(markup: str) -> str:
    """The catalogue's neutral markup as Slack mrkdwn (code spans are the same in both)."""
    text = BOLD.sub(r"*\1*", markup)
    return LINK.sub(r"<\2|\1>", text)


def t(locale: str, key: str, **params: Any) -> str:
    """A catalogue text in Slack mrkdwn. Callers escape string values typed by people."""
    template = mrkdwn(catalogue_text(locale, key))
    return template.format(**params) if params else template
