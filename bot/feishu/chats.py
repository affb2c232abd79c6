"""Groups by name (GET /open-apis/im/v1/chats/:chat_id), cached per process: a stand-up prompt says "the
stand-up in <group>" rather than "your team's group". A name is kept for `ttl`; a group Feishu will not
name (the scope not granted, the bot removed) is not asked about again for `miss_ttl`, and a failed call
(timeout) is not cached: the next message asks again, and meanwhile the text says "your team's group".
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from bot.feishu import ids
from bot.feishu.api import FeishuApi
from handlers.clock import Clock, system_clock
from handlers.ports import RetryLater

log = logging.getLogger("baton.feishu")

TTL = timedelta(hours=6)  # groups are renamed rarely; a stale name for a few hours is harmless
MISS_TTL = timedelta(minutes=30)


class ChatNames:
    def __init__(
        self,
        api: FeishuApi,
        *,
        ttl: timedelta = TTL,
        miss_ttl: timedelta = MISS_TTL,
        clock: Clock = system_clock,
    ) -> None:
        self.api = api
        self.ttl, self.miss_ttl, self.clock = ttl, miss_ttl, clock
        self._cache: dict[str, tuple[datetime, str | None]] = {}
        self._lock = threading.Lock()
        self._asking: dict[str, threading.Lock] = {}

    def name(self, chat: str) -> str | None:
        """A group's name (`chat` in our namespace), or None when unknown."""
        if not ids.is_feishu(chat) or not ids.theirs(chat).startswith("oc_"):
            return None
        with self._lock:
            asking = self._asking.setdefault(chat, threading.Lock())
        with asking:  # delivery lanes prompting the same group at once ask Feishu once
            return self._name(chat)

    def _name(self, chat: str) -> str | None:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(chat)
        if hit is not None and now - hit[0] < (self.ttl if hit[1] else self.miss_ttl):
            return hit[1]
        try:
            found = self.api.chat_name(ids.theirs(chat))
        except RetryLater as err:
            log.info("group %s not named now: %s", chat, err)
            return hit[1] if hit is not None else None  # an old name beats none
        with self._lock:
            self._cache[chat] = (now, found)
        return found
