"""Where the time goes, for a target the bench missed: py-spy attached to a running process (`sample`),
pyinstrument's tree of an in-process run (`from_pyinstrument`), and SQL time inside a sweep tick
(`StatementClock`); each condensed to a few markdown lines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event

from bench.common import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent

# A frame's layer, by the start of its path once site-packages, the checkout and the standard library are
# stripped (py-spy and pyinstrument already print most paths that way). First match wins.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("HTTP server (uvicorn, h11, asyncio)", ("uvicorn/", "h11/", "asyncio/", "selectors.py", "socket.py")),
    ("Bolt (slack_bolt, slack_sdk)", ("slack_bolt/", "slack_sdk/")),
    ("Baton's Slack adapter (bot/)", ("bot/",)),
    ("Baton's handlers (handlers/)", ("handlers/",)),
    ("Baton's storage (storage/)", ("storage/",)),
    ("SQLAlchemy", ("sqlalchemy/", "sqlmodel/")),
    ("threads waiting (threading, concurrent.futures, queue)", ("threading.py", "concurrent/", "queue.py")),
    ("the bench itself (bench/, tests/: signing requests, the fake Slack)", ("bench/", "tests/")),
)
OWN = ("bot/", "handlers/", "storage/")
# Where a thread waiting for work sits: the innermost frame of its stack.
_PARKED = ("threading.py", "concurrent/futures/thread.py", "queue.py")
SHOWN = 8  # functions listed, by self share and by inclusive share

_PREFIXES = sorted(
    {str(ROOT) + "/"} | {p.rstrip("/") + "/" for p in sysconfig.get_paths().values() if p},
    key=len,
    reverse=True,
)
_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?)(?::\d+)?\)$")

Frame = tuple[str, str]  # (function, path as stripped)
T = TypeVar("T")


def short(path: str) -> str:
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _name(func: str, path: str) -> str:
    return f"{func.replace('.<locals>.', '.')} ({path})"


def layer(path: str) -> str:
    for name, starts in LAYERS:
        if path.startswith(starts):
            return name
    return "other"


def _borrowed(path: str) -> bool:
    """A C function (`<built-in>`), generated code (`<string>`) or the standard library: its time counts
    for the layer of whoever called it (urllib parsing a body for Bolt, sqlite3's commit for SQLAlchemy)."""
    return path.startswith("<") or path.split("/")[0].removesuffix(".py") in sys.stdlib_module_names


@dataclass
class Sampled:
    """Shares of samples (or of seconds, for pyinstrument): self time by layer and by function, and
    inclusive time by Baton's own functions. Self time is the innermost frame: py-spy sees Python frames
    only, so a thread inside a C call that released the GIL (a SQLite commit, a socket write) counts for
    the Python function that made the call (SQLAlchemy's `do_commit`, asyncio's transport), which is
    where that time is spent. A layer is the innermost frame's, or, for the standard library and C
    functions that have no layer of their own, their caller's."""

    total: float = 0.0
    layers: Counter[str] = field(default_factory=Counter)
    self_time: Counter[str] = field(default_factory=Counter)
    inclusive: Counter[str] = field(default_factory=Counter)
    links: set[tuple[str, str]] = field(default_factory=set)  # Baton's own caller → callee, for `_own`
    source: str = ""
    parked: float = 0.0  # samples of threads waiting for work, left out of every share

    def add(self, stack: list[Frame], weight: float) -> None:
        """One stack, outermost frame first. A thread parked waiting for work (a dispatcher thread on its
        queue, a checkpointer between rounds) is set aside: py-spy does not always see it as idle, and
        counted it made up a third of the samples, shrinking every share that matters."""
        if not stack or weight <= 0:
            return
        if stack[-1][1].startswith(_PARKED):
            self.parked += weight
            return
        self.total += weight
        self.self_time[_name(*stack[-1])] += weight
        found = "other"
        for _, path in reversed(stack):
            found = layer(path)
            if found != "other" or not _borrowed(path):
                break
        self.layers[found] += weight
        # bot/cli.py is the process's entry, under all the main thread does.
        own = [_name(f, p) for f, p in stack if p.startswith(OWN) and p != "bot/cli.py"]
        for key in set(own):  # once per stack: recursion
            self.inclusive[key] += weight
        self.links.update(zip(own, own[1:], strict=False))

    def _share(self, value: float) -> str:
        return f"{100 * value / self.total:.0f}%"

    def _hottest(self) -> str:
        return ", ".join(f"{name} {self._share(v)}" for name, v in self.self_time.most_common(SHOWN))

    def _own(self) -> str:
        """A caller and its callee whose shares are within a point of each other are one entry, `a = b`
        (a wrapper and what it wraps), so the list is not eight names for one path."""
        groups: list[tuple[list[str], float]] = []
        for name, v in self.inclusive.most_common():
            if v < 0.005 * self.total:
                break
            joined = next(
                (
                    g
                    for g in groups
                    if g[1] - v <= 0.01 * self.total
                    and any((m, name) in self.links or (name, m) in self.links for m in g[0])
                ),
                None,
            )
            if joined:
                joined[0].append(name)
            elif len(groups) < SHOWN:
                groups.append(([name], v))
        return ", ".join(f"{' = '.join(names)} {self._share(v)}" for names, v in groups)

    def lines(self) -> list[str]:
        if not self.total:
            return [f"- {self.source}: no samples"]
        layers = ", ".join(
            f"{name.split(' (')[0]} {self._share(v)}"
            for name, v in self.layers.most_common()
            if v >= 0.005 * self.total
        )
        return [
            f"- {self.source}",
            f"- layers (self): {layers}",
            f"- hottest (self): {self._hottest()}",
            f"- Baton's own (inclusive): {self._own() or 'none sampled'}",
        ]


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


_why_not = ""


def why_not() -> str:
    """Why the last `sample` returned None, for the caller's one line."""
    return _why_not


def sample(pid: int, seconds: float) -> Sampled | None:
    """py-spy on a running process for `seconds` (whole seconds, at least one), 200 samples a second, idle
    threads left out (py-spy's default). None when py-spy is missing or cannot attach: see `why_not()`."""
    global _why_not
    exe = py_spy()
    if exe is None:
        _why_not = "py-spy not installed (pip install py-spy): no profile"
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "raw.txt"
        duration = str(max(1, round(seconds)))
        run = subprocess.run(
            [exe, "record", "--format", "raw", "-r", "200", "-d", duration, "-p", str(pid), "-o", str(out)],
            capture_output=True,
            text=True,
        )
        if run.returncode or not out.exists():
            detail = (run.stderr.strip().splitlines() or ["no output"])[0]
            _why_not = f"py-spy could not attach to {pid}: {detail}"
            return None
        raw = out.read_text()
    sampled = Sampled(source=f"py-spy, pid {pid}, {duration} s at 200 Hz, busy threads")
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for text in stack.split(";"):
            m = _FRAME.match(text)
            frames.append((m["func"], short(m["path"])) if m else (text, ""))
        sampled.add(frames, int(count))
    sampled.source += (
        f": {int(sampled.total)} samples ({int(sampled.parked)} of threads waiting for work left out)"
    )
    return sampled


def from_pyinstrument(root: Any) -> Sampled:
    """pyinstrument's frame tree (`session.root_frame()`) as stacks weighted by self seconds."""
    sampled = Sampled(source=f"pyinstrument (wall time), {root.time:.2f} s" if root else "pyinstrument")
    todo: list[tuple[Any, list[Frame]]] = [(root, [])] if root else []
    while todo:
        frame, above = todo.pop()
        func = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
        stack = [*above, (func, short(frame.file_path_short or frame.file_path or ""))]
        sampled.add(stack, frame.total_self_time)
        todo += [(child, stack) for child in frame.children if not child.is_synthetic]
    return sampled


def profiled(pid: int, seconds: float, work: Callable[[], T]) -> tuple[T, Sampled | None, float]:
    """`work` (a load run of `seconds`) with py-spy on `pid` meanwhile: its result, the profile, and the CPU
    seconds `pid` used over the run."""
    import threading

    found: list[Sampled | None] = []
    sampler = threading.Thread(target=lambda: found.append(sample(pid, seconds)))
    before = cpu_seconds(pid)
    sampler.start()
    time.sleep(0.2)  # py-spy attaches first, so the samples fall inside the load
    result = work()
    used = cpu_seconds(pid) - before
    sampler.join()
    return result, found[0], used


class StatementClock:
    """Statements and the time spent in them on one engine, per tick: `reset` before each, `lines` after.
    Two `perf_counter` calls per statement, so measuring every tick costs nothing seen. What it cannot
    see: SQLite computes a query's rows after the first while they are fetched, after
    `after_cursor_execute`, so that time counts as outside SQL. (A statement that announces itself but
    never finishes, e.g. one that failed, is counted and not timed.)"""

    def __init__(self, engine: Any) -> None:
        self.count, self._started = 0, 0.0
        self.statements: dict[str, list[float]] = {}  # statement: [sent, timed, seconds]
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count, self.statements = 0, {}  # a new dict: a tick kept by the caller stays whole

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
        self.count += 1
        self.statements.setdefault(statement, [0, 0, 0.0])[0] += 1
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
        spent = time.perf_counter() - self._started
        entry = self.statements.setdefault(statement, [1, 0, 0.0])
        entry[1] += 1
        entry[2] += spent


def tick_lines(tick_ms: float, statements: dict[str, list[float]]) -> list[str]:
    """A tick's time in SQL and outside it, and its 5 slowest statements, from a `StatementClock`'s
    `statements` for that tick."""
    sql_ms = 1000 * sum(seconds for _, _, seconds in statements.values())
    sent = sum(int(n) for n, _, _ in statements.values())
    untimed = sent - sum(int(t) for _, t, _ in statements.values())
    lines = [
        f"- {tick_ms:.0f} ms: {sql_ms:.0f} ms executing {sent} SQL statements, {tick_ms - sql_ms:.0f} ms "
        "outside them (Python, and on SQLite fetching rows past the first)"
        + (f"; {untimed} not timed (failed)" if untimed else ""),
        "- the 5 statements that took longest (sent, total ms):",
    ]
    for statement, (n, timed, seconds) in sorted(statements.items(), key=lambda s: s[1][2], reverse=True)[:5]:
        note = f", {int(n - timed)} not timed" if n > timed else ""
        lines.append(f"  - `{' '.join(statement.split())[:100]}` ×{int(n)}{note}, {1000 * seconds:.1f} ms")
    return lines
