"""A company on a clock: sweeps every 15 minutes, people acting at set instants, every delivery recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from handlers.context import Config
from handlers.outgoing import Digest, Landed, Outgoing
from handlers.runner import Here, Runner
from scheduler.delivery import DeliveryWorker
from scheduler.sweep import sweep
from storage.db import unit_of_work
from storage.models import Department, Member, Standup, StandupParticipant

STEP = timedelta(minutes=15)
CONFIG = Config(admins=frozenset({"U_ADMIN"}), default_tz="UTC")

# name: (department, time zone); the first person named in a department leads it.
PEOPLE = {
    "alice": ("sales", "Asia/Shanghai"),
    "pete": ("production", "Asia/Shanghai"),
    "paul": ("production", "Asia/Shanghai"),
    "quinn": ("qa", "Europe/Berlin"),
    "quentin": ("qa", "Europe/Berlin"),
    "rita": ("procurement", "America/New_York"),
    "raj": ("procurement", "America/New_York"),
}
DEPARTMENTS = {  # name: (zone, holiday country, response promise in hours, channel)
    "sales": ("Asia/Shanghai", "CN", 4, None),
    "production": ("Asia/Shanghai", "CN", 4, "C_PROD"),
    "qa": ("Europe/Berlin", "DE", 2, "C_QA"),
    "procurement": ("America/New_York", "US", 8, None),
}
CHANNEL_ZONES = {"C_PROD": "Asia/Shanghai", "C_QA": "Europe/Berlin"}
# channel: (opens, closes, zone, holidays, participants), Monday to Friday
STANDUPS = {
    "C_PROD": ("09:30", "11:30", "Asia/Shanghai", "CN", ["pete", "paul"]),
    "C_QA": ("09:00", "11:00", "Europe/Berlin", "DE", ["quinn", "quentin"]),
}


def uid(name: str) -> str:
    return f"U_{name.upper()}"


def seed(engine: Engine, now: datetime) -> None:
    with unit_of_work(engine) as session:
        ids = {}
        for name, (tz, country, sla, channel) in DEPARTMENTS.items():
            lead = next(p for p, (d, _) in PEOPLE.items() if d == name)
            dept = Department(
                name=name,
                lead_id=uid(lead),
                channel_id=channel,
                sla_hours=sla,
                tz=tz,
                country=country,
                created_at=now,
            )
            session.add(dept)
            session.flush()
            ids[name] = dept.id
        for person, (dept_name, tz) in PEOPLE.items():
            session.add(
                Member(
                    user_id=uid(person),
                    name=person,
                    department_id=ids[dept_name],
                    tz=tz,
                    locale="en-US",
                    profile_checked_at=now,
                )
            )
        for channel, (opens, closes, tz, country, members) in STANDUPS.items():
            standup = Standup(
                channel_id=channel,
                at_time=opens,
                close_time=closes,
                tz=tz,
                country=country,
                created_by=uid(members[0]),
                created_at=now,
            )
            session.add(standup)
            session.flush()
            for person in members:
                session.add(StandupParticipant(standup_id=standup.id, user_id=uid(person)))


@dataclass
class Recorder:
    """A Sender that remembers what it would have sent, and when."""

    clock: Callable[[], datetime]
    sent: list[tuple[datetime, str, str, int | None]] = field(default_factory=list)
    row_ids: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    messages: list[Outgoing] = field(default_factory=list)

    def deliver(self, message: Outgoing) -> Landed | None:
        origin = message.origin
        with self.lock:
            event = origin.event or origin.kind
            if isinstance(message.body, Digest) and origin.event == "roundup":
                # One message gathering several reminders: "roundup[due_soon+ack_nudge T-1, …]".
                event += (
                    "["
                    + ", ".join(
                        "+".join(r.key.removeprefix("r_") for r in i.reasons) + f" T-{i.task.id}"
                        for i in message.body.items
                    )
                    + "]"
                )
            self.sent.append((self.clock(), origin.recipient, event, origin.task_id))
            self.row_ids.append(origin.row_id)
            self.messages.append(message)
        return Landed(message.where.conversation, f"sim-{origin.row_id}")

    def table(self, *, kinds_to_skip: tuple[str, ...] = ("card",)) -> list[str]:
        """Each delivery as 'Sun 09-20 11:00 paul ack_nudge T-1', in the recipient's own zone; within one
        instant in the order decided (several sends are in flight, so arrival order between people varies)."""
        zones = {uid(p): tz for p, (_, tz) in PEOPLE.items()} | CHANNEL_ZONES
        names = {uid(p): p for p in PEOPLE} | {c: f"#{c[2:].lower()}" for c in CHANNEL_ZONES}
        rows = []
        decided = sorted(zip(self.sent, self.row_ids, strict=True), key=lambda pair: (pair[0][0], pair[1]))
        for (at, recipient, event, task_id), _ in decided:
            if event in kinds_to_skip:
                continue
            local = at.astimezone(ZoneInfo(zones.get(recipient, "UTC")))
            subject = f" T-{task_id}" if task_id else ""
            rows.append(f"{local:%a %m-%d %H:%M} {names.get(recipient, recipient)} {event}{subject}")
        return rows


class Company:
    def __init__(self, engine: Engine, clock: FixedClock, recorder: Recorder) -> None:
        self.engine = engine
        self.clock = clock
        self.recorder = recorder
        self.worker = DeliveryWorker(engine, recorder, clock, config=CONFIG)

    def act(self, who: str, text: str) -> None:
        """`/task …` in #general, or `/standup …` in a stand-up channel, written "C_X: /standup …"."""
        runner = Runner(self.engine, CONFIG, self.clock)
        actor = runner.identify(uid(who), who)
        channel, _, command = text.partition(": ") if text.startswith("C_") else ("C_GENERAL", "", text)
        run = runner.standup if command.startswith("/standup ") else runner.task
        outcome = run(actor, command.removeprefix("/standup "), Here(channel_id=channel))
        assert outcome.ok, (who, text, outcome.reply.text)

    def run(self, start: datetime, end: datetime, script: dict[datetime, list[tuple[str, str]]]) -> None:
        """Sweep and deliver every STEP from start to end, doing each scripted action at its instant."""
        at = start
        while at < end:
            self.clock.set(at)
            for who, text in script.get(at, []):
                self.act(who, text)
            sweep(self.engine, now=at, default_tz=CONFIG.default_tz)
            self.worker.deliver_due()
            at += STEP
