"""Who someone is, from Feishu's contact API: name, time zone, department hints (cached).

The contact API gives no language (SPEC §7): a person's language is decided elsewhere, from what they
write. Profiles are kept for `ttl` so that a burst of commands costs one lookup; a failed lookup is not
cached, so the next command tries again (as Slack's directory does).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from bot.feishu.api import FeishuApi, FeishuError, FeishuUser
from handlers.clock import Clock, system_clock
from handlers.context import Profile
from handlers.ports import RetryLater, Undeliverable

log = logging.getLogger("baton.feishu")

DEFAULT_TTL = timedelta(hours=1)


class FeishuDirectory:
    def __init__(
        self,
        api: FeishuApi,
        *,
        admins: frozenset[str] = frozenset(),
        ttl: timedelta = DEFAULT_TTL,
        clock: Clock = system_clock,
    ) -> None:
        self.api = api
        self.admins = admins
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[datetime, FeishuUser]] = {}
        self._lock = threading.Lock()

    def user(self, open_id: str) -> FeishuUser | None:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(open_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        try:
            user = self.api.user(open_id)
        except (FeishuError, RetryLater, Undeliverable) as err:
            log.warning("contact user %s failed: %s", open_id, err)
            return hit[1] if hit is not None else None  # an old answer beats none
        if user is not None:
            with self._lock:
                self._cache[open_id] = (now, user)
        return user

    def profile(self, user_id: str) -> Profile | None:
        user = self.user(user_id)
        if user is None:
            return None
        return Profile(
            user_id=user.open_id,
            name=user.name,
            tz=user.time_zone,
            locale=None,
            is_admin=user.is_tenant_manager or user.open_id in self.admins,
        )

    def departments(self, user_id: str) -> tuple[str, ...]:
        """The person's department ids (open_department_id): a hint for their Baton department."""
        user = self.user(user_id)
        return user.department_ids if user is not None else ()

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._cache.pop(user_id, None)
