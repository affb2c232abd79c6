"""`baton console`: the same bot in a terminal. Type as a person, see what the bot would send."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from typing import TextIO

from bot import demo
from bot.app import Baton, create_local
from bot.console_sender import ConsoleSender
from bot.settings import Settings
from bot.text_render import reply_lines
from handlers.clock import FixedClock
from handlers.next_due import next_instant
from handlers.people import zone
from handlers.runner import Here, Runner
from scheduler.sweep import sweep
from storage import people as queries  # members and departments
from storage import settings as settings_store
from storage.db import unit_of_work
from storage.models import Member

CONSOLE_USER = "U_CONSOLE"
CLOCK_KEY = "console_clock"
PROGRESS_FROM = timedelta(days=2)  # a longer jump says how far it has got
HELP = """Type what you would type in Slack, e.g. `/task new Check the seals @pete due:friday`.
  as @name          speak as someone else (`who` lists people)
  in #channel       the channel you are typing in (default #general)
  /standup …        stand-ups, e.g. `/standup setup at 09:30`, `/standup answer done | planned | blockers`
  tick [+2h|ISO]    move the clock and run what is due (`tick` alone: now)
  who               people and departments
  quit              leave (Ctrl-D works too)"""


class Console:
    def __init__(self, settings: Settings, *, out: TextIO = sys.stdout, now: datetime | None = None) -> None:
        self.out = out
        self.clock = FixedClock(now or datetime.now().astimezone())
        self.sender = ConsoleSender(out)
        # One lane: a terminal shows one conversation, in the order things were decided.
        self.baton: Baton = create_local(settings, self.sender, clock=self.clock, lanes=1)
        self.config = self.baton.config
        self.sweeps = 0  # in the last `tick`
        if now is None:
            self._resume_clock()
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
        return f"{self.clock_text(short=True)} @{self._me_name()} {self.channel}> "

    def clock_text(self, *, short: bool = False) -> str:
        """The simulated time in the speaker's zone, with the zone's name: the same in every place."""
        with unit_of_work(self.baton.engine) as session:
            me = session.get(Member, self.user_id)
            tz = zone(me.tz if me else None, self.config.default_tz)
        local = self.clock().astimezone(tz)
        return f"{local:%a %H:%M} {tz.key}" if short else f"{local:%a %Y-%m-%d %H:%M} {tz.key}"

    def _me_name(self) -> str:
        with unit_of_work(self.baton.engine) as session:
            me = session.get(Member, self.user_id)
            return me.name if me else self.user_id

    def _resume_clock(self) -> None:
        """The simulated clock carries on where the last session left it (never behind real time)."""
        with unit_of_work(self.baton.engine) as session:
            saved = settings_store.get_value(session=session, key=CLOCK_KEY)
        if saved is not None:
            self.clock.set(max(self.clock(), datetime.fromisoformat(saved)))

    def _save_clock(self) -> None:
        with unit_of_work(self.baton.engine) as session:
            settings_store.set_value(session=session, key=CLOCK_KEY, value=self.clock().isoformat())

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
        self.deliver()

    def deliver(self) -> None:
        self.baton.worker.deliver_due()
        self.sender.flush()

    def _become(self, name: str) -> None:
        with unit_of_work(self.baton.engine) as session:
            found = queries.members_named(session=session, name=name)
        if not found:
            self.say(f"No one is called @{name}. Type `who`.")
            return
        self.user_id = found[0].user_id

    def _who(self) -> None:
        with unit_of_work(self.baton.engine) as session:
            all_depts = queries.departments(session=session)
            depts = {d.id: d.name for d in all_depts}
            leads: dict[str, list[str]] = {}
            for d in all_depts:
                leads.setdefault(d.lead_id, []).append(f"#{d.name}")
            for m in queries.members(session=session):
                where = f"#{depts[m.department_id]}" if m.department_id in depts else "(no department)"
                lead = f" lead of {', '.join(leads[m.user_id])}" if m.user_id in leads else ""
                admin = " admin" if m.is_admin or m.user_id in self.config.admins else ""
                self.say(f"  @{m.name} {where} {m.tz or self.config.default_tz}{lead}{admin}")

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
        self._advance(target)
        self._save_clock()
        self.say(f"Clock: {self.clock_text()}")

    def _advance(self, target: datetime) -> None:
        """Sweep at each instant something may fall due on the way, as `baton run` would have."""
        start, at, sweeps, shown = self.clock(), self.clock(), 0, 0
        span = (target - start).total_seconds() or 1.0
        while True:
            with unit_of_work(self.baton.engine) as session:
                at = next_instant(session, after=at, until=target, default_tz=self.config.default_tz)
            self.clock.set(at)
            sweep(self.baton.engine, now=at, default_tz=self.config.default_tz)
            self.deliver()
            sweeps += 1
            done = int(10 * (at - start).total_seconds() / span)
            if target - start > PROGRESS_FROM and done > shown and at < target:
                shown = done
                self.say(f"  … {self.clock_text()} ({done * 10}%)")
            if at >= target:
                break
        self.sweeps = sweeps

    def run(self, stdin: TextIO = sys.stdin) -> None:
        self.say("Baton console. Type `help` for help, `quit` or Ctrl-D to leave.")
        self.say(f"Clock: {self.clock_text()} (moves only when you type `tick`)")
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
