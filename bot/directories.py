"""One directory over every platform configured: a Feishu id (`fs:…`) is looked up on Feishu, any other
on Slack. Profiles come back under our ids, so the handlers never see a platform's raw id."""

from __future__ import annotations

import dataclasses

from bot.feishu.ids import is_feishu, theirs
from handlers.context import Directory, Profile


class Directories:
    def __init__(self, *, slack: Directory | None = None, feishu: Directory | None = None) -> None:
        self.slack = slack
        self.feishu = feishu

    def profile(self, user_id: str) -> Profile | None:
        if is_feishu(user_id):
            found = self.feishu.profile(theirs(user_id)) if self.feishu is not None else None
            return dataclasses.replace(found, user_id=user_id) if found is not None else None
        return self.slack.profile(user_id) if self.slack is not None else None
