"""The scheduler over simulated weeks: who hears what, on which day, at what local time — once.

A company in Shanghai, Berlin and New York. The first window holds China's Mid-Autumn holiday
(Fri 25 Sep 2026) and a make-up workday (Sun 20 Sep); the second holds Berlin's return to winter
time (Sun 25 Oct 2026). No week of 2026 holds both for these cities, so each has its own window.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage.db import make_engine
from tests.company import counts
from tests.simulation import STEP, Company, Recorder, seed

SH, BER = ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")


def at(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz).astimezone(UTC)  # type: ignore[misc]


HOLIDAY_START = datetime(2026, 9, 18, 0, 0, tzinfo=UTC)
HOLIDAY_END = datetime(2026, 9, 29, 12, 0, tzinfo=UTC)
HOLIDAY_SCRIPT = {
    at(SH, 2026, 9, 18, 10, 0): [("pete", "C_PROD: /standup away @pete until 2026-09-23")],
    at(SH, 2026, 9, 21, 10, 0): [
        ("paul", "C_GENERAL: /standup answer fixed gauge 4 | line 3 | resin #procurement")
    ],
    at(SH, 2026, 9, 18, 16, 0): [("alice", "new Calibrate gauges @paul")],
    at(SH, 2026, 9, 21, 9, 0): [("alice", "new Order resin @paul due:2026-09-24"), ("paul", "ack 2")],
    at(BER, 2026, 9, 21, 10, 0): [("quinn", "new Send samples @paul")],
    at(SH, 2026, 9, 21, 17, 0): [("paul", "done 3")],
}
HOLIDAY_WEEK = [
    "Fri 09-18 16:00 paul assigned T-1",
    # 2 working hours on Friday, Saturday off, Sunday 20 September is a make-up workday in China:
    "Sun 09-20 11:00 paul ack_nudge T-1",  # the 4-hour promise is broken
    "Sun 09-20 15:00 pete ack_escalate T-1",  # twice the promise: the accountable lead
    "Mon 09-21 09:00 paul assigned T-2",
    "Mon 09-21 09:00 alice ack T-2",
    "Mon 09-21 09:00 #prod digest",  # Monday 09:00 in each department's own zone
    # (no #qa digest yet: nobody had filed anything with QA, and an empty digest is noise)
    "Mon 09-21 16:00 paul assigned T-3",  # quinn filed it at 10:00 in Berlin
    "Mon 09-21 11:00 quinn done T-3",  # paul finished it at 17:00 in Shanghai
    "Tue 09-22 12:00 paul due_soon T-2",  # 24 working hours before Thu 18:00
    "Wed 09-23 11:00 quinn verify_reminder T-3",  # two Berlin working days after it was done
    # Due Thu 24 at 18:00; Fri 25 is Mid-Autumn, then the weekend: the first overdue morning is Monday.
    "Mon 09-28 09:00 paul overdue",
    "Mon 09-28 09:00 #prod digest",
    "Mon 09-28 09:00 #qa digest",
    "Tue 09-29 09:00 pete overdue_lead T-2",  # a full working day overdue, told at the next working start
    "Tue 09-29 09:00 paul overdue",  # at most once per working day
    "Mon 09-21 10:00 #prod standup_answer",  # paul's answer, posted in the thread
]


def standups(
    channel: str, days: list[str], opens: str, closes: str, people: dict[str, set[str]]
) -> list[str]:
    """A stand-up's lines on each of `days`: the thread, a prompt to each person not away, the summary."""
    lines = []
    for day in days:
        lines.append(f"{day} {opens} #{channel} standup_open")
        lines += [
            f"{day} {opens} {person} standup_prompt" for person, away in people.items() if day not in away
        ]
        lines.append(f"{day} {closes} #{channel} standup_summary")
    return lines


