"""Feishu's syntax, at the edge: mentions in, `<at>` out, and what people typed shown, never obeyed.

In: a text message's content is `{"text": "@_user_1 please review"}`; each `@_user_N` placeholder is
explained by the message's `mentions` array (key, id.open_id, name), and `@_all` is "everyone"
(Open Platform docs, "Receive message" event and "Message content description" → text). `parse_text`
turns that into plain text where every person reads `@name`, the people mentioned as (open_id, name),
and whether the bot itself was mentioned (the bot is dropped from the text: it is who is spoken to).

Out: `mention(open_id)` is `<at user_id="ou_…"></at>` (text and post messages); `card_mention` is the
card markdown form `<at id=ou_…></at>` (card JSON 2.0 "Markdown" component). `escape` makes a value a
person typed inert: `<at user_id="all"></at>`, `<at id=all>`, `@所有人` and `@all` stay visible but no
longer parse as mentions (a zero-width space is put inside them; a reader sees the same characters).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

ZWSP = "\u200b"
ALL_KEY = "@_all"
_PLACEHOLDER = re.compile(r"@_user_\d+|@_all")
_AT_TAG = re.compile(r"<(/?)(at)(?=[\s>])", re.IGNORECASE)
_AT_ALL_WORDS = re.compile(r"(?<![\w.])@(所有人|all|everyone|here)(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """A person the speaker @mentioned (their open_id), under the name the message showed."""

    open_id: str
    name: str


@dataclass(frozen=True)
class Shown:
    """A word that looks like a ping (`@所有人`) and is only ever shown as typed."""

    text: str


@dataclass(frozen=True)
class ParsedText:
    text: str  # people as @name, the bot left out, "everyone" as plain words
    mentions: tuple[Mention, ...]  # in order of appearance, the bot excluded, each person once
    mentions_bot: bool
    mentions_all: bool  # the speaker typed @所有人; shown, never obeyed


def message_text(content: str | dict[str, Any] | None, message_type: str = "text") -> str:
    """The text of a message's `content` JSON: a text message's `text`, a post's text runs joined."""
    if content is None:
        return ""
    data = json.loads(content) if isinstance(content, str) else content
    if message_type == "text":
        return str(data.get("text") or "")
    if message_type == "post":
        # A post is {"title", "content": [[{"tag": "text"|"at"|"a", ...}, ...], ...]} (maybe per locale).
        body = data if "content" in data else next(iter(data.values()), {})
        lines = [body.get("title") or ""] if body.get("title") else []
        for paragraph in body.get("content") or []:
            parts = []
            for run in paragraph:
                tag = run.get("tag")
                if tag == "text":
                    parts.append(run.get("text", ""))
                elif tag == "a":
                    parts.append(run.get("text") or run.get("href", ""))
                elif tag == "at":
                    parts.append(f"@{run.get('user_name') or run.get('user_id', '')}")
            lines.append("".join(parts))
        return "\n".join(lines)
    return ""


def parse_text(text: str, mentions: list[dict[str, Any]] | None, *, bot_open_id: str | None) -> ParsedText:
    """A received message's text and `mentions` array as neutral text and people."""
    by_key: dict[str, dict[str, Any]] = {m.get("key", ""): m for m in mentions or []}
    people: list[Mention] = []
    mentions_bot = False
    mentions_all = False

    def replace(match: re.Match[str]) -> str:
        nonlocal mentions_bot, mentions_all
        key = match.group(0)
        if key == ALL_KEY:
            mentions_all = True
            return "@所有人"
        found = by_key.get(key)
        if found is None:
            return key  # typed literally by a person: not a mention
        open_id = (found.get("id") or {}).get("open_id") or ""
        name = str(found.get("name") or open_id)
        if bot_open_id is not None and open_id == bot_open_id:
            mentions_bot = True
            return ""
        if open_id and all(p.open_id != open_id for p in people):
            people.append(Mention(open_id=open_id, name=name))
        return "@" + name

    plain = _PLACEHOLDER.sub(replace, text)
    plain = re.sub(r"[ \t]{2,}", " ", plain).strip()
    return ParsedText(
        text=plain, mentions=tuple(people), mentions_bot=mentions_bot, mentions_all=mentions_all
    )


def words(parsed: ParsedText) -> list[str | Mention | Shown]:
    """The text as words, where each `@name` of a person mentioned is that person and `@所有人` is Shown.

    Names may hold spaces, so the longest mentioned names are matched first."""
    names = sorted({m.name: m for m in parsed.mentions}.items(), key=lambda kv: -len(kv[0]))
    out: list[str | Mention | Shown] = []
    rest = parsed.text
    while rest:
        rest = rest.lstrip()
        if not rest:
            break
        hit = next(((n, m) for n, m in names if rest.startswith("@" + n)), None)
        if hit is not None:
            out.append(hit[1])
            rest = rest[len(hit[0]) + 1 :]
            continue
        word, _, rest = rest.partition(" ") if " " in rest else (rest, "", "")
        out.append(Shown(word) if _AT_ALL_WORDS.fullmatch(word) else word)
    return out


def looks_like_a_ping(word: str) -> bool:
    """A typed word that would ping if obeyed: `@所有人`, `@all`, an `<at …>` tag. Shown, never obeyed."""
    return bool(_AT_ALL_WORDS.fullmatch(word) or _AT_TAG.search(word))


def mention(open_id: str) -> str:
    """A person, pinged, in a text or post message."""
    return f'<at user_id="{_attr(open_id)}"></at>'


def card_mention(open_id: str) -> str:
    """A person, pinged, in card markdown."""
    return f"<at id={_attr(open_id)}></at>"


def escape(text: str) -> str:
    """What a person typed, made inert for a text message or card markdown: shown, never obeyed."""
    text = _AT_TAG.sub(lambda m: f"<{ZWSP}{m.group(1)}{m.group(2)}", text)
    return _AT_ALL_WORDS.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)


# What makes a line a heading, a list item, a quote or a code fence in card markdown.
_BLOCK_START = re.compile(r"^(\s*)(?:([#>*+`-])|(\d+)([.)]))")


def quote(text: str) -> str:
    """Someone's message as a card markdown quote (`> ` on each line, JSON 2.0): inert like `escape`,
    and a line of theirs that starts with `#`, `-`, `1.` or a code fence stays text, not a heading or a
    list inside the quote (Feishu's rich-text docs: write such characters as HTML entities)."""
    return "\n".join("> " + _BLOCK_START.sub(_entity, escape(line), count=1) for line in text.splitlines())


def _entity(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}&#{ord(m.group(2))};"
    return f"{m.group(1)}{m.group(3)}&#{ord(m.group(4))};"


def _attr(open_id: str) -> str:
    # An id is ou_/on_ plus letters and digits; anything else would break out of the attribute.
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", open_id):
        raise ValueError(f"not a Feishu user id: {open_id!r}")
    return open_id
