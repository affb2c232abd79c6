"""The console's sender: each typed message as the plain lines a chat would show, printed in a stable order.

Sends may run on several threads; lines are kept until `flush`, which prints what one command or tick
produced in the order a person reads it: channel posts and cards first, then direct messages, each in
the order they were decided.
"""

from __future__ import annotations

import threading
from typing import TextIO

from bot.text_render import message_lines
from handlers.outgoing import HomeView, Landed, Outgoing


class ConsoleSender:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.viewer_tz: str | None = None  # the console has one reader: cards show in their zone
        self._lock = threading.Lock()
        self._pending: list[tuple[int, int, str, list[str]]] = []

    def deliver(self, message: Outgoing) -> Landed | None:
        where = message.where
        if isinstance(message.body, HomeView) or (where.update is not None and where.direct):
            # No home tab to draw, and a pressed direct message cannot be redrawn in a terminal.
            return Landed(where.conversation, where.update) if where.update else None
        head, lines = message_lines(message, viewer_tz=self.viewer_tz)
        order = 1 if where.direct or where.only_for else 0
        with self._lock:
            self._pending.append((order, message.origin.row_id, head, lines))
        return Landed(where.conversation, where.update or f"console-{message.origin.row_id}")

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = sorted(self._pending), []
        for _order, _row, head, lines in pending:
            print(f"  {head} {lines[0] if lines else ''}", file=self.out)
            for line in lines[1:]:
                print(f"  {' ' * len(head)} {line.strip()}", file=self.out)
