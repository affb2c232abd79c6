"""Every event type, menu key, card action and form id the Feishu adapter uses, in one place.

A card button carries its meaning in its `value` (Feishu hands the whole value back on a press), so an
action is `{"a": <action id>, ...arguments}` rather than Slack's separate action_id and value.
"""

from __future__ import annotations

# Event types subscribed to (feishu_app.yml lists exactly these; tests/test_feishu_app.py checks it).
MESSAGE_RECEIVED = "im.message.receive_v1"
REACTION_CREATED = "im.message.reaction.created_v1"
BOT_MENU = "application.bot.menu_v6"
CARD_ACTION = "card.action.trigger"  # a callback: answered with a toast and/or the updated card
EVENT_TYPES = frozenset({MESSAGE_RECEIVED, REACTION_CREATED, BOT_MENU, CARD_ACTION})

# The bot menu's event keys (configured by hand in the developer console → Bot → Custom menu).
MENU_NEW_TASK = "new_task"
MENU_MY_TASKS = "my_tasks"  # the Home view, sent as a card
MENU_STANDUP_ANSWER = "standup_answer"
MENU_KEYS = frozenset({MENU_NEW_TASK, MENU_MY_TASKS, MENU_STANDUP_ANSWER})

# Command words: a message whose text starts with one of these (leading slash optional) is a command.
TASK_WORDS = frozenset({"task", "任务"})
STANDUP_WORDS = frozenset({"standup", "站会"})
# Feishu has no #channel syntax: in `/task dept set <name> channel|intake here`, this word names the group
# the command is typed in.
HERE_WORDS = frozenset({"here", "本群"})

# Card actions: the "a" key of a button's value.
ACTION_KEY = "a"
MOVE_ACTION = "task_move"  # value: {"a", "task", "move": ack|start|done|verify|block|reopen|cancel}
SNOOZE_ACTION = "task_snooze"  # value: {"a", "task"}
OPEN_FORM_ACTION = "open_form"  # value: {"a", "form": one of FORMS, "task"?}
LIST_MORE_ACTION = "list_more"  # value: {"a", "scope", "dept", "offset"}
HOME_MORE_ACTION = "home_more"  # value: {"a", "section", "offset"}
STANDUP_ANSWER_ACTION = "standup_answer"  # value: {"a", "run"}
STANDUP_BLOCKER_ACTION = "standup_blocker"  # value: {"a", "run", "user"}
FORM_SUBMIT_ACTION = "form_submit"  # a form's submit button; value: {"a", "form", "task"?}
INTAKE_OFFER_ACTION = (
    "intake_offer"  # the offer after the intake reaction; value: {"a", "channel", "message"}
)
TYPE_ACTION = "task_type"  # the New task form's Type menu; value: {"a", ...metadata, "title", "details"}
CARD_ACTIONS = frozenset(
    {
        TYPE_ACTION,
        MOVE_ACTION,
        SNOOZE_ACTION,
        OPEN_FORM_ACTION,
        LIST_MORE_ACTION,
        HOME_MORE_ACTION,
        STANDUP_ANSWER_ACTION,
        STANDUP_BLOCKER_ACTION,
        FORM_SUBMIT_ACTION,
        INTAKE_OFFER_ACTION,
    }
)

# Forms (card JSON 2.0 `form` containers): their names, and the names of their inputs.
NEW_TASK_FORM = "new_task"
REASON_FORM = "reason"  # block / reopen / cancel, with a reason
ASSIGN_FORM = "assign"
DUE_FORM = "due"
COMMENT_FORM = "comment"
STANDUP_FORM = "standup"
FORMS = frozenset({NEW_TASK_FORM, REASON_FORM, ASSIGN_FORM, DUE_FORM, COMMENT_FORM, STANDUP_FORM})

FIELD_TITLE = "title"
FIELD_DETAILS = "details"
FIELD_OWNER = "owner"  # person picker: its value is an open_id
FIELD_DEPARTMENT = "department"
FIELD_DUE_DATE = "due_date"  # date picker: "YYYY-MM-DD" (plus the reader's time zone)
FIELD_DUE_TIME = "due_time"
FIELD_PRIORITY = "priority"
FIELD_TYPE = "type"
FIELD_PREFIX = "field_"  # + a request type's field position: that field's input ("field_0", "field_1", …)
FIELD_REASON = "reason"
FIELD_COMMENT = "comment"
FIELD_DONE = "done"
FIELD_PLANNED = "planned"
FIELD_BLOCKERS = "blockers"
FIELD_UNBLOCKER = "unblocker"

# Where Baton keeps a card up to date: Feishu lets a message be patched for 14 days after it was sent.
PATCH_WINDOW_DAYS = 14

# Baton's database holds every platform's people, chats and messages: a Feishu id is stored with this
# prefix (Slack's stay bare), so an id says which platform it belongs to.
PREFIX = "fs:"


def ours(feishu_id: str) -> str:
    """A Feishu id (open_id `ou_…`, chat_id `oc_…`, message id `om_…`) as Baton stores it."""
    return feishu_id if feishu_id.startswith(PREFIX) else PREFIX + feishu_id


def theirs(our_id: str) -> str:
    """A stored id as Feishu knows it."""
    return our_id[len(PREFIX) :] if our_id.startswith(PREFIX) else our_id


def is_feishu(our_id: str | None) -> bool:
    return bool(our_id) and str(our_id).startswith(PREFIX)
