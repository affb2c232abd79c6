"""A small company for tests and a driver that speaks to the handlers as a named person."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.clock import FixedClock
from handlers.context import Config
from handlers.runner import Here, Outcome, Runner
from storage.db import unit_of_work
from storage.models import (
    Department,
    Member,
    OutboxMessage,
    Task,
    TaskDependency,
    TaskEvent,
    TaskMessage,
    TaskWatcher,
)

# name: (user id, department, time zone, locale)
PEOPLE = {
    "alice": ("U_ALICE", "sales", "Asia/Shanghai", "en-US"),
    "sam": ("U_SAM", "sales", "Asia/Shanghai", "en-US"),
    "pete": ("U_PETE", "production", "Asia/Shanghai", "en-US"),
    "paul": ("U_PAUL", "production", "Asia/Shanghai", "zh-CN"),
    "quinn": ("U_QUINN", "qa", "Europe/Berlin", "en-US"),
    "olga": ("U_OLGA", None, "America/New_York", "en-US"),
    "admin": ("U_ADMIN", None, "UTC", "en-US"),
}
LEADS = {"sales": "alice", "production": "pete", "qa": "quinn"}
CONFIG = Config(admins=frozenset({"U_ADMIN"}), default_tz="UTC")


def uid(name: str) -> str:
    return PEOPLE[name][0]


def seed(engine: Engine, clock: FixedClock) -> None:
    with unit_of_work(engine) as session:
        ids = {}
        for dept, lead in LEADS.items():
            row = Department(
                name=dept, lead_id=uid(lead), channel_id=f"C_{dept.upper()}", sla_hours=4, created_at=clock()
            )
            session.add(row)
            session.flush()
            ids[dept] = row.id
        for name, (user_id, dept, tz, locale) in PEOPLE.items():
            session.add(
                Member(
                    user_id=user_id,
                    name=name,
                    department_id=ids.get(dept) if dept else None,
                    tz=tz,
                    locale=locale,
                    profile_checked_at=clock(),
                )
            )


class Driver:
    """Types `/task …` as a person, through the same runner the adapters use."""

    def __init__(self, engine: Engine, clock: FixedClock, channel: str = "C_GENERAL") -> None:
        self.engine = engine
        self.clock = clock
        self.channel = channel

    def __call__(self, who: str, text: str) -> Outcome:
        runner = Runner(self.engine, CONFIG, self.clock)
        return runner.task(runner.identify(uid(who), who), text, Here(channel_id=self.channel))

    def ok(self, who: str, text: str) -> Outcome:
        outcome = self(who, text)
        assert outcome.ok, f"{who}: /task {text} was refused: {outcome.reply.text}"
        return outcome

    def refused(self, who: str, text: str, key: str) -> Outcome:
        before = counts(self.engine)
        outcome = self(who, text)
        assert not outcome.ok, f"{who}: /task {text} should have been refused"
        assert outcome.reply.text is not None and outcome.reply.text.key == key, outcome.reply.text
        assert counts(self.engine) == before, "a refused command changed the database"
        return outcome

    def task(self, task_id: int) -> Task:
        with Session(self.engine) as session:
            task = session.get(Task, task_id)
            assert task is not None
            return task

    def events(self, task_id: int) -> list[tuple[str, str, str | None]]:
        with Session(self.engine) as session:
            rows = session.exec(
                select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
            ).all()
            return [(e.action, e.actor_id, e.to_value) for e in rows]

    def outbox(self) -> list[tuple[str, str, str]]:
        """(kind, recipient, event) of every queued message, oldest first."""
        with Session(self.engine) as session:
            rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            return [(r.kind, r.recipient, r.event) for r in rows]

    def dms(self) -> list[tuple[str, str]]:
        return [(recipient, event) for kind, recipient, event in self.outbox() if kind == "dm"]

    def clear_outbox(self) -> None:
        with unit_of_work(self.engine) as session:
            for row in session.exec(select(OutboxMessage)).all():
                session.delete(row)


def counts(engine: Engine) -> dict[str, int]:
    tables = [Task, TaskEvent, OutboxMessage, TaskWatcher, TaskDependency, TaskMessage, Department]
    with Session(engine) as session:
        result = {t.__name__: int(session.exec(select(func.count()).select_from(t)).one()) for t in tables}
        result["members_in_depts"] = int(
            session.exec(
                select(func.count()).select_from(Member).where(Member.department_id.is_not(None))
            ).one()  # type: ignore[union-attr]
        )
        return result
