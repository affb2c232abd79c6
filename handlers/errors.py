"""Typed refusals a handler raises. handlers.runner turns each into an "error" reply (a catalogue text),
which every adapter renders privately in the speaker's language; nothing the command did is kept."""

from __future__ import annotations

import uuid
from typing import Any


def new_error_id() -> str:
    """The short id an unexpected error is logged under and shown to the person it happened to."""
    return uuid.uuid4().hex[:8]


class BatonError(Exception):
    """A refusal the user should read. `key` names a text in handlers.i18n; `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class InvalidInput(BatonError):
    """The command could not be understood; the reply says how to write it."""


class NotFound(BatonError):
    """A task, person or department the command names does not exist."""


class NotAllowed(BatonError):
    """The speaker may not make this move, or the task's state does not allow it."""
