"""Slack's syntax, at the edge: what Slack sends becomes neutral words; neutral markup becomes mrkdwn.

In: a slash command's text carries `<@U123|bob>`, `<#C123|sales>`, `<!channel>`, `<https://…|label>` and
`&lt;`-escaped characters. `words` turns it into the handlers' neutral tokens (handlers.commands.Token):
a person is a PersonRef, a channel a DeptRef, a broadcast or a link a Literal (shown, never obeyed), and
every other word its unescaped text. Out: `mrkdwn` turns the catalogue's `**bold**` and `[label](url)` into
Slack's `*bold*` and `<url|label>`; `escape` makes a value typed by a person plain text.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.command_parser import plain_word
from handlers.commands import DeptRef, Literal, PersonRef, Token
from handlers.format import BOLD, LINK
from handlers.i18n import template

_TOKEN = re.compile(r'<[^>]*>|\S*"[^"]*"?\S*|\S+')
_ENTITY = re.compile(r"<[^>]*>")
_MENTION = re.compile(r"^<@([UW][A-Z0-9_]+)(?:\|([^>]*))?>$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9_]+)(?:\|([^>]*))?>$")
_SPECIAL = re.compile(r"^<!(\w+)(?:\^[^|>]*)?(?:\|([^>]*))?>$")
_LINK = re.compile(r"^<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "＂": '"', "\u3000": " "})


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack escapes &, < and > in what people typed; undo it to get their words back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def token_of(raw: str) -> Token:
    """One word as Slack sent it, as a neutral token."""
    if m := _MENTION.match(raw):
        return PersonRef(user_id=m[1], name=unescape(m[2] or m[1]))
    if m := _CHANNEL.match(raw):
        # A channel link without its name (Slack leaves it out in some clients) cannot name a department.
        return DeptRef(name=unescape(m[2]).lower(), channel_id=m[1]) if m[2] else Literal("#" + m[1])
    if m := _SPECIAL.match(raw):
        # `<!channel>`, `<!here>`, a user group: shown as the words a person typed, never a ping.
        return Literal("@" + unescape(m[2] or m[1]).lstrip("@"))
    if m := _LINK.match(raw):
        return Literal(unescape(m[1]))
    return unescape(raw)


def words(text: str) -> list[Token]:
    """A command's text as Slack sent it (entities and escaping on) as the handlers' neutral tokens."""
    return [token_of(raw) for raw in _TOKEN.findall(text.translate(_QUOTES))]


def plain_text(slack_text: str) -> str:
    """A Slack message's text as a person reads it: mentions as @name, links as addresses, no pings."""
    return unescape(_ENTITY.sub(lambda m: plain_word(token_of(m.group(0))), slack_text)).strip()


def conversation_of(channel_id: str | None, channel_name: str | None = None) -> str:
    """Slack's kind of conversation: "direct" (a DM), "private" (a private channel or group DM), or
    "channel". Slack names private channels "privategroup" in slash-command payloads and group DMs
    "mpdm-…"; a DM's id starts with D."""
    name, cid = channel_name or "", channel_id or ""
    if name == "directmessage" or cid.startswith("D"):
        return "direct"
    if name == "privategroup" or name.startswith("mpdm-") or cid.startswith("G"):
        return "private"
    return "channel"


def mrkdwn(markup: str) -> str:
    """The catalogue's neutral markup as Slack mrkdwn (code spans are the same in both)."""
    text = BOLD.sub(r"*\1*", markup)
    return LINK.sub(r"<\2|\1>", text)


def t(locale: str, key: str, **params: Any) -> str:
    """A catalogue text in Slack mrkdwn. Callers escape string values typed by people."""
    form = mrkdwn(template(locale, key, count=params.get("count")))
    return form.format(**params) if params else form


def channel_link(channel_id: str) -> str:
    """A channel as Slack shows it: a link that reads as its name (the console's `#names` stay text)."""
    return escape(channel_id) if channel_id.startswith("#") else f"<#{channel_id}>"
