"""Feishu listeners, one module per surface (messages, cards, menu, intake): ack → parse → handle → render.

`FeishuListeners` is the one callback both connection modes feed (bot/feishu/http.py, long_conn.py): it
takes a parsed event and returns the card callback's answer (a toast, maybe a card), or None.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from bot.feishu import ids
from bot.feishu.api import FeishuApi, FeishuError
from bot.feishu.events import BotMenu, CardAction, IncomingEvent, MessageReceived, ReactionCreated
from bot.feishu.listeners.cards import on_card
from bot.feishu.listeners.common import DONE_WITH, PRIVATE_CARD, send_private
from bot.feishu.listeners.intake import on_reaction
from bot.feishu.listeners.menu import on_menu
from bot.feishu.listeners.messages import on_message
from bot.feishu.shown import ShownCards
from handlers.ports import RetryLater, Undeliverable

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.feishu")

DELETE_AFTER = 1.0  # seconds after answering a private form's submission, it is deleted


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
            return self.private_part(event, on_card(self.baton, event, self.shown))
        elif isinstance(event, BotMenu):
            on_menu(self.baton, self.api, event)
        elif isinstance(event, ReactionCreated):
            on_reaction(self.baton, self.api, event, applink=self.applink)
        return None

    def private_part(self, event: CardAction, answer: dict[str, Any] | None) -> dict[str, Any] | None:
        """What of a press's answer is for the presser alone: a form sent only to them (an ephemeral card
        in the group; directly where Feishu has none), and a private form deleted once submitted."""
        if not answer:
            return answer
        card, done = answer.pop(PRIVATE_CARD, None), answer.pop(DONE_WITH, None)
        if card is not None:
            chat = event.open_chat_id
            send_private(self.api, open_id=event.operator_open_id, chat_id=chat, direct=not chat, card=card)
        if done:
            # Deleted once the press is answered (Feishu: an ephemeral card is removed after the
            # interaction is complete), not while Feishu still waits for this answer.
            later = threading.Timer(DELETE_AFTER, self._delete, args=(ids.theirs(done),))
            later.daemon = True
            later.start()
        return answer

    def _delete(self, message_id: str) -> None:
        try:
            self.api.delete_ephemeral(message_id)
        except (FeishuError, RetryLater, Undeliverable) as err:  # sent directly instead: it stays
            log.info("could not delete the private form %s: %s", message_id, err)
