"""The mark that tells the sweep to look at a task again.

A task's `next_check_at` holds the earliest instant a reminder about it may be due. When anything
changes a task, its mark becomes a random instant before 2001: due at once for every sweep, and
distinct from the mark a sweep read, so a sweep that evaluated the old task cannot overwrite the new
mark (its update compares the mark it read).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SPAN_US = 30 * 365 * 24 * 3600 * 1_000_000  # thirty years of microseconds


def recheck_instant() -> datetime:
    return EPOCH + timedelta(microseconds=secrets.randbelow(_SPAN_US))
