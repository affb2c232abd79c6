"""Who the sweep rounds up (storage.outbox.held_recipients): everyone with held rows and no roundup
waiting for them; a roundup that went out (or failed) no longer covers what was held since."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from storage import outbox
from storage.db import unit_of_work

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def test_held_recipients_skips_those_a_roundup_waits_for(engine: Engine) -> None:
    rows = [  # (recipient, kind, event, status)
        ("U1", "dm", "due_soon", outbox.HELD),  # held, nothing waiting: rounded up
        ("U1", "dm", "overdue", outbox.HELD),
        ("U2", "dm", "due_soon", outbox.HELD),  # a roundup waits for U2 already
        ("U2", "dm", "roundup", outbox.PENDING),
        ("U3", "dm", "overdue", outbox.HELD),  # U3's roundup went out (or failed): rounded up again
        ("U3", "dm", "roundup", outbox.SENT),
        ("U3", "dm", "roundup", outbox.FAILED),
        ("U4", "dm", "overdue", outbox.PENDING),  # pending but not held, and not a roundup: nothing
        ("U5", "dm", "overdue", outbox.GATHERED),
        ("C1", "post", "overdue_far", outbox.HELD),  # a channel, reached by a post
        ("U6", "dm", "overdue", outbox.DAILY),  # waits for a daily summary, not a roundup
    ]
    with unit_of_work(engine) as session:
        for i, (recipient, kind, event, status) in enumerate(rows):
            outbox.enqueue(
                session=session,
                kind=kind,
                recipient=recipient,
                event=event,
                status=status,
                now=NOW,
                dedupe_key=f"k{i}",
            )
    with unit_of_work(engine) as session:
        assert sorted(outbox.held_recipients(session=session)) == [("C1", "post"), ("U1", "dm"), ("U3", "dm")]
        assert outbox.any_held_recipient(session=session)
        assert outbox.held_recipients(session=session, status=outbox.DAILY) == [("U6", "dm")]
        for recipient, kind in [("U1", "dm"), ("U3", "dm"), ("C1", "post")]:
            outbox.enqueue(
                session=session,
                kind=kind,
                recipient=recipient,
                event="roundup",
                now=NOW,
                dedupe_key=f"roundup:{recipient}",
            )
    with unit_of_work(engine) as session:
        assert outbox.held_recipients(session=session) == []
        assert not outbox.any_held_recipient(session=session)
