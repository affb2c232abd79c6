"""`baton console`: the same bot in a terminal. Type as a person, see what the bot would send."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timedelta
from typing import TextIO

from sqlmodel import Session

from bot import demo
from bot.app import Baton, create_local
from bot.settings import Settings
from bot.text_render import notice_lines, reply_lines, task_lines
from handlers.clock import Clock, FixedClock
from handlers.format import fill, instant, stats_lines
from handlers.i18n import t
from handlers.notices import digest, notice, overdue_tasks, standup_of
from handlers.people import reader_locale, zone
from handlers.ports import Skip, Undeliverable
from handlers.runner import Here, Runner
from handlers.standups import summary as standup_summary
from handlers.views import people_in, task_view
from scheduler.sweep import sweep
from storage import outbox, queries
from storage.db import unit_of_work
from storage.models import Member, OutboxMessage, Standup, StandupAnswer, StandupRun, Task

CONSOLE_USER = "U_CONSOLE"
TICK_STEP = timedelta(minutes=15)
MAX_STEPPED = timedelta(days=31)
HELP = """Type what you would type in Slack, e.g. `/task new Check the seals @pete due:friday`.
  as @name          speak as someone else (`who` lists people)
  in #channel       the channel you are typing in (default #general)
  /standup …        stand-ups, e.g. `/standup setup at 09:30`, `/standup answer done | planned | blockers`
  tick [+2h|ISO]    move the clock and run what is due (`tick` alone: now)
  who               people and departments
  quit              leave (Ctrl-D works too)"""


class ConsoleSender:
    """Delivers outbox rows by printing them, as Slack would show them."""

    def __init__(self, out: TextIO, default_tz: str, now: Clock) -> None:
        self.out = out
        self.default_tz = default_tz
        self.now = now
        self.viewer_tz: str | None = None  # the console has one reader: cards show in their zone

    def send(self, session: Session, row: OutboxMessage) -> None:
        if row.kind == "card":
            task = session.get(Task, row.task_id)
            if task is None:
                raise Undeliverable("task no longer exists")
            assert task.id is not None
            updated = (
                outbox.card_location(session=session, task_id=task.id, channel=row.recipient) is not None
            )
            view = task_view(session, task, with_history=False)
            names = queries.member_names(session=session, user_ids=people_in([view]))
            label = "card updated" if updated else "card"
            lines = task_lines(view, names, "en", zone(self.viewer_tz, self.default_tz))
            self._print(f"[{row.recipient}] {label}", lines)
            outbox.remember_card(session=session, task_id=task.id, channel=row.recipient, ts=str(row.id))
            return
        if row.kind == "post":
            self._post(session, row)
            return
        if row.kind not in ("dm", "refresh", "ephemeral", "home"):
            raise Undeliverable(f"the console cannot show {row.kind}")
        if row.kind != "dm":
            return  # the console has no home tab or pressed messages to redraw
        person = session.get(Member, row.recipient)
        locale = reader_locale(person)
        tz = zone(person.tz if person else None, self.default_tz)
        if row.event == "standup_prompt":
            run = session.get(StandupRun, json.loads(row.data or "{}").get("run_id"))
            standup = session.get(Standup, run.standup_id) if run else None
            if run is None or standup is None or run.closed:
                raise Skip()
            lines = [
                t(locale, "standup_prompt", channel=standup.channel_id),
                t(locale, "standup_prompt_console"),
            ]
            self._print(f"[DM → @{person.name if person else row.recipient}]", lines)
            return
        if row.event == "overdue":
            views = overdue_tasks(session, row, now=self.now())
            if not views:
                raise Skip()
            lines = [t(locale, "n_overdue", count=len(views))]
            lines += [
                f"T-{v.id} {v.title} ({instant(v.due_at, tz=tz, locale=locale) if v.due_at else ''})"
                for v in views
            ]
            self._print(f"[DM → @{person.name if person else row.recipient}]", lines)
            return
        text, view = notice(session, row, locale=locale)
        names = queries.member_names(session=session, user_ids=people_in([view]) if view else [])
        who = person.name if person else row.recipient
        self._print(f"[DM → @{who}]", notice_lines(text, view, names, locale=locale, tz=tz, note=row.note))

    def _standup(self, session: Session, row: OutboxMessage) -> None:
        data = json.loads(row.data or "{}")
        found = standup_of(session, row)
        if found is None:
            raise Skip()  # the stand-up was removed meanwhile: nothing left to say
        run, standup = found
        locale = reader_locale(session.get(Member, standup.created_by))
        if row.event == "standup_open":
            run.thread_ts = f"console-{row.id}"
            opening = t(locale, "standup_open", day=run.day, close=standup.close_time).replace("*", "")
            self._print(f"[{row.recipient}]", [opening])
            return
        head = f"[{row.recipient} › stand-up {run.day}]"
        if row.event == "standup_summary":
            found = standup_summary(session, run)
            names = queries.member_names(
                session=session,
                user_ids=[*found.answered, *found.missing, *found.away, *(b.user_id for b in found.blockers)],
            )

            def who(users: tuple[str, ...]) -> str:
                return ", ".join("@" + names.get(u, u) for u in users)

            total = len(found.answered) + len(found.missing)
            lines = [
                t(locale, "standup_summary", day=run.day, count=len(found.answered), total=total).replace(
                    "*", ""
                )
            ]
            if found.missing:
                lines.append(t(locale, "standup_missing_list", names=who(found.missing)))
            if found.away:
                lines.append(t(locale, "standup_away_list", names=who(found.away)))
            for b in found.blockers:
                target = f" → #{b.unblock_dept}" if b.unblock_dept else ""
                lines.append(
                    t(locale, "standup_blocker_line", name=names.get(b.user_id, b.user_id), text=b.text)
                    + target
                )
            self._print(head, lines)
            return
        answer = session.get(StandupAnswer, (run.id, data.get("user_id")))
        if answer is None:
            raise Skip()
        name = queries.member_names(session=session, user_ids=[answer.user_id]).get(answer.user_id, "")
        text = t(
            locale,
            "standup_answer_post",
            name=name,
            done=answer.done or "—",
            planned=answer.planned or "—",
            blockers=answer.blockers or "—",
        )
        self._print(head, text.replace("*", "").splitlines())

    def _post(self, session: Session, row: OutboxMessage) -> None:
        if row.event.startswith("standup_"):
            self._standup(session, row)
            return
        locale = "en"
        if row.event == "digest":
            stats = digest(session, row, now=self.now(), default_tz=self.default_tz)
            if stats is None:
                raise Skip()
            title = t(
                locale, "n_digest", dept=stats.dept, start=stats.start.isoformat(), end=stats.end.isoformat()
            )
            self._print(f"[{row.recipient}]", [title.replace("*", ""), *stats_lines(stats, locale=locale)])
            return
        text, _view = notice(session, row, locale=locale)
        self._print(f"[{row.recipient}]", [fill(text, locale=locale, tz=zone(None, self.default_tz))])

    def _print(self, head: str, lines: list[str]) -> None:
        print(f"  {head} {lines[0]}", file=self.out)
        for line in lines[1:]:
            print(f"  {' ' * len(head)} {line.strip()}", file=self.out)


class Console:
    def __init__(self, settings: Settings, *, out: TextIO = sys.stdout, now: datetime | None = None) -> None:
        self.out = out
        self.clock = FixedClock(now or datetime.now().astimezone())
        self.sender = ConsoleSender(out, settings.baton_timezone, self.clock)
        self.baton: Baton = create_local(settings, self.sender, clock=self.clock)
        self.config = self.baton.config
        self.user_id = CONSOLE_USER
        self.channel = "#general"

    def seed(self, *, demo_company: bool) -> None:
        with unit_of_work(self.baton.engine) as session:
            if demo_company:
                if demo.seed(session, now=self.clock()):
                    self.say(
                        "Seeded a demo company: " + ", ".join(f"#{d[0]} (lead @{d[1]})" for d in demo.COMPANY)
                    )
                self.user_id = demo.user_id(demo.ADMIN)
            elif session.get(Member, CONSOLE_USER) is None:
                session.add(Member(user_id=CONSOLE_USER, name="you", is_admin=True))

    def say(self, line: str) -> None:
        print(line, file=self.out)

    def prompt(self) -> str:
        with unit_of_work(self.baton.engine) as session:
            me = session.get(Member, self.user_id)
        return (
            f"{self.clock().astimezone(zone(me.tz if me else None, self.config.default_tz)):%a %H:%M} "
            f"@{me.name if me else self.user_id} {self.channel}> "
        )

    def handle(self, line: str) -> bool:
        """Run one line; False means leave."""
        line = line.strip()
        if not line:
            return True
        if line in ("quit", "exit", "q"):
            return False
        if line in ("help", "?"):
            self.say(HELP)
        elif line == "who":
            self._who()
        elif m := re.fullmatch(r"as\s+@?([\w.\-]+)", line):
            self._become(m[1])
        elif m := re.fullmatch(r"in\s+#?([\w\-]+)", line):
            self.channel = f"#{m[1].lower()}"
        elif m := re.fullmatch(r"tick(?:\s+(\S+))?", line):
            self._tick(m[1])
        elif line.startswith("/task"):
            self._task(line[len("/task") :].strip())
        elif line.startswith("/standup"):
            self._task(line[len("/standup") :].strip(), standup=True)
        else:
            self.say("I don't know that. Type `help`.")
        return True

    def _task(self, text: str, *, standup: bool = False) -> None:
        runner = Runner(self.baton.engine, self.config, self.clock)
        actor = runner.identify(self.user_id)
        here = Here(channel_id=self.channel, conversation="channel")  # the console's rooms are channels
        outcome = (runner.standup if standup else runner.task)(actor, text, here)
        self.sender.viewer_tz = outcome.tz.key
        for i, reply_line in enumerate(reply_lines(outcome.reply, locale=outcome.locale, tz=outcome.tz)):
            self.say(("(only you) " if i == 0 else "           ") + reply_line)
        self.baton.worker.deliver_due()

    def _become(self, name: str) -> None:
        with unit_of_work(self.baton.engine) as session:
            found = queries.members_named(session=session, name=name)
        if not found:
            self.say(f"No one is called @{name}. Type `who`.")
            return
        self.user_id = found[0].user_id

    def _who(self) -> None:
        with unit_of_work(self.baton.engine) as session:
            depts = {d.id: d.name for d in queries.departments(session=session)}
            for m in session.query(Member).order_by(Member.name).all():
                where = f"#{depts[m.department_id]}" if m.department_id in depts else "(no department)"
                admin = " admin" if m.is_admin or m.user_id in self.config.admins else ""
                self.say(f"  @{m.name} {where} {m.tz or self.config.default_tz}{admin}")

    def _tick(self, arg: str | None) -> None:
        """Move the clock forward, sweeping every 15 minutes on the way, as `baton run` would."""
        target = self.clock()
        if arg:
            if m := re.fullmatch(r"\+(\d+)([mhd])", arg):
                unit = {"m": "minutes", "h": "hours", "d": "days"}[m[2]]
                target = self.clock() + timedelta(**{unit: int(m[1])})
            else:
                try:
                    at = datetime.fromisoformat(arg)
                except ValueError:
                    self.say("Write `tick`, `tick +2h`, `tick +1d` or `tick 2026-11-23T09:30`.")
                    return
                target = at if at.tzinfo else at.replace(tzinfo=zone(None, self.config.default_tz))
        if target < self.clock():
            self.say("The clock only moves forward.")
            return
        step, at = TICK_STEP, self.clock()
        if target - at > MAX_STEPPED:
            at = target - MAX_STEPPED  # further than that, one catch-up sweep stands for the rest
        while True:
            at = min(at + step, target)
            self.clock.set(at)
            sweep(self.baton.engine, now=at, default_tz=self.config.default_tz)
            self.baton.worker.deliver_due()
            if at >= target:
                break
        self.say(f"Clock: {self.clock():%Y-%m-%d %H:%M} UTC")

    def run(self, stdin: TextIO = sys.stdin) -> None:
        self.say("Baton console. Type `help` for help, `quit` or Ctrl-D to leave.")
        interactive = stdin.isatty()
        while True:
            if interactive:
                try:
                    line = input(self.prompt())
                except EOFError:
                    break
            else:
                raw = stdin.readline()
                if not raw:
                    break
                line = raw
                self.say(self.prompt() + line.rstrip("\n"))
            if not self.handle(line):
                break
        self.baton.stop()
        self.say("Bye.")
