"""Delivering typed messages through Feishu's Open Platform: a card per message, paced to Feishu's limits.

Where a message goes (handlers.outgoing.Where) becomes one API call: a direct message to a person's
open_id (or into the one-to-one chat it landed in before), a post in a group, a topic reply
(`reply_in_thread`), an ephemeral card only one person sees, or a PATCH of an earlier card (shared
cards, `update_multi`; Feishu lets a card be patched for 14 days: an older or vanished one is posted
anew when `post_if_gone`, else the message is undeliverable). Ids are stored namespaced (ids.ours).

Limits ("Send message": 5 messages a second per person and per group; the app: 50 a second and 1,000 a
minute; a card may be patched 5 times a second): token buckets say no first (Hold), and what Feishu
still refuses comes back from api.py as RetryLater / Undeliverable.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Any

from bot.feishu import ids
from bot.feishu.api import FeishuApi, FeishuError, Sent
from bot.feishu.cards import message_card
from bot.feishu.chats import ChatNames
from bot.feishu.shown import ShownCards
from bot.pacing import Pacer
from handlers.clock import Clock, system_clock
from handlers.outgoing import HomeView, Landed, Outgoing, StandupPrompt, Where
from handlers.ports import Hold, Undeliverable

log = logging.getLogger("baton.feishu")

PER_RECIPIENT = 5  # messages a second to one person or one group
APP_PER_SECOND = 50
APP_PER_MINUTE = 1000
CARD = "interactive"


class FeishuSender:
    """Renders each typed message as a card (bot/feishu/cards.py) and sends, replies, patches; no more."""

    def __init__(
        self,
        api: FeishuApi,
        *,
        clock: Clock = system_clock,
        monotonic: Callable[[], float] | None = None,
        shown: ShownCards | None = None,
        chats: ChatNames | None = None,
    ) -> None:
        self.api = api
        self.chats = chats or ChatNames(api, clock=clock)
        self.shown = shown or ShownCards()  # shared with the listeners, which answer presses with cards
        tick = monotonic or (lambda: clock().timestamp())  # tests move a FixedClock; production: real time
        self.per_recipient = Pacer(burst=PER_RECIPIENT, rate=float(PER_RECIPIENT), monotonic=tick)
        self.app_second = Pacer(burst=APP_PER_SECOND, rate=float(APP_PER_SECOND), monotonic=tick)
        self.app_minute = Pacer(burst=APP_PER_MINUTE, rate=APP_PER_MINUTE / 60.0, monotonic=tick)
        self._lock = threading.Lock()

    def deliver(self, message: Outgoing) -> Landed | None:
        where = message.where
        card = message_card(self._named(message))
        if where.update is not None and self.shown.being_answered(where.update):
            raise Hold()  # the press's answer may show this very change: see after it is given
        if where.update is not None and self.shown.showing(where.update, card):
            # The press that made this change was answered with this very card (bot/feishu/shown.py).
            return Landed(where.conversation, where.update)
        if not self._pace(where.update or where.only_for or where.conversation):
            raise Hold()
        uuid = f"baton-outbox-{message.origin.row_id}" if message.origin.row_id else None
        if isinstance(message.body, HomeView):
            self._direct(where.conversation, card, uuid)
            return None
        if where.only_for is not None:
            self._private(where, where.only_for, card, uuid)
            return None
        if where.update is not None:
            try:
                self.api.patch_card(ids.theirs(where.update), card)
                self.shown.put(where.update, card)
                return Landed(where.conversation, where.update)
            except (FeishuError, Undeliverable) as err:  # older than 14 days, recalled, or gone
                if not where.post_if_gone:
                    raise Undeliverable(f"the card can no longer be updated ({err})") from err
                log.info("feishu: card %s cannot be updated (%s): posting anew", where.update, err)
        if where.thread is not None:
            sent = self.api.reply(
                ids.theirs(where.thread),
                msg_type=CARD,
                content=card,
                in_thread=not where.broadcast,  # a plain reply shows in the group too, quoting the post
                uuid=uuid,
            )
            return Landed(where.conversation, ids.ours(sent.message_id))
        if where.direct:
            sent = self._direct(where.conversation, card, uuid)
        else:
            sent = self.api.send_to_chat(
                ids.theirs(where.conversation), msg_type=CARD, content=card, uuid=uuid
            )
        chat = ids.ours(sent.chat_id) if sent.chat_id else where.conversation
        return Landed(chat, ids.ours(sent.message_id))

    def _named(self, message: Outgoing) -> Outgoing:
        """A stand-up prompt names its group (the handlers know people's names, not groups')."""
        body = message.body
        if isinstance(body, StandupPrompt) and body.channel not in message.names:
            name = self.chats.name(body.channel)
            if name:
                return dataclasses.replace(message, names={**message.names, body.channel: name})
        return message

    def _pace(self, key: str) -> bool:
        with self._lock:
            return self.per_recipient.take_all(
                [(self.per_recipient, key), (self.app_second, "app"), (self.app_minute, "app")]
            )

    def _direct(self, conversation: str, card: dict[str, Any], uuid: str | None) -> Sent:
        """To a person (an open_id), or into the one-to-one chat a direct message landed in before."""
        target = ids.theirs(conversation)
        if target.startswith("oc_"):
            return self.api.send_to_chat(target, msg_type=CARD, content=card, uuid=uuid)
        return self.api.send_to_user(target, msg_type=CARD, content=card, uuid=uuid)

    def _private(self, where: Where, person: str, card: dict[str, Any], uuid: str | None) -> None:
        """A card only `person` sees in the group; where Feishu allows none (a one-to-one chat, a topic
        group, a chat the bot left) it is a direct message instead."""
        if (
            where.direct
            or where.conversation == person
            or not where.conversation.startswith(ids.PREFIX + "oc_")
        ):
            self._direct(person, card, uuid)
            return
        try:
            self.api.send_ephemeral(
                chat_id=ids.theirs(where.conversation), open_id=ids.theirs(person), card=card
            )
        except (FeishuError, Undeliverable) as err:
            log.info(
                "feishu: no ephemeral card in %s (%s): a direct message instead", where.conversation, err
            )
            self._direct(person, card, uuid)
