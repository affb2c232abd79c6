"""The shape the brief fixes: handlers/ knows no chat platform, SQL lives in storage/, each layer imports
only those below it, and nothing happens at import."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "lark_oapi")
SQL_CALL = re.compile(r"(?<![\w.])select\(|\bsession\.(exec|execute|query)\b|\.connection\(\)\.execute\b")

# No exceptions: every file outside storage/ asks storage/ for what it needs.
SQL_OUTSIDE_STORAGE_FOR_NOW: set[str] = set()
IMPORTS_BOT_FOR_NOW: set[str] = set()


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_check_itself_catches_a_platform_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from slack_sdk import WebClient\nimport slack_bolt.app\nimport lark_oapi\n")
    assert {"slack_sdk", "slack_bolt.app", "lark_oapi"} <= imported_modules(sample)


def test_importing_every_module_creates_no_app_and_opens_no_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for package in ("handlers", "storage", "scheduler", "bot"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if info.name.startswith("storage.migrations"):
                continue  # Alembic's env.py runs only inside Alembic
            importlib.import_module(info.name)
    assert list(tmp_path.iterdir()) == [], "importing Baton created files (a database?)"


def test_the_brain_and_storage_do_not_reach_into_the_layers_above_them() -> None:
    above = {"handlers": ("bot", "scheduler"), "storage": ("bot", "scheduler", "handlers")}
    offenders = {}
    for folder, forbidden in above.items():
        for f in (ROOT / folder).rglob("*.py"):
            bad = sorted(m for m in imported_modules(f) if m.split(".")[0] in forbidden)
            if bad:
                offenders[str(f.relative_to(ROOT))] = bad
    assert offenders == {}


def sql_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if SQL_CALL.search(line)]


def test_sql_lives_in_storage_only() -> None:
    found = {
        str(f.relative_to(ROOT)): sql_lines(f)
        for folder in ("handlers", "bot", "scheduler")
        for f in sorted((ROOT / folder).rglob("*.py"))
    }
    offenders = {f: lines for f, lines in found.items() if lines and f not in SQL_OUTSIDE_STORAGE_FOR_NOW}
    assert offenders == {}, "move these queries into a storage/ module as keyword-only functions"
    cleared = sorted(f for f in SQL_OUTSIDE_STORAGE_FOR_NOW if not found.get(f))
    assert cleared == [], "no SQL left here: take these files off SQL_OUTSIDE_STORAGE_FOR_NOW"


def test_the_sql_check_catches_queries_and_spares_look_alikes(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text(
        "rows = session.exec(select(Task)).all()\n"
        "ctx.session.query(Member)\n"
        "self.session.execute(stmt)\n"
        "session.connection().execute(stmt)\n"
        'kind = "static_select"\n'
        "users_select(x)\n"
        "session.get(Task, 1)\n"
    )
    assert len(sql_lines(sample)) == 4


def test_nothing_below_bot_imports_bot_or_a_chat_platform() -> None:
    offenders = {}
    for folder in ("handlers", "storage", "scheduler"):
        for f in sorted((ROOT / folder).rglob("*.py")):
            name = str(f.relative_to(ROOT))
            bad = sorted(
                m
                for m in imported_modules(f)
                if m.split(".")[0] in PLATFORM_LIBRARIES
                or (m.split(".")[0] == "bot" and name not in IMPORTS_BOT_FOR_NOW)
            )
            if bad:
                offenders[name] = bad
    assert offenders == {}
    still = sorted(
        f
        for f in IMPORTS_BOT_FOR_NOW
        if (ROOT / f).exists() and any(m.split(".")[0] == "bot" for m in imported_modules(ROOT / f))
    )
    assert still == sorted(IMPORTS_BOT_FOR_NOW), (
        "scheduler/ no longer imports bot/: empty IMPORTS_BOT_FOR_NOW"
    )


SYNTAX_PENDING: set[str] = set()
PLATFORM_SYNTAX = ("<@", "<#", "<!", "thread_ts", "&lt;", "Slack")


def platform_syntax_in(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [s for s in PLATFORM_SYNTAX if s in text]


def test_handlers_hold_no_chat_platform_syntax_or_words() -> None:
    offenders = {
        f.name: found
        for f in sorted((ROOT / "handlers").rglob("*.py"))
        if f.name not in SYNTAX_PENDING and (found := platform_syntax_in(f))
    }
    assert offenders == {}


def test_the_syntax_check_itself_catches_a_mention(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text('MENTION = "<@U1>"  # from Slack\n')
    assert platform_syntax_in(sample) == ["<@", "Slack"]