# Shanghai works on the make-up Sunday and rests on Mid-Autumn Friday; Berlin the other way round.
HOLIDAY_WEEK += standups(
    "prod",
    ["Fri 09-18", "Sun 09-20", "Mon 09-21", "Tue 09-22", "Wed 09-23", "Thu 09-24", "Mon 09-28", "Tue 09-29"],
    "09:30",
    "11:30",
    {"paul": set(), "pete": {"Sun 09-20", "Mon 09-21", "Tue 09-22", "Wed 09-23"}},  # away
)
HOLIDAY_WEEK += standups(
    "qa",
    ["Fri 09-18", "Mon 09-21", "Tue 09-22", "Wed 09-23", "Thu 09-24", "Fri 09-25", "Mon 09-28", "Tue 09-29"],
    "09:00",
    "11:00",
    {"quinn": set(), "quentin": set()},
)

DST_START = datetime(2026, 10, 22, 0, 0, tzinfo=UTC)
DST_END = datetime(2026, 10, 30, 0, 0, tzinfo=UTC)
DST_SCRIPT = {at(BER, 2026, 10, 23, 10, 0): [("rita", "new Certify batch 7 @quentin due:2026-10-27")]}
DST_WEEK = [
    "Fri 10-23 10:00 quentin assigned T-1",
    # QA promises 2 working hours; due Tue 18:00 New York = 23:00 Berlin: both fall due at once, so
    # Quentin gets one message with both reasons (quiet by design).
    "Fri 10-23 12:00 quentin roundup[due_soon+ack_nudge T-1]",
    "Fri 10-23 14:00 quinn ack_escalate T-1",
    "Mon 10-26 09:00 #qa digest",  # after the change: still 09:00 in Berlin, now 08:00 UTC
    "Wed 10-28 09:00 quentin overdue",
    "Thu 10-29 09:00 quinn overdue_lead T-1",
    "Thu 10-29 09:00 quentin overdue",
]
DST_WEEK += standups(
    "prod",
    ["Thu 10-22", "Fri 10-23", "Mon 10-26", "Tue 10-27", "Wed 10-28", "Thu 10-29"],
    "09:30",
    "11:30",
    {"paul": set(), "pete": set()},
)
# Berlin's stand-up stays at 09:00 local across the change (07:00 UTC before, 08:00 UTC after).
DST_WEEK += standups(
    "qa",
    ["Thu 10-22", "Fri 10-23", "Mon 10-26", "Tue 10-27", "Wed 10-28", "Thu 10-29"],
    "09:00",
    "11:00",
    {"quinn": set(), "quentin": set()},
)


def simulate(engine: Engine, start: datetime, end: datetime, script: dict) -> Recorder:  # type: ignore[type-arg]
    clock = FixedClock(start)
    recorder = Recorder(clock)
    seed(engine, start)
    Company(engine, clock, recorder).run(start, end, script)
    return recorder


def test_a_week_with_a_chinese_holiday_and_a_make_up_workday(engine: Engine) -> None:
    assert sorted(simulate(engine, HOLIDAY_START, HOLIDAY_END, HOLIDAY_SCRIPT).table()) == sorted(
        HOLIDAY_WEEK
    )


def test_a_week_with_a_daylight_saving_change(engine: Engine) -> None:
    recorder = simulate(engine, DST_START, DST_END, DST_SCRIPT)
    assert sorted(recorder.table()) == sorted(DST_WEEK)
    utc_hours = {
        reason: at.hour
        for at, _, event, _ in recorder.sent
        for reason in ("ack_nudge", "overdue")
        if event == reason or (event.startswith("roundup[") and reason in event)
    }
    assert utc_hours == {"ack_nudge": 10, "overdue": 8}  # 12:00 CEST before, 09:00 CET after
    qa_opens = sorted(
        {
            at.astimezone(UTC).hour
            for at, channel, event, _ in recorder.sent
            if channel == "C_QA" and event == "standup_open"
        }
    )
    assert qa_opens == [7, 8]


def test_a_restart_in_the_middle_changes_nothing(file_engine_url: str) -> None:
    clock = FixedClock(HOLIDAY_START)
    recorder = Recorder(clock)
    first = make_engine(file_engine_url)
    seed(first, HOLIDAY_START)
    middle = at(SH, 2026, 9, 22, 10, 0)
    Company(first, clock, recorder).run(HOLIDAY_START, middle, HOLIDAY_SCRIPT)
    first.dispose()
    second = make_engine(file_engine_url)  # a new process: new engine, new worker, same database
    Company(second, clock, recorder).run(middle, HOLIDAY_END, HOLIDAY_SCRIPT)
    second.dispose()
    assert sorted(recorder.table()) == sorted(HOLIDAY_WEEK)


