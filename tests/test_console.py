"""`baton console`, driven like a user: type lines, read what the bot would send."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.console import Console
from bot.settings import Settings
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


def test_the_clock_moves_with_tick(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, out = console(tmp_path)
    text = type_lines(c, out, "tick +2h", "tick 2026-11-23T09:30+08:00", "tick sometime")
    assert "Clock: 2026-11-18 04:00 UTC" in text
    assert "Clock: 2026-11-23 01:30 UTC" in text
    assert "Write `tick`" in text


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
