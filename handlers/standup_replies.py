"""Replies in the day's stand-up thread as answers: written, edited, deleted — as the platform reports them.

A participant's answer is their replies gathered in order. A reply with labels (`Done:`, `Today:`,
`Blockers:`, `昨天：`, `今天：`, `阻塞：` …) is split into the three parts, so its blockers reach the summary;
without labels it is all "done". An answer given by form or command stands: later replies, edits and
deletions leave it alone.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.clock import Clock
from handlers.standups import standup_in
from storage import standup_replies
from storage.db import unit_of_work
from storage.models import StandupAnswer, StandupParticipant, StandupReply, StandupRun

MAX_PART = 3000
MAX_REPLY = 4000

PART_OF_LABEL = {
    "done": "done",
    "yesterday": "done",
    "昨天": "done",
    "today": "planned",
    "planned": "planned",
    "今天": "planned",
    "blockers": "blockers",
    "blocker": "blockers",
    "阻塞": "blockers",
    "卡点": "blockers",
    "需要支持": "blockers",
}
# A label starts a line or follows a space or a sentence's end; it may be bold (`*Done:*`) or a list item.
_LABEL = re.compile(
    r"(?:^|(?<=[\s.;,。；，]))[*_]*(" + "|".join(sorted(PART_OF_LABEL, key=len, reverse=True)) + r")[*_]*"
    r"\s*[:：][*_]*\s*",
    re.IGNORECASE | re.MULTILINE,
)


def split_labels(text: str) -> tuple[str, str, str] | None:
    """(done, planned, blockers) of a labelled reply; None when it has no labels."""
    found = list(_LABEL.finditer(text))
    if not found:
        return None
    parts: dict[str, list[str]] = {"done": [], "planned": [], "blockers": []}
    lead = text[: found[0].start()].strip()
    if lead:
        parts["done"].append(lead)
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[m.end() : end].strip()
        if value:
            parts[PART_OF_LABEL[m[1].lower()]].append(value)
    return ("\n".join(parts["done"]), "\n".join(parts["planned"]), "\n".join(parts["blockers"]))


def _open_run(session: Session, channel_id: str, thread: str) -> StandupRun | None:
    standup = standup_in(session, channel_id)
    if standup is None or standup.id is None:
        return None
    run = standup_replies.run_in_thread(session=session, standup_id=standup.id, thread=thread)
    return None if run is None or run.closed or run.id is None else run


def _gather(session: Session, run_id: int, user_id: str, now: datetime) -> None:
    """Rebuild the answer from the person's replies (none left: no answer)."""
    rows = standup_replies.replies(session=session, run_id=run_id, user_id=user_id)
    answer = session.get(StandupAnswer, (run_id, user_id))
    if not rows:
        if answer is not None:
            session.delete(answer)
        return
    text = "\n".join(r.text for r in rows if r.text.strip())
    done, planned, blockers = split_labels(text) or (text, "", "")
    if answer is None:
        answer = StandupAnswer(run_id=run_id, user_id=user_id, answered_at=now)
    answer.done, answer.planned, answer.blockers = done[:MAX_PART], planned[:MAX_PART], blockers[:MAX_PART]
    answer.unblock_user = answer.unblock_dept = None
    session.add(answer)


def reply_written(
    engine: Engine, *, channel_id: str, thread: str, message_id: str, user_id: str, text: str, clock: Clock
) -> bool:
    """A participant's reply in an open run's thread joins their answer. True if it counted."""
    with unit_of_work(engine) as session:
        run = _open_run(session, channel_id, thread)
        if (
            run is None
            or run.id is None
            or session.get(StandupParticipant, (run.standup_id, user_id)) is None
        ):
            return False
        answered = session.get(StandupAnswer, (run.id, user_id)) is not None
        if answered and not standup_replies.replies(session=session, run_id=run.id, user_id=user_id):
            return False  # answered by form or command: that answer stands
        if session.get(StandupReply, (run.id, message_id)) is None:
            session.add(
                StandupReply(
                    run_id=run.id,
                    message_id=message_id,
                    user_id=user_id,
                    text=text[:MAX_REPLY],
                    written_at=clock(),
                )
            )
            session.flush()
        _gather(session, run.id, user_id, clock())
        return True


def reply_edited(
    engine: Engine, *, channel_id: str, thread: str, message_id: str, text: str, clock: Clock
) -> bool:
    """An edited reply changes the answer it is part of (a reply that never counted stays out)."""
    with unit_of_work(engine) as session:
        run = _open_run(session, channel_id, thread)
        row = session.get(StandupReply, (run.id, message_id)) if run is not None else None
        if run is None or run.id is None or row is None:
            return False
        row.text = text[:MAX_REPLY]
        session.add(row)
        session.flush()
        _gather(session, run.id, row.user_id, clock())
        return True


def reply_deleted(engine: Engine, *, channel_id: str, thread: str, message_id: str, clock: Clock) -> bool:
    """A deleted reply leaves the answer; the last one deleted takes the answer with it."""
    with unit_of_work(engine) as session:
        run = _open_run(session, channel_id, thread)
        row = session.get(StandupReply, (run.id, message_id)) if run is not None else None
        if run is None or run.id is None or row is None:
            return False
        session.delete(row)
        session.flush()
        _gather(session, run.id, row.user_id, clock())
        return True