def test_work_missed_while_down_is_caught_up_once(engine: Engine) -> None:
    clock = FixedClock(HOLIDAY_START)
    recorder = Recorder(clock)
    seed(engine, HOLIDAY_START)
    company = Company(engine, clock, recorder)
    down, up = at(SH, 2026, 9, 20, 10, 0), at(SH, 2026, 9, 20, 16, 0)
    company.run(HOLIDAY_START, down, HOLIDAY_SCRIPT)
    company.run(up, at(SH, 2026, 9, 21, 0, 0), HOLIDAY_SCRIPT)
    reminders = [line for line in recorder.table() if "standup" not in line or "Sun" in line]
    assert sorted(reminders) == sorted(
        [
            "Fri 09-18 16:00 paul assigned T-1",
            "Sun 09-20 09:30 #prod standup_open",
            "Sun 09-20 09:30 paul standup_prompt",
            "Sun 09-20 16:00 paul ack_nudge T-1",  # due at 11:00 and 15:00, while the bot was down
            "Sun 09-20 16:00 pete ack_escalate T-1",
            "Sun 09-20 16:00 #prod standup_summary",  # its thread opened before the outage: closed once, late
        ]
    )


def test_two_schedulers_on_one_postgresql_database_send_everything_once(
    db_kind: str, file_engine_url: str
) -> None:
    if db_kind != "postgres":
        pytest.skip("several schedulers share PostgreSQL; SQLite is for one process on one host")
    clock = FixedClock(HOLIDAY_START)
    recorder = Recorder(clock)
    engines = [make_engine(file_engine_url), make_engine(file_engine_url)]
    seed(engines[0], HOLIDAY_START)
    actor = Company(engines[0], clock, recorder)
    workers = [DeliveryWorker(e, recorder, clock) for e in engines]
    barrier = threading.Barrier(2)
    instants = []
    t = HOLIDAY_START
    while t < HOLIDAY_END:
        instants.append(t)
        t += STEP

    def replica(index: int) -> None:
        for instant in instants:
            barrier.wait()
            if index == 0:
                clock.set(instant)
                for who, text in HOLIDAY_SCRIPT.get(instant, []):
                    actor.act(who, text)
            barrier.wait()
            sweep(engines[index], now=instant, default_tz="UTC")
            workers[index].deliver_due()

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for e in engines:
        e.dispose()
    assert sorted(recorder.table()) == sorted(HOLIDAY_WEEK)


def test_dry_run_plans_but_sends_and_changes_nothing(engine: Engine) -> None:
    clock = FixedClock(HOLIDAY_START)
    recorder = Recorder(clock)
    seed(engine, HOLIDAY_START)
    company = Company(engine, clock, recorder)
    company.run(HOLIDAY_START, at(SH, 2026, 9, 18, 17, 0), HOLIDAY_SCRIPT)
    before, sent = counts(engine), len(recorder.sent)
    sunday_noon = at(SH, 2026, 9, 20, 12, 0)
    planned = sweep(engine, now=sunday_noon, default_tz="UTC", dry_run=True)
    # QA's Friday stand-up is still open (the run stopped before it closed), and paul's promise is broken.
    assert [(p.event, p.recipient) for p in planned] == [("standup_summary", "C_QA"), ("ack_nudge", "U_PAUL")]
    assert counts(engine) == before and len(recorder.sent) == sent
    assert sweep(engine, now=sunday_noon, default_tz="UTC") == planned  # the real run queues the same
    assert sweep(engine, now=sunday_noon, default_tz="UTC") == []  # and a second run nothing new


