"""One delivery for every platform: each message goes to the sender of the platform its conversation
belongs to (Feishu ids are stored as `fs:…`, Slack's bare), so Slack and Feishu run from one outbox."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feishu import ids as feishu_ids
from bot.settings import Settings
from handlers.clock import Clock, system_clock
from handlers.outgoing import Landed, Outgoing
from handlers.ports import Sender, Undeliverable

SLACK = "slack"
FEISHU = "feishu"


def platform_of(conversation: str) -> str:
    return FEISHU if feishu_ids.is_feishu(conversation) else SLACK


class PlatformRouter:
    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self.senders = dict(senders)

    def deliver(self, message: Outgoing) -> Landed | None:
        platform = platform_of(message.where.conversation)
        sender = self.senders.get(platform)
        if sender is None:
            raise Undeliverable(f"{platform} is not configured")
        return sender.deliver(message)


def senders_for(settings: Settings, *, clock: Clock = system_clock) -> Sender:
    """The router over every platform configured: Slack when SLACK_BOT_TOKEN is set, Feishu when
    FEISHU_APP_ID is."""
    senders: dict[str, Sender] = {}
    if settings.slack_bot_token is not None:
        from bot.app import web_client  # imported here: bot.app builds on this module
        from bot.slack.sender import SlackSender

        senders[SLACK] = SlackSender(web_client(settings))
    if settings.feishu_app_id:
        from bot.feishu.api import FeishuApi, build_client
        from bot.feishu.sender import FeishuSender

        secret = settings.feishu_app_secret.get_secret_value() if settings.feishu_app_secret else ""
        client = build_client(app_id=settings.feishu_app_id, app_secret=secret, domain=settings.feishu_domain)
        senders[FEISHU] = FeishuSender(FeishuApi(client), clock=clock)
    return PlatformRouter(senders)
