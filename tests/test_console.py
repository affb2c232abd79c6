"""`baton console`, driven like a user: type lines, read what the bot would send."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.console import Console
from bot.settings import Settings
from scheduler.sweep import sweep
from storage.models import Task

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def console(tmp_path, demo: bool = True) -> tuple[Console, io.StringIO]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    from bot.cli import prepare_database

    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")  # type: ignore[call-arg]
    prepare_database(settings)
    c = Console(settings, out=out, now=NOW)
    c.seed(demo_company=demo)
    return c, out


def type_lines(c: Console, out: io.StringIO, *lines: str) -> str:
    start = out.tell()
    for line in lines:
        assert c.handle(line)
    out.seek(start)
    text = out.read()
    out.seek(0, io.SEEK_END)
    return text


def test_a_newcomer_runs_a_whole_task_life_and_sees_every_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, out = console(tmp_path)
    filed = type_lines(c, out, "/task new Check the seals on line 3 @pete due:friday !high")
    assert "(only you) Filed T-1 for @pete." in filed
    assert "[DM → @pete] @alice asked you to do T-1: Check the seals on line 3" in filed
    assert "[#general] card T-1 [high] Check the seals on line 3" in filed

    moves = type_lines(c, out, "as @pete", "/task ack 1", "/task start 1", "/task done 1 both replaced")
    assert "[DM → @alice] @pete acknowledged T-1" in moves
    assert "[#general] card updated T-1" in moves
    assert "[DM → @alice] @pete finished T-1" in moves and "Note: both replaced" in moves

    closed = type_lines(c, out, "as @alice", "/task verify 1", "/task show 1")
    assert "[DM → @pete] @alice verified T-1" in closed
    assert "Status: verified" in closed
    with Session(c.baton.engine) as session:
        task = session.exec(select(Task)).one()
        assert task.status == "verified"


def test_refusals_are_private_and_speak_the_users_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, out = console(tmp_path)
    text = type_lines(c, out, "/task new Something", "as @qiang", "/task ack 7", "as @nobody", "frobnicate")
    assert "(only you) Who should do it?" in text
    assert "(only you) 没有任务 T-7。" in text
    assert "No one is called @nobody" in text
    assert "I don't know that. Type `help`." in text


def test_the_clock_moves_with_tick_and_shows_its_zone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, out = console(tmp_path)  # the demo's admin, alice, works in Shanghai
    text = type_lines(c, out, "tick +2h", "tick 2026-11-23T09:30+08:00", "tick sometime")
    assert "Clock: Wed 2026-11-18 12:00 Asia/Shanghai" in text
    assert "Clock: Mon 2026-11-23 09:30 Asia/Shanghai" in text
    assert c.prompt().startswith("Mon 09:30 Asia/Shanghai @alice")  # the same clock, the same zone
    assert "Write `tick`" in text


def test_the_console_remembers_its_clock_across_restarts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, out = console(tmp_path)
    type_lines(c, out, "tick +400d")
    later = c.clock()
    c.baton.stop()
    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")  # type: ignore[call-arg]
    again = Console(settings, out=io.StringIO())  # no clock given: it carries on where it was
    assert again.clock() == later
    again.baton.stop()


def test_a_long_tick_jumps_between_due_instants_and_sends_what_quarter_hours_would(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = [
        "/task new Check the seals @pete due:friday !high",
        "/task new Order resin #procurement due:tomorrow",
        "as @pete",
        "/standup setup at 09:30",
        "/standup add @paul @pia",
    ]
    (tmp_path / "jump").mkdir()
    (tmp_path / "step").mkdir()
    jumping, out = console(tmp_path / "jump")
    type_lines(jumping, out, *script)
    text = type_lines(jumping, out, "tick +10d")
    assert jumping.sweeps < 200  # not 960 quarter hours
    assert "(50%)" in text  # a long jump says how far it has got

    stepping, out2 = console(tmp_path / "step")
    type_lines(stepping, out2, *script)
    start = out2.tell()
    at = stepping.clock()
    while at < NOW + timedelta(days=10):
        at += timedelta(minutes=15)
        stepping.clock.set(at)
        sweep(stepping.baton.engine, now=at, default_tz="UTC")
        stepping.deliver()
    out2.seek(start)

    def said(lines: str) -> list[str]:
        return [line for line in lines.splitlines() if not line.startswith(("  …", "Clock:"))]

    assert said(text) == said(out2.read())
    assert "[DM → @pete] You have 1 overdue task" in text and "[#general] Stand-up for" in text


def test_the_baton_command_runs_the_console_and_leaves_on_eof(tmp_path) -> None:  # type: ignore[no-untyped-def]
    exe = shutil.which("baton")
    command = [exe] if exe else [sys.executable, "-m", "bot.cli"]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": root}
    env.pop("SLACK_BOT_TOKEN", None)
    result = subprocess.run(
        [*command, "console", "--demo"],
        input="/task new Order resin #procurement\n/task list all\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Seeded a demo company" in result.stdout
    assert "Filed T-1 for @rita." in result.stdout
    assert "T-1 [normal] Order resin" in result.stdout
    assert result.stdout.rstrip().endswith("Bye.")


def test_a_real_console_prints_each_command_in_one_stable_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ten runs of the real command with piped input: the same output every time, the speaker's reply
    first, then channel cards, then direct messages, and no log lines in the conversation."""
    exe = shutil.which("baton")
    command = [exe] if exe else [sys.executable, "-m", "bot.cli"]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    typed = "/task new Check the seals @pete due:friday\nas @pete\n/task ack 1\n/task done 1 replaced\n"
    outputs = []
    for run in range(10):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / f'run{run}.db'}", "PYTHONPATH": root}
        env.pop("SLACK_BOT_TOKEN", None)
        result = subprocess.run(
            [*command, "console", "--demo"],
            input=typed,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd=tmp_path,
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr
        # The clock starts at the wall clock's time: leave it out of the comparison.
        lines = [re.sub(r"^\w{3} \d\d:\d\d \S+ @", "@", line) for line in result.stdout.splitlines()]
        outputs.append([line for line in lines if not line.startswith("Clock:")])
    assert all(o == outputs[0] for o in outputs), [o for o in outputs if o != outputs[0]][:1]
    done = outputs[0][next(i for i, line in enumerate(outputs[0]) if line.endswith("done 1 replaced")) :]
    heads = [line.split("]")[0] + "]" for line in done[1:] if line.lstrip().startswith(("(only you)", "["))]
    assert heads[0].startswith("(only you)") and heads[1:] == ["  [#general]", "  [DM → @alice]"]
    assert not any("INFO" in line or "baton.scheduler" in line for line in outputs[0])
