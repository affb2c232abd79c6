"""Texts people read: help that lists every command the parsers know, plurals, usage with the task's id,
blockers that name their department once."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from bot.slack.standup_render import summary_payload
from handlers import command_parser
from handlers.command_parser import _SUBCOMMANDS, parse_task_command
from handlers.errors import BatonError
from handlers.i18n import EN, ZH, t
from handlers.standup_commands import STANDUP_SUBCOMMANDS, parse_standup_command
from handlers.standup_runs import Blocker, StandupSummary

ROOT = Path(__file__).resolve().parent.parent
# Options of `/task dept add|set`, as its parser reads them.
DEPT_OPTIONS = ("lead", "channel", "sla", "tz", "country", "hours", "triage", "intake")


def documented(help_text: str, command: str) -> set[str]:
    """The words documented as `/<command> <word>` (or `/<command> a|b|c …`) in a help text."""
    words: set[str] = set()
    for span in re.findall(rf"`/{command} ([^`]*)`", help_text):
        words |= set(span.split(" ")[0].split("|"))
    return words


@pytest.mark.parametrize("catalogue", [EN, ZH], ids=["en", "zh"])
def test_task_help_lists_every_subcommand_the_parser_knows(catalogue: dict[str, str]) -> None:
    names_of: dict[object, list[str]] = defaultdict(list)
    for name, parser in _SUBCOMMANDS.items():
        names_of[parser].append(name)
    listed = documented(catalogue["help"], "task")
    missing = []
    for parser, names in names_of.items():
        english = [n for n in names if n.isascii()]
        if parser is command_parser._move:  # each move is its own command
            missing += [n for n in english if n not in listed]
        elif not set(english) & listed:  # aliases (add/create, ls) need one name listed
            missing.append("/".join(english))
    assert not missing, f"/task help does not list: {missing}"
    assert "notify" in listed  # `/task notify instant|daily <HH:MM>` (SPEC §5)
    dept_line = next(line for line in catalogue["help"].splitlines() if "/task dept add" in line)
    assert [o for o in DEPT_OPTIONS if not re.search(rf"\b{o} ", dept_line)] == []


def test_the_dept_options_in_the_test_are_the_parsers() -> None:
    source = (ROOT / "handlers" / "setting_parsers.py").read_text(encoding="utf-8")
    body = source[source.index("def _dept(") : source.index("def _member(")]
    assert set(re.findall(r'key (?:in \(|== )"(\w+)"', body)) == set(DEPT_OPTIONS)


@pytest.mark.parametrize("catalogue", [EN, ZH], ids=["en", "zh"])
def test_standup_help_lists_every_subcommand_the_parser_knows(catalogue: dict[str, str]) -> None:
    assert set(STANDUP_SUBCOMMANDS) <= documented(catalogue["standup_help"], "standup")


def test_the_standup_table_is_what_the_parser_knows() -> None:
    for sub in STANDUP_SUBCOMMANDS:
        try:
            parse_standup_command(sub)
        except BatonError as err:
            assert err.key != "standup_unknown", sub
    with pytest.raises(BatonError) as err:
        parse_standup_command("frobnicate")
    assert err.value.key == "standup_unknown"


def test_english_counts_one_and_many_and_chinese_reads_naturally() -> None:
    assert t("en", "n_overdue", count=1) == "You have 1 overdue task:"
    assert t("en", "n_overdue", count=3) == "You have 3 overdue tasks:"
    assert t("en", "handover_ok", count=1, from_name="a", to_name="b") == "Moved 1 open task from @a to @b."
    assert t("en", "handover_ok", count=2, from_name="a", to_name="b") == "Moved 2 open tasks from @a to @b."
    assert t("zh", "n_overdue", count=1) == "你有 1 个逾期任务："
    every_english_text = "\n".join(v for v in EN.values())
    assert "(s)" not in every_english_text and "task(s)" not in every_english_text
    assert t("en", "standup_add_ok", who="@paul", count=1) == "@paul now takes part."
    assert t("en", "standup_add_ok", who="@paul, @sam", count=2) == "@paul, @sam now take part."


def test_reopen_without_a_reason_shows_the_usage_with_that_tasks_id() -> None:
    with pytest.raises(BatonError) as err:
        parse_task_command("reopen 7")
    assert t("en", err.value.key, **err.value.params) == "Say why: `/task reopen T-7 <reason>`."
    assert "`/task reopen T-7 <原因>`" in t("zh", err.value.key, **err.value.params)


def test_a_blocker_that_names_its_department_names_it_once() -> None:
    summary = StandupSummary(
        run_id=1,
        channel_id="C1",
        day="2026-11-23",
        answered=("U_PAUL", "U_PIA"),
        missing=(),
        away=(),
        blockers=(
            Blocker("U_PAUL", "no resin from #procurement", None, "procurement"),
            Blocker("U_PIA", "waiting on the seals", None, "procurement"),
        ),
        open=False,
        closes="11:30",
    )
    text = str(summary_payload(summary, {"U_PAUL": "paul", "U_PIA": "pia"}, "en")["blocks"])
    assert text.count("#procurement") == 2  # once in paul's own words, once added to pia's
    assert "no resin from #procurement → #procurement" not in text
    assert "waiting on the seals → #procurement" in text
