"""The one delivery path: a worker that turns outbox rows into typed messages and hands them to a Sender.

The database decides what was sent. Each row is claimed in its own transaction (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so replicas never take the same row), composed (handlers.messages), sent, and
marked — with where it landed — in that transaction. Which rows are due is read by one scan per
batch of candidates (a scan reads every pending row: one per message made delivery O(queue) a message);
each candidate is then claimed by its id, checked again there.

A few rows are in flight at once (`concurrency` threads): a send is mostly waiting on Slack. At most one
row per recipient is in flight, so each person and channel still gets messages in order.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from handlers.clock import Clock
from handlers.context import Config, Directory
from handlers.errors import new_error_id
from handlers.messages import Composer, undeliverable_contact
from handlers.ports import Hold, RetryLater, Sender, Skip, Undeliverable
from scheduler.send_rate import SendRate
from storage import outbox
from storage.db import unit_of_work
from storage.models import OutboxMessage

log = logging.getLogger("baton.delivery")

MAX_BACKOFF = timedelta(minutes=5)
MAX_UNKNOWN_FAILURES = 20
MIN_PASS_INTERVAL = 0.1  # seconds: what a message may wait so that passes are not run per request
CONCURRENCY = 4  # sends in flight; Slack's ceilings, not this, bound the rate (pacing and 429 pauses)
# Kinds rendered from the current state at delivery: only the newest request per recipient matters.
COALESCED = frozenset({"card", "home"})
CLAIM_BATCH = 100  # due rows read by one scan; each is still claimed, sent and marked in its own transaction


def backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(seconds=2 ** min(attempts, 10)))


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        sender: Sender,
        clock: Clock,
        *,
        config: Config | None = None,
        directory: Directory | None = None,
        idle_wait: float = 1.0,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.clock = clock
        self.config = config or Config()
        self.directory = directory
        self.idle_wait = idle_wait
        # One shared connection (an in-memory SQLite database) cannot carry transactions side by side.
        self.concurrency = 1 if isinstance(engine.pool, StaticPool) else max(1, concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused_until: datetime | None = None
        self.rate = SendRate()
        self._claim_lock = _claim_lock(engine)
        self._candidates: deque[outbox.Candidate] = deque()  # due rows found by the last scan, in order
        self._queue_lock = threading.Lock()
        # Rows being sent by this process: recipients (their order) and ids (home views skip the former).
        self._in_flight = _in_flight(engine)

    # -- one pass ---------------------------------------------------------------------------

    def deliver_due(self, limit: int = 10_000) -> int:
        """Send every row that is due now; returns how many rows were settled (sent or not)."""
        held: set[str] = set()
        with self._queue_lock:
            self._candidates.clear()  # each pass starts from a fresh scan: oldest first, nothing stale
        if self.concurrency == 1:
            return self._drain(held, limit)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="baton-send")
        share = max(1, limit // self.concurrency)
        lanes = [self._pool.submit(self._drain, held, share) for _ in range(self.concurrency)]
        return sum(lane.result() for lane in lanes)

    def _drain(self, held: set[str], limit: int) -> int:
        handled = 0
        while handled < limit and not self._stop.is_set() and not self.paused():
            wait = self.rate.reserve()
            if wait > 0 and self._stop.wait(wait):
                break
            result = self._deliver_one(held)
            if result is None:
                break
            handled += result
        return handled

    def paused(self) -> bool:
        return self._paused_until is not None and self.clock() < self._paused_until

    def _deliver_one(self, held: set[str]) -> int | None:
        """Settle the next due row: 1 when settled, 0 when held back, None when nothing is due."""
        claimed: tuple[str, int] | None = None
        try:
            with unit_of_work(self.engine) as session:
                now = self.clock()
                with self._queue_lock, self._claim_lock:
                    row = self._claim(session, now, held)
                    if row is None:
                        return None
                    claimed = (row.recipient, row.id or 0)
                    self._in_flight.take(*claimed)
                return self._settle(session, row, now, held)
        finally:
            if claimed is not None:
                self._in_flight.release(*claimed)  # after the commit: the row is settled in the database

    def _claim(self, session: Session, now: datetime, held: set[str]) -> OutboxMessage | None:
        """The next due row, locked in this transaction. Candidates come from one scan of the due rows
        per batch (a scan reads every pending row), and each is claimed alone by its id, which checks
        again that it is still due and still its recipient's oldest pending message."""
        busy_people, busy_rows = self._in_flight.taken()
        scanned = False
        while True:
            if not self._candidates:
                if scanned:
                    return None  # what this scan found is gone (another replica, or settled meanwhile)
                self._candidates.extend(
                    outbox.due_candidates(
                        session=session,
                        now=now,
                        limit=CLAIM_BATCH,
                        skip_recipients=held | busy_people,
                        skip_ids=busy_rows,
                    )
                )
                scanned = True
                if not self._candidates:
                    return None
            found = self._candidates.popleft()
            if found.id in busy_rows:
                continue
            if found.kind != outbox.HOME and (found.recipient in held or found.recipient in busy_people):
                continue  # a later scan finds it again once its recipient is free
            row = outbox.claim_due(session=session, row_id=found.id, now=now)
            if row is not None:
                return row

    def _settle(self, session: Session, row: OutboxMessage, now: datetime, held: set[str]) -> int:
        if row.kind in COALESCED and outbox.newer_pending(session=session, row=row):
            row.status = outbox.SUPERSEDED  # the newer request renders the same, current, state
            return 1
        try:
            composer = Composer(session, now=now, config=self.config, directory=self.directory)
            composed = composer.compose(row)
            landed = self.sender.deliver(composed.message)
            if composed.sent is not None:
                composed.sent(landed)
        except Hold:
            held.add(row.recipient)
            session.rollback()  # whatever the sender looked up stays as it was
            return 0
        except RetryLater as err:
            row.attempts += 1
            wait = timedelta(seconds=err.retry_after) if err.retry_after else backoff(row.attempts)
            row.next_attempt_at = now + wait
            row.last_error = err.reason[:500]
            if err.pause_all:
                self._paused_until = now + wait  # Slack said "slow down": everyone waits, no 429 storm
                self.rate.rate_limited()
            log.info("outbox %s: retry in %ss (%s)", row.id, wait.total_seconds(), err.reason)
        except Skip:
            row.status = outbox.SUPERSEDED
        except Undeliverable as err:
            row.status = outbox.FAILED
            row.last_error = err.reason[:500]
            log.warning("outbox %s to %s failed for good: %s", row.id, row.recipient, err.reason)
            contact = undeliverable_contact(session, row)
            if contact is not None:
                outbox.enqueue(
                    session=session,
                    kind="dm",
                    recipient=contact,
                    now=now,
                    task_id=row.task_id,
                    event="undeliverable",
                    data={"where": row.recipient, "reason": err.reason},
                )
        except Exception as err:  # noqa: BLE001 - a bug in rendering must not stop every other message
            row.attempts += 1
            error_id = new_error_id()
            log.exception("outbox %s: unexpected error %s", row.id, error_id)
            row.last_error = f"unexpected ({error_id}): {err}"[:500]
            if row.attempts >= MAX_UNKNOWN_FAILURES:
                row.status = outbox.FAILED
            row.next_attempt_at = now + backoff(row.attempts)
        else:
            row.status = outbox.SENT
            row.sent_at = now
            row.attempts += 1
            self.rate.sent()
        return 1

    # -- the background thread ---------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="baton-delivery", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.deliver_due()
            except Exception:  # noqa: BLE001 - e.g. the database is briefly away; log and keep going
                log.exception("delivery pass failed; trying again shortly")
            self._wake.wait(self.idle_wait)
            # Under load every request wakes us: one pass per interval takes all of them together.
            self._stop.wait(max(0.0, MIN_PASS_INTERVAL - (time.monotonic() - started)))
            self._wake.clear()


