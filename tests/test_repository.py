"""What a clone of the repository gives a newcomer: its licence, its test data, a quiet test run, a README
that gets them started."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_slack_manifest_schema_lives_in_the_repository_with_its_licence() -> None:
    data = ROOT / "tests" / "data"
    assert (data / "manifest.schema.1.0.0.json").is_file()
    assert "MIT License" in (data / "LICENSE.manifest-schema").read_text(encoding="utf-8")


def test_pyproject_declares_an_spdx_licence_with_a_setuptools_that_reads_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    requires = project["build-system"]["requires"]
    # Setuptools reads an SPDX expression from 77 on; older ones warn or fail.
    assert any(
        re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", r) and int(r.split(">=")[1].split(".")[0]) >= 77
        for r in requires
    )
    assert (ROOT / "LICENSE").is_file()
    packages = set(project["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("bot", "handlers", "storage", "scheduler")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk <= packages, f"packages missing from pyproject.toml: {on_disk - packages}"


def test_without_postgresql_the_run_prints_one_skip_line_for_it() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_reminder_marks.py",
            "tests/test_replicas.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped
    count = int(re.search(r"SKIPPED \[(\d+)\]", skipped[0]).group(1))  # type: ignore[union-attr]
    assert count >= 4 and "TEST_DATABASE_URL=postgresql+psycopg://" in skipped[0]


def test_the_readme_gets_a_newcomer_started() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The two commands set up a virtual environment themselves (dev.py), and say how to enter it.
    assert "python3 dev.py run" in readme and "python3 dev.py test" in readme
    assert ".venv" in readme and "activate" in readme
    assert "/task dept add" in readme and "/task member" in readme
    assert re.search(r"pip install -e '\.\[[a-z,]*postgres[a-z,]*\]'", readme)
    assert "TEST_DATABASE_URL=" in readme


def test_dev_py_runs_the_bot_on_a_configured_platform_else_the_demo_console(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    monkeypatch.chdir(tmp_path)
    for name in dev.PLATFORM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert not dev.platform_configured()
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=\nFEISHU_APP_ID=cli_a1\n")
    assert dev.platform_configured()
    (tmp_path / ".env").write_text("# nothing yet\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert dev.platform_configured()
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()
