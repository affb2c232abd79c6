"""The bot menu (`application.bot.menu_v6`): New task, My tasks, Answer stand-up — each answered in the
person's one-to-one chat with the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.feishu import ids
from bot.feishu.api import FeishuApi
from bot.feishu.events import BotMenu
from bot.feishu.forms import standup_form
from bot.feishu.listeners.common import actor_of, departments, send_private, task_form
from handlers.interactions import open_run_of, queue_private, request_home
from handlers.results import Text

if TYPE_CHECKING:
    from bot.app import Baton


def on_menu(baton: Baton, api: FeishuApi, event: BotMenu) -> None:
    actor = actor_of(baton, event.operator_open_id, event.operator_name)
    if event.event_key == ids.MENU_NEW_TASK:
        meta = {"channel": None, "conversation": "direct"}
        card = task_form(baton, actor, metadata=meta)
        send_private(api, open_id=event.operator_open_id, chat_id=None, direct=True, card=card)
    elif event.event_key == ids.MENU_MY_TASKS:
        request_home(baton.engine, user_id=actor.user_id, clock=baton.clock)
        baton.worker.wake()
    elif event.event_key == ids.MENU_STANDUP_ANSWER:
        run_id = open_run_of(baton.engine, user_id=actor.user_id)
        if run_id is None:
            queue_private(
                baton.engine,
                user_id=actor.user_id,
                channel_id=None,
                text=Text("standup_no_run"),
                clock=baton.clock,
            )
            baton.worker.wake()
            return
        card = standup_form(actor.locale, run_id, departments(baton, actor))
        send_private(api, open_id=event.operator_open_id, chat_id=None, direct=True, card=card)
