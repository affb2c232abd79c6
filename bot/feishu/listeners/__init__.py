"""Feishu listeners, one module per surface (messages, cards, menu, intake): ack → parse → handle → render.

`FeishuListeners` is the one callback both connection modes feed (bot/feishu/http.py, long_conn.py): it
takes a parsed event and returns the card callback's answer (a toast, maybe a card), or None.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.feishu.api import FeishuApi
from bot.feishu.events import BotMenu, CardAction, IncomingEvent, MessageReceived, ReactionCreated
from bot.feishu.listeners.cards import on_card
from bot.feishu.listeners.intake import on_reaction
from bot.feishu.listeners.menu import on_menu
from bot.feishu.listeners.messages import on_message
from bot.feishu.shown import ShownCards

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.feishu")


def applink_host(domain: str) -> str:
    """Where AppLinks open: Lark's for open.larksuite.com, Feishu's otherwise."""
    return "https://applink.larksuite.com" if "larksuite" in domain else "https://applink.feishu.cn"


class FeishuListeners:
    def __init__(self, baton: Baton, api: FeishuApi, *, domain: str, shown: ShownCards | None = None) -> None:
        self.baton = baton
        self.api = api
        self.shown = shown or ShownCards()
        self.applink = applink_host(domain)
        self._bot_open_id: str | None = None

    def bot_open_id(self) -> str | None:
        """The bot's open_id (asked once; a message that mentions it is spoken to Baton)."""
        if self._bot_open_id is None:
            try:
                self._bot_open_id = self.api.bot_open_id() or None
            except Exception as err:  # noqa: BLE001 - asked again with the next event
                log.warning("could not learn the bot's open_id: %s", err)
        return self._bot_open_id

    def __call__(self, event: IncomingEvent) -> dict[str, Any] | None:
        if isinstance(event, MessageReceived):
            on_message(self.baton, self.api, event, applink=self.applink)
        elif isinstance(event, CardAction):
            return on_card(self.baton, event, self.shown)
        elif isinstance(event, BotMenu):
            on_menu(self.baton, self.api, event)
        elif isinstance(event, ReactionCreated):
            on_reaction(self.baton, self.api, event, applink=self.applink)
        return None
