"""A scheduled message the sweep decided to send, under the key that makes it happen once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Reminders that wait for their recipient's roundup instead of going out alone (handlers.roundup).
GATHERED_EVENTS = frozenset(
    {"ack_nudge", "ack_escalate", "due_soon", "overdue", "overdue_lead", "overdue_far", "verify_reminder"}
)


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str  # "dm" or "post" (a channel message)
    recipient: str
    event: str
    task_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def gathered(self) -> bool:
        return self.event in GATHERED_EVENTS
