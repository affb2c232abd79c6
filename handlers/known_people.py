"""Who is speaking, without a transaction per request: known people kept in memory for a few seconds.

A stored person is answered from memory for `ttl` seconds; a stale stored profile is refreshed from the
directory on a background thread (never while the speaker waits); only someone never seen before is
looked up on the request path, because there is nothing stored to answer with.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from handlers.clock import Clock
from handlers.context import Actor, Config, Directory
from handlers.people import PROFILE_MAX_AGE, actor_for, refresh_member
from storage import people as people_store
from storage.db import unit_of_work

KNOWN_FOR = timedelta(seconds=30)  # how long a change made elsewhere (an admin flag, a profile) may go unseen


class KnownPeople:
    def __init__(
        self,
        engine: Engine,
        config: Config,
        clock: Clock,
        directory: Directory | None,
        *,
        ttl: timedelta = KNOWN_FOR,
    ) -> None:
        self.engine, self.config, self.clock, self.directory = engine, config, clock, directory
        self.ttl = ttl
        self._entries: dict[str, tuple[datetime, Actor]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def actor(self, user_id: str, name_hint: str | None = None) -> Actor:
        now = self.clock()
        known = self._fresh(user_id, now)
        if known is not None:
            return known
        actor, stale = self._load(user_id, name_hint)
        self._entries[user_id] = (now, actor)
        if stale:
            self._refresh_later(user_id, name_hint)
        return actor

    def remembers(self, user_id: str) -> bool:
        """Whether `actor` would answer from memory, without the database or the directory."""
        return self._fresh(user_id, self.clock()) is not None

    def _fresh(self, user_id: str, now: datetime) -> Actor | None:
        entry = self._entries.get(user_id)
        # The injected clock, so a simulated clock's jump forward also ages what is known.
        if entry is not None and timedelta(0) <= now - entry[0] < self.ttl:
            return entry[1]
        return None

    def forget(self, user_id: str) -> None:
        """Their settings changed: the next request reads them again."""
        self._entries.pop(user_id, None)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    def _load(self, user_id: str, name_hint: str | None) -> tuple[Actor, bool]:
        now = self.clock()
        with unit_of_work(self.engine) as session:
            row = people_store.member(session=session, user_id=user_id)
            # No profile stored yet (never seen, or only mentioned): nothing to answer with, so the
            # directory is asked now. A stored profile answers, and is refreshed in the background.
            first_sight = row is None or row.profile_checked_at is None
            directory = self.directory if first_sight else None
            stale = not first_sight and self.directory is not None and _stale(row.profile_checked_at, now)
            actor = actor_for(
                session,
                user_id=user_id,
                name_hint=name_hint,
                directory=directory,
                config=self.config,
                now=now,
            )
        return actor, stale

    def _refresh_later(self, user_id: str, name_hint: str | None) -> None:
        with self._lock:
            if user_id in self._refreshing:
                return
            self._refreshing.add(user_id)
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="baton-profiles")
        self._executor.submit(self._refresh, user_id, name_hint)

    def _refresh(self, user_id: str, name_hint: str | None) -> None:
        try:
            with unit_of_work(self.engine) as session:
                refresh_member(
                    session, user_id=user_id, name_hint=name_hint, directory=self.directory, now=self.clock()
                )
            self.forget(user_id)
        finally:
            with self._lock:
                self._refreshing.discard(user_id)


def _stale(checked_at: datetime | None, now: datetime) -> bool:
    return checked_at is not None and now - checked_at > PROFILE_MAX_AGE