class InFlight:
    """What this process is sending right now, shared by every worker on one database."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._people: dict[str, int] = {}
        self._rows: set[int] = set()

    def taken(self) -> tuple[set[str], set[int]]:
        with self._lock:
            return set(self._people), set(self._rows)

    def take(self, recipient: str, row_id: int) -> None:
        with self._lock:
            self._people[recipient] = self._people.get(recipient, 0) + 1
            self._rows.add(row_id)

    def release(self, recipient: str, row_id: int) -> None:
        with self._lock:
            left = self._people.get(recipient, 1) - 1
            if left:
                self._people[recipient] = left
            else:
                self._people.pop(recipient, None)
            self._rows.discard(row_id)


_REGISTRY_GUARD = threading.Lock()
_SQLITE_LOCKS: dict[str, threading.Lock] = {}
_IN_FLIGHT: dict[str, InFlight] = {}


def _claim_lock(engine: Engine) -> contextlib.AbstractContextManager[object]:
    # PostgreSQL keeps replicas apart with row locks (SKIP LOCKED). SQLite has none: workers of one
    # process on one SQLite database claim in turn instead (SQLite is for one process on one host).
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    with _REGISTRY_GUARD:
        return _SQLITE_LOCKS.setdefault(str(engine.url), threading.Lock())


def _in_flight(engine: Engine) -> InFlight:
    with _REGISTRY_GUARD:
        return _IN_FLIGHT.setdefault(str(engine.url), InFlight())
