"""The README's two commands: `python3 dev.py run` and `python3 dev.py test`.

Each sets up what a fresh machine needs on first use — a virtual environment in `.venv` with Baton
installed (again whenever pyproject.toml changes) — then runs the bot or the tests in it. Only the
standard library is used here, so Python 3.11 is all a machine needs (no make, no uv).

    python3 dev.py run [args]    `baton run` when a chat platform is configured, else `baton console --demo`
    python3 dev.py test [args]   ruff, then pytest (PostgreSQL too when TEST_DATABASE_URL is set)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
EXTRAS = {"run": "postgres", "test": "dev,postgres"}
PLATFORM_VARIABLES = ("SLACK_BOT_TOKEN", "FEISHU_APP_ID")


def python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed(extras: str) -> None:
    """Create the environment and install Baton once, and again when its dependencies change."""
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not python().exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print(f"Installing Baton with [{extras}] into .venv …", flush=True)
    quiet = ["--quiet"] if os.environ.get("CI") else []
    subprocess.run([python(), "-m", "pip", "install", *quiet, "--upgrade", "pip"], check=True)
    subprocess.run([python(), "-m", "pip", "install", *quiet, "-e", f".[{extras}]"], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def platform_configured() -> bool:
    """A Slack or Feishu credential in the environment or in ./.env."""
    if any(os.environ.get(name) for name in PLATFORM_VARIABLES):
        return True
    env_file = Path.cwd() / ".env"
    if not env_file.exists():
        return False
    for line in env_file.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() in PLATFORM_VARIABLES and value.strip():
            return True
    return False


def run(args: list[str]) -> int:
    ensure_installed(EXTRAS["run"])
    command = ["run", *args] if platform_configured() else ["console", "--demo", *args]
    return subprocess.run([python(), "-m", "bot.cli", *command], cwd=Path.cwd()).returncode


def test(args: list[str]) -> int:
    ensure_installed(EXTRAS["test"])
    lint = subprocess.run([python(), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint.returncode != 0:
        return lint.returncode
    return subprocess.run([python(), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    what, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if what == "run":
        return run(rest)
    if what == "test":
        return test(rest)
    print(__doc__.split("\n\n")[-1].rstrip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
