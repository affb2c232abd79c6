"""Every command name, action id and callback id the Slack adapter uses, in one place."""

import re

TASK_COMMAND = "/task"
STANDUP_COMMAND = "/standup"

# Message shortcut (manifest: features.shortcuts).
SHORTCUT_FROM_MESSAGE = "baton_task_from_message"

# Modals (view callback ids).
NEW_TASK_VIEW = "baton_new_task"
REASON_VIEW = "baton_reason"  # block / reopen / cancel, with a reason
ASSIGN_VIEW = "baton_assign"
DUE_VIEW = "baton_due"
COMMENT_VIEW = "baton_comment"
STANDUP_VIEW = "baton_standup"

# Buttons and menus on task messages and the home tab. The value carries the task id.
MOVE_ACTION = "task_{move}"
MOVE_ACTIONS = re.compile(r"^task_(ack|start|done|verify|block|reopen|rate[1-5])$")  # rateN: a rating
REASON_MOVES = frozenset({"block", "reopen", "cancel"})  # these open a form asking why
SNOOZE_ACTION = "task_snooze"  # from the overdue reminder
TASK_MENU = "task_menu"  # overflow: value "<op>:<task id>"
LIST_MORE = "list_more"  # value: JSON {"scope", "dept", "offset"}
HOME_MORE = "home_more"  # value: JSON {"section", "offset"}
STANDUP_ANSWER_OPEN = "standup_answer"  # value: run id
STANDUP_BLOCKER = "standup_blocker"  # value: "<run id>:<user id>"
INTAKE_OFFER = "intake_offer"  # the offer after a reaction: value JSON {"channel", "message"}

# Input blocks of the New task form (block id == action id).
F_TITLE, F_DETAILS, F_OWNER, F_DEPT = "title", "details", "owner", "dept"
F_DUE_DATE, F_DUE_TIME, F_PRIORITY, F_WATCHERS = "due_date", "due_time", "priority", "watchers"
F_REASON, F_NEW_OWNER, F_COMMENT = "reason", "new_owner", "comment"
F_TYPE = "request_type"  # the Type menu: choosing one redraws the form with its fields (views.update)
F_FIELD = "field:"  # + a field's name: one input per field of the chosen type
S_DONE, S_PLANNED, S_BLOCKERS = "done", "planned", "blockers"
S_UNBLOCK_USER, S_UNBLOCK_DEPT = "unblock_user", "unblock_dept"
