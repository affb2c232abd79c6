"""A scheduled message the sweep decided to send, under the key that makes it happen once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str  # "dm" or "post" (a channel message)
    recipient: str
    event: str
    task_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
