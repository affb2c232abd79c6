"""One catalogue, two languages: every text exists in both, with the same blanks to fill."""

from __future__ import annotations

import re
import string
from pathlib import Path

from handlers.i18n import EN, ZH, locale_of, t

ROOT = Path(__file__).resolve().parent.parent


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_exists_in_both_languages_with_the_same_blanks() -> None:
    assert set(EN) == set(ZH)
    assert {k: (blanks(EN[k]), blanks(ZH[k])) for k in EN if blanks(EN[k]) != blanks(ZH[k])} == {}


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for d in ("handlers", "bot") for p in (ROOT / d).rglob("*.py")
    )
    used = set(re.findall(r'(?:Text|InvalidInput|NotFound|NotAllowed|BatonError)\(\s*"(\w+)"\s*[,)]', source))
    used |= set(re.findall(r'\bt\(\s*\w+(?:\.\w+)?,\s*"(\w+)"\s*[,)]', source))
    assert used, "expected to find catalogue keys in the code"
    assert used - set(EN) == set()


def test_slack_locales_map_to_ours() -> None:
    assert [locale_of(x) for x in ("zh-CN", "zh-TW", "en-US", "ja-JP", None)] == [
        "zh",
        "zh",
        "en",
        "en",
        "en",
    ]
    assert t("zh", "task_not_found", task_id=3) == "没有任务 T-3。"
    assert t("fr", "task_not_found", task_id=3) == "There is no task T-3."
