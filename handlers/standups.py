"""Stand-ups (SPEC §4): set up once; each working day a thread, a prompt to each person, a summary."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from handlers import people
from handlers.commands import DeptRef, PersonRef
from handlers.context import Context
from handlers.dates import parse_when
from handlers.errors import InvalidInput, NotAllowed, NotFound
from handlers.results import ChannelRef, Reply, Text
from handlers.standup_commands import (
    StandupAnswerText,
    StandupAway,
    StandupNow,
    StandupPeople,
    StandupReport,
    StandupSetup,
    StandupStop,
)
from handlers.standup_runs import closing_time, open_run, queue_opening, summary, window
from handlers.worktime import supported_country
from storage import outbox, standup_replies
from storage import people as people_store
from storage import standups as standup_store
from storage.models import Standup, StandupAnswer, StandupParticipant, StandupRun

DEFAULT_OPEN_HOURS = 2
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---- looking up ------------------------------------------------------------------------------


def standup_in(session: Session, channel_id: str | None) -> Standup | None:
    if not channel_id:
        return None
    return standup_store.standup_for_channel(session=session, channel_id=channel_id)


def _require_standup(ctx: Context) -> Standup:
    found = standup_in(ctx.session, ctx.channel_id)
    if found is None:
        raise NotFound("standup_none")
    return found


def _may_manage(ctx: Context, standup: Standup) -> bool:
    return ctx.actor.is_admin or ctx.actor.user_id == standup.created_by


# ---- commands --------------------------------------------------------------------------------


def setup(ctx: Context, cmd: StandupSetup) -> Reply:
    channel = (cmd.channel.channel_id or f"#{cmd.channel.name}") if cmd.channel else ctx.channel_id
    if not channel:
        raise InvalidInput("standup_setup_usage")
    tz = cmd.tz
    if tz is None:
        dept = people_store.department_for_channel(session=ctx.session, channel_id=channel)
        # The channel's zone is its department's; a channel of no department takes its setter's zone.
        tz = (dept.tz if dept and dept.tz else None) or ctx.actor.tz.key
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("tz_bad", given=tz[:40]) from None
    if cmd.country and not supported_country(cmd.country):
        raise InvalidInput("country_bad", given=cmd.country)
    opens = time.fromisoformat(cmd.at)
    close = cmd.close or (
        datetime.combine(date(2000, 1, 1), opens) + timedelta(hours=DEFAULT_OPEN_HOURS)
    ).strftime("%H:%M")
    if close <= cmd.at:
        raise InvalidInput("standup_close_bad")
    standup = standup_store.standup_for_channel(session=ctx.session, channel_id=channel, active_only=False)
    if standup is not None and standup.active and not _may_manage(ctx, standup):
        raise NotAllowed("standup_not_yours")
    if standup is None:
        standup = Standup(
            channel_id=channel,
            at_time=cmd.at,
            close_time=close,
            tz=tz,
            created_by=ctx.actor.user_id,
            created_at=ctx.now,
        )
    standup.at_time, standup.close_time, standup.tz = cmd.at, close, tz
    standup.days = ",".join(str(d) for d in cmd.days)
    standup.country = cmd.country
    standup.active = True
    ctx.session.add(standup)
    ctx.session.flush()
    assert standup.id is not None
    if ctx.session.get(StandupParticipant, (standup.id, ctx.actor.user_id)) is None:
        ctx.session.add(StandupParticipant(standup_id=standup.id, user_id=ctx.actor.user_id))
    days = ", ".join(DAY_LABELS[d] for d in cmd.days)
    return Reply(
        kind="message",
        text=Text(
            "standup_set",
            {"channel": ChannelRef(channel), "at": cmd.at, "tz": tz, "days": days, "close": close},
        ),
    )


def change_people(ctx: Context, cmd: StandupPeople) -> Reply:
    standup = _require_standup(ctx)
    assert standup.id is not None
    if cmd.action in ("join", "leave"):
        targets = [ctx.actor.user_id]
    else:
        targets, unknown = _known_people(ctx, cmd.people)
        if cmd.action == "remove" and not _may_manage(ctx, standup) and targets != [ctx.actor.user_id]:
            raise NotAllowed("standup_not_yours")
    for user_id in targets:
        row = ctx.session.get(StandupParticipant, (standup.id, user_id))
        if cmd.action in ("add", "join") and row is None:
            ctx.session.add(StandupParticipant(standup_id=standup.id, user_id=user_id))
        elif cmd.action in ("remove", "leave") and row is not None:
            ctx.session.delete(row)
    names = people_store.member_names(session=ctx.session, user_ids=targets)
    who = ", ".join("@" + names.get(u, u) for u in targets)
    if cmd.action in ("add", "remove") and unknown:
        nobody = ", ".join("@" + name for name in unknown)
        text = Text(f"standup_{cmd.action}_partly", {"who": who, "unknown": nobody, "count": len(targets)})
        return Reply(kind="message", text=text)
    return Reply(kind="message", text=Text(f"standup_{cmd.action}_ok", {"who": who, "count": len(targets)}))


def _known_people(ctx: Context, refs: tuple[PersonRef, ...]) -> tuple[list[str], list[str]]:
    """The people named who are known, and the names of those who are not: `add @a @b @nobody` adds two
    and says who the third was not. When no one is known, the first refusal stands and nothing changes."""
    known: list[str] = []
    unknown: list[str] = []
    first: NotFound | None = None
    for ref in refs:
        try:
            user_id = people.person(ctx.session, ref).user_id
        except NotFound as err:
            first = first or err
            unknown.append(ref.name)
            continue
        if user_id not in known:
            known.append(user_id)
    if not known and first is not None:
        raise first
    return known, unknown


def away(ctx: Context, cmd: StandupAway) -> Reply:
    standup = _require_standup(ctx)
    member = people.person(ctx.session, cmd.person)
    if member.user_id != ctx.actor.user_id and not _may_manage(ctx, standup):
        raise NotAllowed("standup_not_yours")
    until = parse_when(cmd.until, now=ctx.now, tz=ctx.actor.tz)
    assert standup.id is not None
    row = ctx.session.get(StandupParticipant, (standup.id, member.user_id))
    if row is None:
        raise NotFound("standup_not_participant", name=member.name)
    row.away_until = until
    return Reply(kind="message", text=Text("standup_away_ok", {"name": member.name, "until": until}))


def run_now(ctx: Context, _cmd: StandupNow) -> Reply:
    standup = _require_standup(ctx)
    day = ctx.now.astimezone(ZoneInfo(standup.tz)).date()
    opens, closes = window(standup, day)
    length = closes - opens
    run = open_run(ctx.session, standup, day, opens_at=ctx.now, closes_at=ctx.now + length)
    if run.opens_at != ctx.now:
        raise NotAllowed("standup_already_ran")
    queue_opening(ctx.session, standup, run, now=ctx.now)
    return Reply(kind="message", text=Text("standup_started", {"close": closing_time(standup, run)}))


def stop(ctx: Context, _cmd: StandupStop) -> Reply:
    standup = _require_standup(ctx)
    if not _may_manage(ctx, standup):
        raise NotAllowed("standup_not_yours")
    standup.active = False
    return Reply(kind="message", text=Text("standup_stopped"))


def answer(ctx: Context, cmd: StandupAnswerText) -> Reply:
    run = _run_for_answer(ctx, cmd.run_id)
    assert run.id is not None
    unblock_user = people.person(ctx.session, cmd.unblock_person).user_id if cmd.unblock_person else None
    if cmd.unblock_dept:
        people.department(ctx.session, DeptRef(name=cmd.unblock_dept))
    row = ctx.session.get(StandupAnswer, (run.id, ctx.actor.user_id))
    if row is None:
        row = StandupAnswer(run_id=run.id, user_id=ctx.actor.user_id, answered_at=ctx.now)
    # Answered by form or command: this answer replaces what the person wrote in the thread.
    standup_replies.drop_replies(session=ctx.session, run_id=run.id, user_id=ctx.actor.user_id)
    row.done, row.planned, row.blockers = cmd.done, cmd.planned, cmd.blockers
    row.unblock_user, row.unblock_dept, row.answered_at = unblock_user, cmd.unblock_dept, ctx.now
    ctx.session.add(row)
    standup = ctx.session.get(Standup, run.standup_id)
    assert standup is not None
    outbox.enqueue(
        session=ctx.session,
        kind="post",
        recipient=standup.channel_id,
        now=ctx.now,
        event="standup_answer",
        actor_id=ctx.actor.user_id,
        data={"run_id": run.id, "user_id": ctx.actor.user_id},
    )
    return Reply(kind="message", text=Text("standup_answered"))


def _run_for_answer(ctx: Context, run_id: int | None) -> StandupRun:
    if run_id is not None:
        run = ctx.session.get(StandupRun, run_id)
        if run is None:
            raise NotFound("standup_no_run")
        if run.closed:
            raise NotAllowed("standup_closed")
        if ctx.session.get(StandupParticipant, (run.standup_id, ctx.actor.user_id)) is None:
            raise NotAllowed("standup_not_participant_self")
        return run
    runs = standup_store.open_runs_for(session=ctx.session, user_id=ctx.actor.user_id)
    here = standup_in(ctx.session, ctx.channel_id)
    if here is not None:
        runs = [r for r in runs if r.standup_id == here.id] or list(runs)
    if not runs:
        raise NotFound("standup_no_run")
    return runs[0]


def report(ctx: Context, cmd: StandupReport) -> Reply:
    standup = _require_standup(ctx)
    assert standup.id is not None
    if cmd.day:
        day = _report_day(cmd.day, ctx.now.astimezone(ZoneInfo(standup.tz)).date())
        run = standup_store.run_on(session=ctx.session, standup_id=standup.id, day=day.isoformat())
    else:
        run = standup_store.latest_run(session=ctx.session, standup_id=standup.id)
    if run is None:
        raise NotFound("standup_no_report", day=cmd.day or "")
    found = summary(ctx.session, run)
    names = people_store.member_names(session=ctx.session, user_ids=[b.user_id for b in found.blockers])
    return Reply(kind="standup_report", stats=found, names=names)


def _report_day(text: str, today: date) -> date:
    words = {"today": 0, "今天": 0, "yesterday": 1, "昨天": 1}
    if text.lower() in words:
        return today - timedelta(days=words[text.lower()])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("standup_report_usage") from None
