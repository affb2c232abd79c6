"""What each Feishu card shows now, as far as this process knows: so a press answered with the updated card
(the callback's `card`, which on a shared card updates it for every reader, as Feishu documents for
"立即更新" of a card whose `update_multi` is true) is not patched again with the very same card by the
outbox a moment later.

Only a card this process put there (an answer in time, or a PATCH) is remembered, and only its digest: a
PATCH is skipped when the card it would put is exactly the one showing; any difference is patched. Another
replica, or a restart, knows nothing and simply patches again, which changes nothing a reader sees.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

REMEMBERED = 2000  # cards; the oldest are forgotten first (forgetting only costs a PATCH)


def digest(card: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(card, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ShownCards:
    def __init__(self, size: int = REMEMBERED) -> None:
        self._cards: OrderedDict[str, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self._answering: set[str] = set()

    def answering(self, message_id: str) -> None:
        """A press on this message is being answered (with a card, perhaps): until `put` or `forget`, the
        outbox holds its PATCH back, which would otherwise race the answer and go out first."""
        with self._lock:
            self._answering.add(message_id)

    def being_answered(self, message_id: str) -> bool:
        with self._lock:
            return message_id in self._answering

    def showing(self, message_id: str, card: dict[str, Any]) -> bool:
        """Is this exactly the card the message shows now?"""
        with self._lock:
            return self._cards.get(message_id) == digest(card)

    def put(self, message_id: str, card: dict[str, Any]) -> None:
        with self._lock:
            self._answering.discard(message_id)
            self._cards[message_id] = digest(card)
            self._cards.move_to_end(message_id)
            while len(self._cards) > self._size:
                self._cards.popitem(last=False)

    def forget(self, message_id: str) -> None:
        with self._lock:
            self._answering.discard(message_id)
            self._cards.pop(message_id, None)
