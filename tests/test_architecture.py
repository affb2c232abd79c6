"""The shape the brief fixes: handlers/ knows no chat platform; nothing happens at import."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_file_in_handlers_imports_a_chat_platform() -> None:
    files = sorted((ROOT / "handlers").rglob("*.py"))
    assert files, "handlers/ should hold the brain"
    offenders = {
        str(f.relative_to(ROOT)): sorted(
            m for m in imported_modules(f) if m.split(".")[0] in PLATFORM_LIBRARIES
        )
        for f in files
    }
    assert {f: m for f, m in offenders.items() if m} == {}


def test_the_check_itself_catches_a_platform_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from slack_sdk import WebClient\nimport slack_bolt.app\n")
    assert {"slack_sdk", "slack_bolt.app"} <= imported_modules(sample)


def test_storage_and_scheduler_do_not_import_slack_either() -> None:
    for folder in ("storage", "scheduler"):
        for f in (ROOT / folder).rglob("*.py"):
            assert not any(m.split(".")[0] in PLATFORM_LIBRARIES for m in imported_modules(f)), f


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


# Files the lead is rewriting in the same change (outgoing messages); they join this check when done.
SYNTAX_PENDING = {"notify.py", "notices.py", "surfaces.py"}
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
