"""A stand-up's day (SPEC §4): when its run opens and closes, who is asked, what its summary says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.worktime import WorkCalendar
from storage import outbox
from storage import standups as standup_store
from storage.models import Standup, StandupAnswer, StandupParticipant, StandupRun


@dataclass(frozen=True)
class Blocker:
    user_id: str
    text: str
    unblock_user: str | None
    unblock_dept: str | None


def names_department(text: str, dept: str) -> bool:
    """Whether a blocker's own words already name the department (`#qa`; an adapter turns a channel link
    into that), so the line does not name it twice."""
    name = re.escape(dept)
    return re.search(rf"(?:^|[^\w-])#{name}(?![\w-])", text, re.IGNORECASE) is not None


@dataclass(frozen=True)
class StandupSummary:
    run_id: int
    channel_id: str
    day: str
    answered: tuple[str, ...]
    missing: tuple[str, ...]
    away: tuple[str, ...]
    blockers: tuple[Blocker, ...]
    open: bool = False  # still taking answers: the report says so instead of "closed"
    closes: str = ""  # when this run closes, HH:MM in the stand-up's zone


def calendar_of(standup: Standup) -> WorkCalendar:
    return WorkCalendar(tz=ZoneInfo(standup.tz), country=standup.country)


def is_standup_day(standup: Standup, day: date) -> bool:
    cal = calendar_of(standup)
    weekdays = {int(d) for d in standup.days.split(",") if d}
    if standup.country:
        # Holidays are skipped; a make-up workday on a weekend counts as a working day.
        return cal.is_working_day(day) and (day.weekday() in weekdays or day.weekday() >= 5)
    return day.weekday() in weekdays


def participants(session: Session, standup_id: int) -> list[StandupParticipant]:
    return standup_store.participants(session=session, standup_id=standup_id)


def closing_time(standup: Standup, run: StandupRun) -> str:
    """When this run closes, HH:MM in the stand-up's zone: a run started by hand closes one window after
    it opened, not at the configured closing time."""
    return run.closes_at.astimezone(ZoneInfo(standup.tz)).strftime("%H:%M")


def window(standup: Standup, day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(standup.tz)
    return (
        datetime.combine(day, time.fromisoformat(standup.at_time), tz),
        datetime.combine(day, time.fromisoformat(standup.close_time), tz),
    )


def open_run(
    session: Session, standup: Standup, day: date, *, opens_at: datetime, closes_at: datetime
) -> StandupRun:
    """Today's run, created once: a second scheduler or a restart finds the same row."""
    assert standup.id is not None
    return standup_store.open_run_once(
        session=session, standup_id=standup.id, day=day.isoformat(), opens_at=opens_at, closes_at=closes_at
    )


@dataclass(frozen=True)
class Opening:
    """One message a stand-up sends as it opens, with the key that makes it once."""

    key: str
    kind: str
    recipient: str
    event: str
    run_id: int


def opening(session: Session, standup: Standup, run: StandupRun, *, now: datetime) -> list[Opening]:
    """The thread parent, and a prompt to each participant who is not away."""
    assert run.id is not None and standup.id is not None
    messages = [Opening(f"standup_open:{run.id}", "post", standup.channel_id, "standup_open", run.id)]
    for p in participants(session, standup.id):
        if p.away_until is None or p.away_until <= now:
            messages.append(
                Opening(f"standup_prompt:{run.id}:{p.user_id}", "dm", p.user_id, "standup_prompt", run.id)
            )
    return messages


def queue_opening(session: Session, standup: Standup, run: StandupRun, *, now: datetime) -> None:
    for m in opening(session, standup, run, now=now):
        outbox.enqueue(
            session=session,
            kind=m.kind,
            recipient=m.recipient,
            now=now,
            event=m.event,
            data={"run_id": m.run_id},
            dedupe_key=m.key,
        )


def summary(session: Session, run: StandupRun) -> StandupSummary:
    assert run.id is not None
    standup = session.get(Standup, run.standup_id)
    assert standup is not None
    answers = {a.user_id: a for a in standup_store.answers(session=session, run_id=run.id)}
    everyone = participants(session, run.standup_id)
    away = tuple(
        p.user_id
        for p in everyone
        if p.away_until is not None and p.away_until > run.opens_at and p.user_id not in answers
    )
    missing = tuple(p.user_id for p in everyone if p.user_id not in answers and p.user_id not in away)
    blockers = tuple(
        Blocker(a.user_id, a.blockers, a.unblock_user, a.unblock_dept)
        for a in answers.values()
        if a.blockers.strip() and a.blockers.strip().lower() not in ("none", "no", "-", "无", "没有")
    )
    return StandupSummary(
        run_id=run.id,
        channel_id=standup.channel_id,
        day=run.day,
        answered=tuple(sorted(answers)),
        missing=missing,
        away=away,
        blockers=blockers,
        open=not run.closed,
        closes=closing_time(standup, run),
    )


def blocker_prefill(session: Session, *, run_id: int, user_id: str) -> dict[str, str | None] | None:
    """What the New task form starts with when a blocker becomes a task."""
    row = session.get(StandupAnswer, (run_id, user_id))
    run = session.get(StandupRun, run_id)
    standup = session.get(Standup, run.standup_id) if run else None
    if row is None or standup is None:
        return None
    return {
        "title": row.blockers.splitlines()[0][:150] if row.blockers else "",
        "details": row.blockers,
        "dept": row.unblock_dept,
        "owner": row.unblock_user,
        "channel": standup.channel_id,
    }