def test_snooze_reassignment_and_new_due_dates_rearm_the_right_reminders(engine: Engine) -> None:
    clock = FixedClock(HOLIDAY_START)
    recorder = Recorder(clock)
    seed(engine, HOLIDAY_START)
    company = Company(engine, clock, recorder)
    script = {
        at(SH, 2026, 9, 21, 9, 0): [
            ("alice", "new Order resin @paul due:2026-09-22"),
            ("paul", "ack 1"),
            ("alice", "new Count stock @paul due:2026-09-22"),
            ("paul", "ack 2"),
        ],
        at(SH, 2026, 9, 23, 10, 0): [("paul", "snooze 1")],
        at(SH, 2026, 9, 23, 11, 0): [("pete", "assign 2 @pete")],
    }
    company.run(at(SH, 2026, 9, 21, 8, 0), at(SH, 2026, 9, 24, 12, 0), script)
    overdue = [line for line in recorder.table() if "overdue" in line]
    assert overdue == [
        "Wed 09-23 09:00 paul overdue",  # both tasks, in one message
        "Wed 09-23 11:00 pete overdue",  # T-2 just became pete's: he had no overdue message today yet
        "Thu 09-24 09:00 paul overdue",  # T-1 was snoozed until Thursday's working start
        # T-1 is a working day overdue (pete leads it; T-2 needs no lead, pete owns it), and pete's own
        # T-2 is overdue: one message for both.
        "Thu 09-24 09:00 pete roundup[overdue_lead T-1, overdue T-2]",
    ]


IMMEDIATE = {
    "assigned",
    "ack",
    "start",
    "block",
    "done",
    "verify",
    "reopen",
    "cancel",
    "due",
    "priority",
    "comment",
    "reassigned",
    "unassigned",
    "upstream_done",
    "upstream_slipped",
    "depends",
    "standup_answer",
}


def test_a_month_sends_every_scheduled_message_once_and_in_working_hours(
    db_kind: str, engine: Engine
) -> None:
    if db_kind != "sqlite":
        pytest.skip("a month of sweeps is slow on PostgreSQL; the week tests cover it there")
    from sqlmodel import Session, select

    from handlers.calendars import Calendars
    from storage.models import Department, OutboxMessage

    start, end = datetime(2026, 9, 28, 0, 0, tzinfo=UTC), datetime(2026, 10, 28, 0, 0, tzinfo=UTC)
    script = {
        at(SH, 2026, 9, 28, 10, 0): [
            ("alice", "new Resin order @paul due:2026-10-09"),
            ("quinn", "new Audit line 3 @pete due:2026-09-30 !urgent"),
        ],
        at(BER, 2026, 9, 29, 9, 0): [("rita", "new Certify batch @quentin due:2026-10-08")],
        at(SH, 2026, 9, 30, 9, 0): [("pete", "ack 2")],
        at(BER, 2026, 10, 12, 11, 0): [("quentin", "done 3 certified")],
        at(SH, 2026, 10, 12, 9, 0): [("raj", "new Quote for gloves @paul due:2026-10-26")],
    }
    clock = FixedClock(start)
    recorder = Recorder(clock)
    seed(engine, start)
    Company(engine, clock, recorder).run(start, end, script)
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        sent = [r for r in rows if r.status == "sent"]
        assert len(sent) == len(recorder.sent)  # every queued row delivered once, nothing more
        assert not [r for r in rows if r.status == "pending"]
        calendars = Calendars(session, "UTC")
        depts = {d.channel_id: d for d in session.exec(select(Department)).all() if d.channel_id}
        late = []
        for when, recipient, event, _ in recorder.sent:
            if event in IMMEDIATE or event == "card" or event.startswith("standup_"):
                continue
            cal = (
                calendars.for_department(depts[recipient])
                if recipient in depts
                else calendars.for_person(recipient)
            )
            if not cal.is_working_time(when):
                late.append((when.isoformat(), recipient, event))
        assert late == []
    table = recorder.table()
    assert len(table) == len(set(table))  # nobody hears the same thing twice at the same moment
    national_day = [line for line in table if line.startswith(("Thu 10-01", "Fri 10-02", "Mon 10-05"))]
    assert not [line for line in national_day if "#prod" in line or "paul" in line or "pete" in line]
    assert [line for line in table if line.startswith("Sat 10-10") and "#prod standup_open" in line]
