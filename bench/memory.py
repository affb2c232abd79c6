"""Section 4: RSS of `baton run` idle and with 100k tasks; time to a healthy /healthz."""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import descendants, free_port, rss_mb, say, start_baton, target, wait_healthy  # noqa: E402
from bench.inprocess import slash  # noqa: E402
from bench.sweep import seed  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.live import signed_headers  # noqa: E402


def bench_process(tasks: int) -> None:
    say("## 4. Memory and start-up of `baton run`")
    fake = FakeSlack().start()
    for label, size in (("empty database", 0), (f"{tasks:,} tasks", tasks)):
        workdir = Path(tempfile.mkdtemp())
        url = f"sqlite:///{workdir / 'p.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        if size:
            seed(engine, size, 10_000)
        engine.dispose()
        # Both delivery settings: the default adds a delivery process beside the serving one; the target
        # is for `thread`, the one-process setting for where memory matters.
        for delivery in ("process", "thread"):
            port = free_port()
            proc = start_baton(url, fake.url, port, {"BATON_DELIVERY": delivery})
            to_healthy = wait_healthy(f"http://127.0.0.1:{port}/healthz")
            body = slash("list all")
            httpx.post(
                f"http://127.0.0.1:{port}/slack/events",
                content=body,
                headers=signed_headers(body),
                timeout=30,
            )
            time.sleep(1)
            sizes = [rss_mb(pid) for pid in descendants(proc.pid)]
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
            parts = " + ".join(f"{s:.0f}" for s in sizes)
            say(
                f"{label}, BATON_DELIVERY={delivery}: healthy after {to_healthy:.2f} s, "
                f"RSS after a `/task list all`: {sum(sizes):.0f} MB ({parts} MB: its processes)"
            )
            if delivery == "thread":
                total = sum(sizes)
                target(f"idle RSS < 120 MB ({label}, one process)", total < 120, f"{total:.0f} MB")
            target(f"start-up < 2 s ({label}, {delivery})", to_healthy < 2, f"{to_healthy:.2f} s")
    baseline = subprocess.run(
        [
            sys.executable,
            "-c",
            "import slack_bolt, sqlalchemy, uvicorn, dateparser;print(open('/proc/self/status').read())",
        ],
        capture_output=True,
        text=True,
    ).stdout
    base_rss = next(
        (int(line.split()[1]) / 1024 for line in baseline.splitlines() if line.startswith("VmRSS")), 0
    )
    say(f"baseline: a bare Python importing Bolt, SQLAlchemy, uvicorn and dateparser: {base_rss:.0f} MB")
    fake.stop()
    say()
