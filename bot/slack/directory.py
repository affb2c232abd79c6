"""Who someone is, from Slack's users.info (time zone, locale, admin)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from handlers.context import Profile

log = logging.getLogger("baton.slack")


class SlackDirectory:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def profile(self, user_id: str) -> Profile | None:
        try:
            user = self.client.users_info(user=user_id, include_locale=True)["user"]
        except (SlackApiError, SlackRequestError, OSError) as err:
            # Without a profile we fall back to BATON_TIMEZONE; the next command tries again.
            log.warning("users.info for %s failed: %s", user_id, err)
            return None
        profile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("name") or profile.get("real_name") or user_id
        return Profile(
            user_id=user_id,
            name=name,
            tz=user.get("tz"),
            locale=user.get("locale"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        )
