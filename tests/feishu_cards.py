"""A structural check of Feishu cards (card JSON 2.0), shared by the render and sender tests.

What it holds a card to: schema 2.0, shared (`update_multi`), only the components Baton uses, every
button's callback value one Baton parses back (ids.CARD_ACTIONS), forms with named inputs and a submit
button, and Feishu's documented ceilings (a card body at most 30 KB, at most 200 components; an input's
max_length at most 1,000).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bot.feishu import ids

CARD_BYTES = 30 * 1024
MAX_COMPONENTS = 200
KNOWN = frozenset(
    {
        "markdown",
        "hr",
        "button",
        "column_set",
        "column",
        "form",
        "input",
        "select_static",
        "select_person",
        "date_picker",
        "picker_time",
    }
)
FIELDS = frozenset(v for k, v in vars(ids).items() if k.startswith("FIELD_"))


def components(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in elements:
        yield element
        if element["tag"] == "column_set":
            yield from components(element["columns"])
        elif element["tag"] in ("column", "form"):
            yield from components(element["elements"])


def check_card(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Asserts the card is well formed; returns its buttons' callback values, in order."""
    assert json.loads(json.dumps(card, ensure_ascii=False)) == card
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= CARD_BYTES
    assert card["schema"] == "2.0" and card["config"]["update_multi"] is True
    assert set(card) <= {"schema", "config", "header", "body"}
    if "header" in card:
        assert card["header"]["title"]["tag"] == "plain_text" and card["header"]["title"]["content"]
    elements = card["body"]["elements"]
    assert elements, "a card shows something"
    every = list(components(elements))
    assert len(every) <= MAX_COMPONENTS
    values = []
    for c in every:
        assert c["tag"] in KNOWN, c["tag"]
        if c["tag"] == "markdown":
            assert isinstance(c["content"], str) and c["content"].strip()
        if c["tag"] == "button":
            assert c["text"]["tag"] == "plain_text" and c["text"]["content"]
            (behavior,) = c["behaviors"]
            assert behavior["type"] == "callback"
            value = behavior["value"]
            assert value[ids.ACTION_KEY] in ids.CARD_ACTIONS
            assert json.loads(json.dumps(value)) == value
            values.append(value)
        if c["tag"] == "select_static" and "behaviors" in c:  # a select outside a form calls back
            (behavior,) = c["behaviors"]
            assert behavior["type"] == "callback"
            assert behavior["value"][ids.ACTION_KEY] in ids.CARD_ACTIONS
        if c["tag"] == "input":
            assert c["max_length"] <= 1000
        if c["tag"] == "form":
            names = [e["name"] for e in components(c["elements"]) if e["tag"] != "markdown" and "name" in e]
            assert len(names) == len(set(names))
            inputs = [n for n in names if n != "submit" and not n.startswith(ids.FIELD_PREFIX)]
            assert set(inputs) <= FIELDS, inputs
            submits = [e for e in components(c["elements"]) if e.get("form_action_type") == "submit"]
            assert len(submits) == 1
    return values


def card_text(card: dict[str, Any]) -> str:
    """Every word a reader sees on the card."""
    parts = [card.get("header", {}).get("title", {}).get("content", "")]
    for c in components(card["body"]["elements"]):
        if c["tag"] == "markdown":
            parts.append(c["content"])
        elif c["tag"] == "button":
            parts.append(c["text"]["content"])
    return "\n".join(parts)
