"""`who` in the console: the demo company, with its leads marked."""

from __future__ import annotations

from pathlib import Path

from tests.test_console import console


def test_who_marks_the_leads(tmp_path: Path) -> None:
    c, out = console(tmp_path)
    start = out.tell()
    assert c.handle("who")
    out.seek(start)
    lines = {line.split()[0]: line for line in out.read().splitlines() if line.strip().startswith("@")}
    assert "lead of #production" in lines["@pete"]
    assert "lead of #sales" in lines["@alice"] and "admin" in lines["@alice"]
    assert "lead" not in lines["@paul"]
