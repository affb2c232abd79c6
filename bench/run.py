"""Baton's benchmarks: `python -m bench.run [--quick] [--big]`. Every figure is printed beside a baseline
measured in the same run, and everything is written to bench/RESULTS.md.

1. Slash commands over HTTP: `baton run` beside three bare Bolt apps on the same stack (wrk, or a Python
   load generator with a warning).
2. Sweep cost: `tick` over N open tasks and 10k people, on SQLite (and PostgreSQL when
   TEST_DATABASE_URL is set): the catch-up tick after an upgrade, then a day of minute ticks; seconds,
   and SQL statements (they must not grow with N).
3. Delivery: 5,000 direct messages through a fake Slack that enforces one message per second per
   channel and a workspace-wide ceiling: time against the floor those limits allow, and 429s received.
4. Memory and start-up: RSS of `baton run` idle and with 100k tasks; time to a healthy /healthz.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import LINES, report_targets, say  # noqa: E402
from bench.delivery import bench_delivery  # noqa: E402
from bench.http_load import bench_http, bench_inprocess  # noqa: E402
from bench.memory import bench_process  # noqa: E402
from bench.sweep import bench_sweep  # noqa: E402


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop: machines differ (one ran the same instructions three
    times slower than another), so a run's absolute figures are read beside this one."""
    started, total = time.process_time(), 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short runs, small sizes (a smoke test)")
    parser.add_argument(
        "--only",
        choices=("inprocess", "http", "sweep", "delivery", "memory"),
        help="one section (printed, not written to RESULTS.md)",
    )
    parser.add_argument("--big", action="store_true", help="also sweep 1,000,000 tasks (slow to seed)")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        help="the sweep's task counts, comma-separated (e.g. 10000), instead of the defaults",
    )
    args = parser.parse_args()
    quick = args.quick
    sizes = [1_000, 10_000] if quick else [10_000, 100_000] + ([1_000_000] if args.big else [])
    sizes = args.sizes or sizes
    sections = {
        "inprocess": lambda: bench_inprocess(count=300 if quick else 2_000),
        "http": lambda: bench_http(seconds=2 if quick else 5),
        "sweep": lambda: bench_sweep(sizes),
        "delivery": lambda: bench_delivery(count=500 if quick else 5_000, ceiling=100 if quick else 200),
        "memory": lambda: bench_process(tasks=10_000 if quick else 100_000),
    }
    say(f"# Baton benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    say(f"machine speed: a Python loop of 10 million additions takes {calibration():.2f} s of CPU")
    say()
    for name, section in sections.items():
        if args.only in (None, name):
            section()
    report_targets()
    if not quick and args.only is None:
        (ROOT / "bench" / "RESULTS.md").write_text("\n".join(LINES) + "\n", encoding="utf-8")
        print("written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
