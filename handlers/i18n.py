"""Every text a person reads, in English and Simplified Chinese, in one catalogue.

Texts use a small neutral markup that each platform's renderer turns into its own: `**bold**`,
`` `code` `` and `[label](url)` (each adapter's syntax module renders it; handlers.format.plain_markup
strips it). Renderers convert the template first and escape the values they fill in, so nothing a user
typed is read as markup or can ping.
"""

from __future__ import annotations

from typing import Any

from handlers import i18n_intake as intake_texts

EN: dict[str, str] = {
    # buttons, forms, home
    "already": "T-{task_id} is already up to date.",
    "lang_set": "I'll speak English with you.",
    "lang_bad": "Write `/task lang en` or `/task lang zh`.",
    "btn_ack": "Acknowledge",
    "btn_start": "Start",
    "btn_block": "Block…",
    "btn_done": "Done",
    "btn_verify": "Verify",
    "btn_reopen": "Reopen…",
    "menu_assign": "Reassign…",
    "menu_due": "Change due date…",
    "menu_comment": "Comment…",
    "menu_cancel": "Cancel task…",
    "menu_watch": "Watch",
    "form_new": "New task",
    "form_submit": "File task",
    "form_save": "Save",
    "form_close": "Close",
    "form_block": "Why is it blocked?",
    "form_reopen": "Reopen: what's wrong?",
    "form_cancel": "Cancel: why?",
    "form_assign": "Reassign task",
    "form_due": "Change due date",
    "form_comment": "Comment on task",
    "f_title": "Title",
    "f_details": "Details",
    "f_owner": "Owner",
    "f_owner_hint": "Pick a person, or leave it empty and pick a department: its lead gets the task.",
    "f_dept": "Department",
    "f_due_date": "Due date",
    "f_due_time": "Due time",
    "f_due_time_hint": "Leave empty for the end of that working day.",
    "f_priority": "Priority",
    "f_watchers": "Watchers",
    "f_reason": "Reason",
    "f_comment": "Comment",
    "f_new_owner": "New owner",
    "f_source": "From this message",
    "home_overdue": "Overdue — you owe these",
    "home_owned": "Open tasks you own",
    "home_waiting": "Done — waiting for your verification",
    "home_requested": "What you asked others for",
    "home_dept": "Queue of #{dept}",
    "home_empty": "Nothing here.",
    "home_more": "Show {count} more",
    "home_first": "Back to the first",
    "home_numbers": "**This week in #{dept}:** {open} open · {overdue} overdue · "
    "median time to acknowledge: {median}",
    "home_no_median": "no acknowledgements yet",
    "duration": "{hours} h {minutes} min",
    "list_next": "Next {count}",
    "snoozed_ok": "T-{task_id} is snoozed until {until}.",
    "weeks_bad": "Write `/task stats [dept] [weeks]`, with 1 to 52 weeks.",
    "btn_snooze": "Snooze until tomorrow",
    "ev_snooze": "snoozed reminders",
    "n_ack_nudge": "Reminder: T-{task_id} has waited {hours} working hours "
    "for you to acknowledge it: {title}",
    "n_ack_escalate": "T-{task_id} has not been acknowledged by @{owner} "
    "within {hours} working hours: {title}",
    "n_due_soon": "T-{task_id} is due {due}: {title}",
    "n_overdue": "You have {count} overdue tasks:",
    "n_roundup": "Tasks that need you ({count}):",
    "this_group": "this group",
    "your_group": "your team's group",
    "n_daily": "Since yesterday, on tasks you asked for or watch ({count}):",
    "notify_instant": "I'll tell you about tasks you asked for or watch as things happen.",
    "notify_daily": "I'll gather news about tasks you asked for or watch into one summary at {at} on your "
    "working days. Assignments, escalations and questions for you still come at once.",
    "notify_bad": "Write `/task notify instant` or `/task notify daily 09:00`.",
    "n_roundup_lead": "Escalated to you ({count}):",
    "n_roundup_channel": "Far overdue ({count}):",
    "r_ack_nudge": "Waiting for your acknowledgement",
    "r_ack_escalate": "Not acknowledged within the response promise",
    "r_due_soon": "Due soon",
    "r_overdue": "Overdue",
    "r_overdue_lead": "A working day overdue",
    "r_overdue_far": "Three working days overdue",
    "r_verify_reminder": "Done, waiting for your verification",
    "n_overdue_lead": "T-{task_id}, owned by @{owner}, is a working day overdue (due {due}): {title}",
    "n_overdue_far": "T-{task_id}, owned by @{owner}, is three working days overdue (due {due}): {title}",
    "n_verify_reminder": "T-{task_id} has waited two working days for your verification: {title}. "
    "`/task verify {task_id}` or `/task reopen {task_id} <reason>`.",
    "n_digest": "**Last week in #{dept}** ({start} – {end})",
    "stats_title": "**#{dept}** ({start} – {end})",
    "stats_on_time": "Done on time: {on_time} of {due} due",
    "stats_ack": "Median time to acknowledge: {median}",
    "stats_closure": "Verified by the requester: {verified} of {done} done",
    "stats_overdue": "Overdue now: {count}",
    "stats_oldest": "Oldest open: {tasks}",
    "stats_waits": "Waits most on: {depts}",
    "stats_none": "none",
    "hours_value": "{hours} working hours",
    "standup_none": "There is no stand-up in this channel. Start one: `/standup setup at 09:30`.",
    "standup_setup_usage": "Write `/standup setup [#channel] at 09:30 [tz Asia/Shanghai] [days mon-fri] "
    "[country CN] [close 11:30]`.",
    "standup_time_bad": "`{given}` is not a time. Write it like `09:30`, `9` or `9:30am`.",
    "standup_days_bad": "`{given}` are not days. Write `mon-fri` or `mon,wed,fri`.",
    "standup_close_bad": "The stand-up must close after it opens.",
    "standup_not_yours": "Only whoever set up this stand-up, or an admin, may change it.",
    "standup_away_usage": "Write `/standup away @user until <when>`, e.g. `until 2026-12-01`.",
    "standup_unknown": "I don't know `/standup {given}`. Try `/standup help`.",
    "standup_answer_usage": "Write `/standup answer what you did | what you'll do | what blocks you @who`.",
    "standup_answer_too_many": "An answer has three parts, you wrote {count}. Write `/standup answer what "
    "you did | what you'll do | what blocks you @who`, with no other `|`.",
    "standup_no_run": "No stand-up is open for you right now.",
    "standup_closed": "That stand-up has closed.",
    "standup_not_participant": "@{name} does not take part in this stand-up.",
    "standup_not_participant_self": "You don't take part in that stand-up. `/standup join` in its channel.",
    "standup_already_ran": "Today's stand-up has already started.",
    "standup_no_report": "No stand-up ran then.",
    "standup_report_usage": "Write `/standup report [today|yesterday|2026-11-20]`.",
    "standup_set": "Stand-up set for {channel} at {at} ({tz}), {days}, closing at {close}.",
    "standup_add_ok": "{who} now take part.",
    "standup_add_partly": "{who} now take part. I don't know {unknown}: not added.",
    "standup_remove_partly": "{who} no longer take part. I don't know {unknown}.",
    "standup_remove_ok": "{who} no longer take part.",
    "standup_join_ok": "You're in: {who}.",
    "standup_leave_ok": "You left the stand-up.",
    "standup_away_ok": "@{name} is away until {until}: not prompted, not counted as missing.",
    "standup_started": "Stand-up started: the thread is posted and everyone is asked. It closes at {close}.",
    "standup_stopped": "Stand-up stopped.",
    "standup_answered": "Thanks, your answer is in the stand-up thread.",
    "standup_open": "**Stand-up for {day}** — reply in this thread, or use the button I sent you. "
    "Closes at {close}.",
    "standup_prompt": "Stand-up in {channel}: what did you do since last time, what will you do today, "
    "and what blocks you?",
    "standup_prompt_console": "Answer with `/standup answer done | planned | blockers @who or #dept`.",
    "btn_standup_answer": "Answer",
    "form_standup": "Stand-up",
    "f_done": "Done since last time",
    "f_planned": "Planned today",
    "f_blockers": "Blockers",
    "f_unblock_user": "Who can unblock it",
    "f_unblock_dept": "Or which department",
    "standup_answer_post": "**@{name}**\n**Done:** {done}\n**Planned:** {planned}\n**Blockers:** {blockers}",
    "standup_summary": "**Stand-up {day} closed:** {count} of {total} answered.",
    "standup_summary_open": "**Stand-up {day}, open until {close}:** {count} of {total} answered so far.",
    "standup_answered_list": "Answered: {names}",
    "standup_missing_list": "No answer: {names}",
    "standup_away_list": "Away: {names}",
    "standup_blockers": "**Blockers**",
    "standup_blocker_line": "@{name}: {text}",
    "btn_blocker_task": "Create task",
    "standup_help": "**Stand-ups**\n`/standup setup [#channel] at <HH:MM> [tz <zone>] [days mon-fri] "
    "[country <CC>] [close <HH:MM>]`\n"
    "`/standup add @a @b` · `/standup remove @a` · `/standup join` · `/standup leave`\n"
    "`/standup away @user until <when>`\n`/standup now` · `/standup report [<date>]` · `/standup stop`\n"
    "`/standup answer done | planned | blockers` · `/standup help`",
    "n_undeliverable": "I could not post in {where} ({reason}). Invite me there with `/invite @Baton`, "
    "then an admin can run `baton outbox retry all`.",
    # refusals
    "unknown_subcommand": "I don't know `{given}`. Try `/task help`.",
    "task_id_missing": "Which task? Give its id, like `T-12` or `12`.",
    "task_id_bad": "`{given}` is not a task id. Write it like `T-12` or `12`.",
    "priority_bad": "`{given}` is not a priority. Use urgent, high, normal or low.",
    "title_missing": "A task needs a title: `/task new <title> @owner [#dept] [due:<when>] [!urgent]`.",
    "title_too_long": "That title is {length} characters; keep it under {limit}. Put the rest in a comment.",
    "due_missing": 'When is it due? Write `due:friday` or `due:"next friday 5pm"`.',
    "date_unreadable": "I can't read `{text}` as a date. "
    "Try `friday`, `tomorrow 3pm`, `2026-12-01`, `明天`, `下周五`.",
    "date_in_past": "`{text}` has already passed. Give a time in the future.",
    "list_scope_bad": "`{given}` is not a list. Use mine, requested, overdue, waiting, dept <name> or all.",
    "dept_missing": "Which department? Write its short name, like `#production`.",
    "reason_missing": "Say why: `/task {move} T-{task_id} <reason>`.",
    "note_too_long": "That note is too long; keep it under {limit} characters.",
    "person_missing": "Name a person with @: `{usage}`.",
    "comment_missing": "Write the comment after the id: `/task comment T-12 <text>`.",
    "depends_self": "A task cannot wait for itself.",
    "dept_usage": "Write `/task dept add <name> lead @user [channel #ch] [sla <hours>h]`, "
    "`/task dept set <name> …` or `/task dept list`.",
    "dept_name_bad": "`{given}` is not a department name: one word or hyphenated, like `quality-control`.",
    "channel_bad": "`{given}` is not a channel. Pick one with #.",
    "sla_bad": "`{given}` is not a response promise. Give hours from 1 to 720, like `sla 4h`.",
    "dept_lead_missing": "A department needs a lead: `/task dept add <name> lead @user`.",
    "tz_bad": "`{given}` is not a time zone. Use an IANA name like `Asia/Shanghai` or `Europe/Berlin`.",
    "country_bad": "`{given}` is not a country I know holidays for. Use a code like `CN`, `DE` or `US`.",
    "hours_bad": "`{given}` are not working hours. Write them like `hours 09:00-18:00`.",
    "task_not_found": "There is no task T-{task_id}.",
    "person_unknown": "I don't know anyone called @{name}.",
    "person_ambiguous": "More than one person is called @{name}; pick them from the @-menu.",
    "dept_unknown": "There is no department #{name}. See `/task dept list`.",
    "owner_or_dept_missing": "Who should do it? Name an owner (@person) or a department (#dept).",
    "owner_without_dept": "@{name} is in no department yet. Add `#dept`, or ask an admin: "
    "`/task member @{name} <dept>`.",
    "not_allowed_move": "Only {who} may {move} T-{task_id}.",
    "not_allowed_edit": "Only the requester, the accountable lead or an admin may change T-{task_id}.",
    "not_allowed_admin": "Only an admin may do that.",
    "not_allowed_handover": "Only an admin or @{name}'s department lead may hand over their tasks.",
    "bad_transition": "T-{task_id} is {status}: you can't {move} it now.",
    "task_closed": "T-{task_id} is {status}: it can't be changed any more.",
    "dept_exists": "#{name} already exists; change it with `/task dept set {name} …`.",
    "depends_cycle": "T-{on_id} already waits for T-{task_id}; they can't wait for each other.",
    "nothing_to_hand_over": "@{name} owns no open tasks.",
    "same_person": "That is the same person.",
    "already_owner": "@{name} already owns T-{task_id}.",
    "unexpected_error": "Something went wrong on my side and nothing was changed. Error id: {error_id}.",
    "no_change": "Nothing to change.",
    # confirmations
    "intake_offer": "File this message as a task? Its thread will show the task's progress.",
    "intake_offer_button": "Create task",
    "intake_offer_gone": "That offer is no longer available: react to the message again.",
    "mention_usage": "To file a task, mention me with a title: `@Baton Replace the gasket on line 2 @pete "
    "due:friday` (`[@owner] [#department] [due:<when>] [!urgent]` as in `/task new`).",
    "dm_help": "Write me a command as you would after `/task` or `/standup`: `new Check the seals @pete "
    "due:friday`, `list`, `show 12`, `standup report`… `help` lists them all.",
    "filed": "Filed T-{task_id} for @{owner}.",
    "filed_day_off": "Filed T-{task_id} for @{owner}. Note: it is due on {day}, a day off for #{dept}.",
    "moved_ack": "T-{task_id} acknowledged.",
    "moved_start": "T-{task_id} is in progress.",
    "moved_block": "T-{task_id} is blocked. The requester has been told.",
    "moved_done": "T-{task_id} is done. I've asked the requester to verify it.",
    "moved_verify": "T-{task_id} is verified and closed. Thank you.",
    "moved_reopen": "T-{task_id} is reopened and back with its owner.",
    "moved_cancel": "T-{task_id} is cancelled.",
    "assigned_ok": "T-{task_id} now belongs to @{owner}.",
    "due_ok": "T-{task_id} is now due {due}.",
    "due_ok_day_off": "T-{task_id} is now due {due}. Note: {day} is a day off for #{dept}.",
    "priority_ok": "T-{task_id} is now {priority}.",
    "comment_ok": "Comment added to T-{task_id}.",
    "watch_ok": "You're watching T-{task_id}; I'll tell you when it changes.",
    "depends_ok": "T-{task_id} now waits for T-{on_id}.",
    "handover_ok": "Moved {count} open tasks from @{from_name} to @{to_name}.",
    "dept_added": "Department #{name} added, lead @{lead}.",
    "dept_updated": "Department #{name} updated.",
    "member_set": "@{name} is now in #{dept}.",
    "dept_none": "No departments yet. An admin adds one with `/task dept add <name> lead @user`.",
    "list_empty": "Nothing here.",
    "list_more": "…and {count} more.",
    "list_mine": "Open tasks you own",
    "list_requested": "Tasks you requested",
    "list_overdue": "Overdue tasks",
    "list_waiting": "Done, waiting for your verification",
    "list_dept": "Open tasks of #{dept}",
    "list_all": "All open tasks",
    "form_unavailable": "The form needs a chat app. Here, type `/task new <title> @owner [due:<when>]`.",
    # direct messages
    "n_assigned": "@{actor} asked you to do T-{task_id}: {title}",
    "n_unassigned": "@{actor} moved T-{task_id} to someone else: {title}",
    "n_reassigned": "T-{task_id} is now with @{owner}: {title}",
    "n_ack": "@{actor} acknowledged T-{task_id}: {title}",
    "n_start": "@{actor} started T-{task_id}: {title}",
    "n_block": "T-{task_id} is blocked: {title}",
    "n_done": "@{actor} finished T-{task_id}: {title}. Please check it: `/task verify {task_id}` "
    "or `/task reopen {task_id} <reason>`.",
    "n_verify": "@{actor} verified T-{task_id}; it is closed: {title}",
    "n_reopen": "@{actor} reopened T-{task_id}: {title}",
    "n_cancel": "@{actor} cancelled T-{task_id}: {title}",
    "n_due": "T-{task_id} is now due {due}: {title}",
    "n_priority": "T-{task_id} is now {priority}: {title}",
    "n_comment": "@{actor} commented on T-{task_id} ({title})",
    "n_depends": "T-{task_id} now waits for T-{on_id}: {title}",
    "n_upstream_done": "T-{upstream_id}, which your T-{task_id} waits for, is done: {title}",
    "n_upstream_slipped": "T-{upstream_id}, which your T-{task_id} waits for, slipped to {due}: {title}",
    "n_handover_in": "@{actor} handed you {count} tasks from @{from_name}: {ids}",
    "n_handover_out": "@{actor} handed your {count} open tasks to @{to_name}: {ids}",
    "note": "Note: {note}",
    # labels
    "status_open": "open",
    "status_acknowledged": "acknowledged",
    "status_in_progress": "in progress",
    "status_blocked": "blocked",
    "status_done": "done, awaiting verification",
    "status_verified": "verified",
    "status_reopened": "reopened",
    "status_cancelled": "cancelled",
    "priority_urgent": "urgent",
    "priority_high": "high",
    "priority_normal": "normal",
    "priority_low": "low",
    "label_owner": "Owner",
    "label_requester": "Requester",
    "label_accountable": "Accountable",
    "label_due": "Due",
    "label_status": "Status",
    "label_priority": "Priority",
    "label_waits_for": "Waits for",
    "label_watchers": "Watchers",
    "label_source": "From message",
    "label_history": "History",
    "no_due": "no due date",
    "overdue": "overdue",
    "dept_line": "#{name} · lead @{lead} · channel {channel} · responds within {sla}h",
    "no_channel": "none",
    "ev_created": "filed it",
    "ev_ack": "acknowledged",
    "ev_start": "started",
    "ev_block": "blocked it",
    "ev_done": "marked it done",
    "ev_verify": "verified it",
    "ev_reopen": "reopened it",
    "ev_cancel": "cancelled it",
    "ev_assign": "reassigned it",
    "ev_due": "changed the due date",
    "ev_priority": "changed the priority",
    "ev_comment": "commented",
    "ev_watch": "started watching",
    "ev_depends": "made it wait for",
    "help": (
        "**Baton — tasks between departments**\n"
        "`/task new <title> @owner [#dept] [due:<when>] [!urgent|!high|!normal|!low]` file a task\n"
        "`/task list [mine|requested|overdue|waiting|dept <name>|all]` list tasks\n"
        "`/task show <id>` the card and its history\n"
        "`/task ack|start|done <id> [note]` · `/task block <id> <reason>` owner's moves\n"
        "`/task verify <id> [1-5] [comment]` · `/task reopen <id> <reason>` · `/task cancel <id> <reason>` "
        "requester's moves · `/task rate <id> <1-5> [comment]` rate it (changeable for a day)\n"
        "`/task assign <id> @user` · `/task due <id> <when>` · `/task priority <id> <level>`\n"
        "`/task comment <id> <text>` · `/task watch <id>` · `/task depends <id> on <id>`\n"
        "`/task handover @from @to` (lead or admin)\n"
        "`/task snooze <id>` no reminders about it until tomorrow · "
        "`/task stats [#dept] [<weeks>]` a department's numbers\n"
        "`/task lang en|zh` your language · `/task notify instant|daily <HH:MM>` news of tasks you requested "
        "or watch: as it happens, or one morning summary\n"
        "`/task dept add <name> lead @user [channel #ch] [sla <hours>h] [tz <zone>] [country <CC>] "
        "[hours 09:00-18:00] [triage lead|rotate] [intake #ch|off]` · `/task dept set <name> …` · "
        "`/task dept list` · "
        "`/task member @user <dept>` (admin)\n"
        '`/task type add <dept> <name> [fields "gauge id"*, location] [priority <level>] [sla <hours>h] '
        "[owner @user | rotate @a @b …]` (`*` = required) · `/task type list [dept]` · "
        "`/task type remove <dept> <name>` a department's request types (lead or admin); file one with "
        '`/task new <type> <title> "gauge id": G-7 location: "bay 3"`; '
        "`/task list dept <name> type <type>`\n"
        "`/task repeat <id> every day|weekday|monday…sunday|month <n> [at <HH:MM>]` · `/task repeat list` · "
        "`/task repeat stop <id>` file a fresh copy on a schedule\n"
        "Intake: every message posted in a department's intake channel becomes its task · react to a message "
        "with :ticket: to file it · mention @Baton with a title to file one\n"
        "`/task help` this list · `/standup help` stand-ups\n"
        "Dates: `friday`, `next friday 5pm`, `tomorrow`, `in 3 days`, `eod`, `2026-12-01`, `明天`, `下周五`. "
        "A date without a time means the end of that working day."
    ),
    "menu_my_tasks": "My tasks",
}

ZH: dict[str, str] = {
    "n_undeliverable": "我无法在 {where} 发消息（{reason}）。请用 `/invite @Baton` 邀请我加入，"
    "然后由管理员执行 `baton outbox retry all`。",
    "standup_none": "这个频道还没有站会。创建：`/standup setup at 09:30`。",
    "standup_setup_usage": "写法：`/standup setup [#频道] at 09:30 [tz Asia/Shanghai] [days mon-fri] "
    "[country CN] [close 11:30]`。",
    "standup_time_bad": "`{given}` 不是时间，请写成 `09:30`、`9` 或 `9:30am`。",
    "standup_days_bad": "`{given}` 不是有效的日期，请写 `mon-fri` 或 `mon,wed,fri`。",
    "standup_close_bad": "站会的结束时间必须晚于开始时间。",
    "standup_not_yours": "只有创建站会的人或管理员可以修改它。",
    "standup_away_usage": "写法：`/standup away @用户 until <时间>`，例如 `until 2026-12-01`。",
    "standup_unknown": "我不认识 `/standup {given}`。试试 `/standup help`。",
    "standup_answer_usage": "写法：`/standup answer 昨天做了什么 | 今天计划 | 遇到的阻碍 @谁`。",
    "standup_answer_too_many": "回答只有三部分，你写了 {count} 部分。写法：`/standup answer 昨天做了什么 | "
    "今天计划 | 遇到的阻碍 @谁`，不要再用其他 `|`。",
    "standup_no_run": "现在没有你需要参加的站会。",
    "standup_closed": "该站会已结束。",
    "standup_not_participant": "@{name} 不参加这个站会。",
    "standup_not_participant_self": "你不参加那个站会。请在其频道中 `/standup join`。",
    "standup_already_ran": "今天的站会已经开始了。",
    "standup_no_report": "那天没有站会。",
    "standup_report_usage": "写法：`/standup report [today|yesterday|2026-11-20]`。",
    "standup_set": "已为 {channel} 设置站会：{at}（{tz}），{days}，{close} 结束。",
    "standup_add_ok": "{who} 已加入站会。",
    "standup_add_partly": "{who} 已加入站会。我不认识 {unknown}，未添加。",
    "standup_remove_partly": "{who} 已退出站会。我不认识 {unknown}。",
    "standup_remove_ok": "{who} 已退出站会。",
    "standup_join_ok": "你已加入：{who}。",
    "standup_leave_ok": "你已退出站会。",
    "standup_away_ok": "@{name} 请假至 {until}：不提醒，也不计为缺席。",
    "standup_started": "站会已开始：已发布讨论串并通知所有人。{close} 结束。",
    "standup_stopped": "站会已停止。",
    "standup_answered": "谢谢，你的回答已发到站会讨论串。",
    "standup_open": "**{day} 站会** —— 请在此讨论串回复，或使用我私信给你的按钮。{close} 结束。",
    "standup_prompt": "{channel} 的站会：上次以来做了什么，今天计划做什么，有什么阻碍？",
    "standup_prompt_console": "回答：`/standup answer 已完成 | 计划 | 阻碍 @谁 或 #部门`。",
    "btn_standup_answer": "回答",
    "form_standup": "站会",
    "f_done": "上次以来完成",
    "f_planned": "今天计划",
    "f_blockers": "阻碍",
    "f_unblock_user": "谁能解决",
    "f_unblock_dept": "或哪个部门",
    "standup_answer_post": "**@{name}**\n**已完成：** {done}\n**计划：** {planned}\n**阻碍：** {blockers}",
    "standup_summary": "**{day} 站会结束：** {total} 人中 {count} 人已回答。",
    "standup_summary_open": "**{day} 站会进行中（{close} 结束）：** {total} 人中已有 {count} 人回答。",
    "standup_answered_list": "已回答：{names}",
    "standup_missing_list": "未回答：{names}",
    "standup_away_list": "请假：{names}",
    "standup_blockers": "**阻碍**",
    "standup_blocker_line": "@{name}：{text}",
    "btn_blocker_task": "创建任务",
    "standup_help": "**站会**\n`/standup setup [#频道] at <HH:MM> [tz <时区>] [days mon-fri] "
    "[country <国家>] [close <HH:MM>]`\n"
    "`/standup add @a @b` · `/standup remove @a` · `/standup join` · `/standup leave`\n"
    "`/standup away @用户 until <时间>`\n`/standup now` · `/standup report [<日期>]` · `/standup stop`\n"
    "`/standup answer 已完成 | 计划 | 阻碍` · `/standup help`",
    "snoozed_ok": "T-{task_id} 的提醒暂缓到 {until}。",
    "weeks_bad": "写法：`/task stats [部门] [周数]`，周数为 1 到 52。",
    "btn_snooze": "明天再提醒",
    "ev_snooze": "暂缓了提醒",
    "n_ack_nudge": "提醒：T-{task_id} 已等你确认 {hours} 个工作小时：{title}",
    "n_ack_escalate": "T-{task_id} 在 {hours} 个工作小时内未被 @{owner} 确认：{title}",
    "n_due_soon": "T-{task_id} 将于 {due} 截止：{title}",
    "n_overdue": "你有 {count} 个逾期任务：",
    "n_roundup": "需要你处理的任务（{count}）：",
    "this_group": "本群",
    "your_group": "团队群",
    "n_daily": "自昨天以来，你提出或关注的任务有这些更新（{count}）：",
    "notify_instant": "你提出或关注的任务有变化时，我会立即告诉你。",
    "notify_daily": "你提出或关注的任务的消息，我会在你每个工作日 {at} 汇总发给你。"
    "指派、升级和需要你回答的问题仍会立即发送。",
    "notify_bad": "请写 `/task notify instant` 或 `/task notify daily 09:00`。",
    "n_roundup_lead": "升级给你的任务（{count}）：",
    "n_roundup_channel": "严重逾期（{count}）：",
    "r_ack_nudge": "等待你确认",
    "r_ack_escalate": "超过响应承诺仍未确认",
    "r_due_soon": "即将到期",
    "r_overdue": "已逾期",
    "r_overdue_lead": "已逾期一个工作日",
    "r_overdue_far": "已逾期三个工作日",
    "r_verify_reminder": "已完成，等待你验收",
    "n_overdue_lead": "@{owner} 负责的 T-{task_id} 已逾期一个工作日（截止 {due}）：{title}",
    "n_overdue_far": "@{owner} 负责的 T-{task_id} 已逾期三个工作日（截止 {due}）：{title}",
    "n_verify_reminder": "T-{task_id} 已等你验收两个工作日：{title}。"
    "`/task verify {task_id}` 或 `/task reopen {task_id} <原因>`。",
    "n_digest": "**#{dept} 上周回顾**（{start} – {end}）",
    "stats_title": "**#{dept}**（{start} – {end}）",
    "stats_on_time": "按时完成：{due} 个到期任务中 {on_time} 个",
    "stats_ack": "确认时间中位数：{median}",
    "stats_closure": "提出人已验收：{done} 个完成任务中 {verified} 个",
    "stats_overdue": "当前逾期：{count}",
    "stats_oldest": "最早的未完成任务：{tasks}",
    "stats_waits": "最常等待的部门：{depts}",
    "stats_none": "无",
    "hours_value": "{hours} 个工作小时",
    "already": "T-{task_id} 已是最新状态。",
    "lang_set": "我会用中文和你交流。",
    "lang_bad": "请写 `/task lang zh` 或 `/task lang en`。",
    "btn_ack": "确认",
    "btn_start": "开始",
    "btn_block": "受阻…",
    "btn_done": "完成",
    "btn_verify": "验收",
    "btn_reopen": "重新打开…",
    "menu_assign": "改派…",
    "menu_due": "修改截止时间…",
    "menu_comment": "评论…",
    "menu_cancel": "取消任务…",
    "menu_watch": "关注",
    "form_new": "新建任务",
    "form_submit": "创建",
    "form_save": "保存",
    "form_close": "关闭",
    "form_block": "为什么受阻？",
    "form_reopen": "重新打开：哪里不对？",
    "form_cancel": "取消：原因？",
    "form_assign": "改派任务",
    "form_due": "修改截止时间",
    "form_comment": "评论任务",
    "f_title": "标题",
    "f_details": "详细说明",
    "f_owner": "负责人",
    "f_owner_hint": "选择一个人；或留空并选择部门，由部门负责人接手。",
    "f_dept": "部门",
    "f_due_date": "截止日期",
    "f_due_time": "截止时间",
    "f_due_time_hint": "留空表示当天下班时间。",
    "f_priority": "优先级",
    "f_watchers": "关注者",
    "f_reason": "原因",
    "f_comment": "评论",
    "f_new_owner": "新负责人",
    "f_source": "来自这条消息",
    "home_overdue": "已逾期——请尽快处理",
    "home_owned": "我负责的未完成任务",
    "home_waiting": "已完成——等待我验收",
    "home_requested": "我请别人做的事",
    "home_dept": "#{dept} 的任务队列",
    "home_empty": "这里没有任务。",
    "home_more": "再显示 {count} 个",
    "home_first": "回到开头",
    "home_numbers": "**#{dept} 本周：** 未完成 {open} · 逾期 {overdue} · 确认时间中位数：{median}",
    "home_no_median": "暂无确认记录",
    "duration": "{hours} 小时 {minutes} 分钟",
    "list_next": "下 {count} 个",
    "unknown_subcommand": "我不认识 `{given}`。试试 `/task help`。",
    "task_id_missing": "哪个任务？请给出编号，例如 `T-12` 或 `12`。",
    "task_id_bad": "`{given}` 不是任务编号。请写成 `T-12` 或 `12`。",
    "priority_bad": "`{given}` 不是优先级。请用 urgent、high、normal 或 low（紧急、高、普通、低）。",
    "title_missing": "任务需要标题：`/task new <标题> @负责人 [#部门] [due:<时间>] [!urgent]`。",
    "title_too_long": "标题有 {length} 个字符，请控制在 {limit} 以内，其余内容可写在评论里。",
    "due_missing": '什么时候截止？写 `due:明天` 或 `due:"下周五 下午3点"`。',
    "date_unreadable": "我看不懂日期 `{text}`。"
    "试试 `明天`、`下周五`、`明天下午3点`、`2026-12-01`、`friday`。",
    "date_in_past": "`{text}` 已经过去了，请给一个将来的时间。",
    "list_scope_bad": "`{given}` 不是列表类型。请用 mine、requested、overdue、waiting、dept <名称> 或 all。",
    "dept_missing": "哪个部门？请写部门简称，例如 `#production`。",
    "reason_missing": "请说明原因：`/task {move} T-{task_id} <原因>`。",
    "note_too_long": "备注太长了，请控制在 {limit} 个字符以内。",
    "person_missing": "请用 @ 指定一个人：`{usage}`。",
    "comment_missing": "请在编号后写评论：`/task comment T-12 <内容>`。",
    "depends_self": "任务不能依赖它自己。",
    "dept_usage": "写法：`/task dept add <名称> lead @用户 [channel #频道] [sla <小时>h]`、"
    "`/task dept set <名称> …` 或 `/task dept list`。",
    "dept_name_bad": "`{given}` 不是有效的部门名：一个词或用连字符连接，例如 `quality-control`。",
    "channel_bad": "`{given}` 不是频道，请用 # 选择。",
    "sla_bad": "`{given}` 不是有效的响应承诺。请给出 1 到 720 小时，例如 `sla 4h`。",
    "dept_lead_missing": "部门需要一位负责人：`/task dept add <名称> lead @用户`。",
    "tz_bad": "`{given}` 不是时区。请用 IANA 名称，例如 `Asia/Shanghai` 或 `Europe/Berlin`。",
    "country_bad": "`{given}` 不是我知道节假日的国家。请用 `CN`、`DE`、`US` 这样的代码。",
    "hours_bad": "`{given}` 不是有效的工作时间。请写成 `hours 09:00-18:00`。",
    "task_not_found": "没有任务 T-{task_id}。",
    "person_unknown": "我不认识 @{name}。",
    "person_ambiguous": "有不止一个人叫 @{name}，请用 @ 菜单选择。",
    "dept_unknown": "没有部门 #{name}。见 `/task dept list`。",
    "owner_or_dept_missing": "谁来做？请指定负责人（@某人）或部门（#部门）。",
    "owner_without_dept": "@{name} 还不属于任何部门。"
    "请加上 `#部门`，或请管理员执行 `/task member @{name} <部门>`。",
    "not_allowed_move": "只有{who}可以{move} T-{task_id}。",
    "not_allowed_edit": "只有提出人、问责负责人或管理员可以修改 T-{task_id}。",
    "not_allowed_admin": "只有管理员可以这样做。",
    "not_allowed_handover": "只有管理员或 @{name} 所在部门的负责人可以移交其任务。",
    "bad_transition": "T-{task_id} 当前是「{status}」，现在不能{move}。",
    "task_closed": "T-{task_id} 已经「{status}」，不能再修改。",
    "dept_exists": "#{name} 已存在，请用 `/task dept set {name} …` 修改。",
    "depends_cycle": "T-{on_id} 已经在等 T-{task_id}，两者不能互相等待。",
    "nothing_to_hand_over": "@{name} 没有未完成的任务。",
    "same_person": "这是同一个人。",
    "already_owner": "@{name} 已经是 T-{task_id} 的负责人。",
    "unexpected_error": "我这边出了问题，什么都没有改动。错误编号：{error_id}。",
    "no_change": "没有需要修改的内容。",
    "intake_offer": "把这条消息创建为任务？任务的进展会发在这条消息的话题里。",
    "intake_offer_button": "创建任务",
    "intake_offer_gone": "该提议已失效：请重新对这条消息添加表情。",
    "mention_usage": "要创建任务，请在提及我时写上标题：`@Baton 更换二号线的垫圈 @pete due:周五`"
    "（可加 `[@负责人] [#部门] [due:<时间>] [!urgent]`，与 `/task new` 相同）。",
    "dm_help": "像在 `/task` 或 `/standup` 后面那样给我发命令：`new 检查密封件 @pete due:周五`、`list`、"
    "`show 12`、`standup report`……发送 `help` 查看全部。",
    "filed": "已创建 T-{task_id}，负责人 @{owner}。",
    "filed_day_off": "已创建 T-{task_id}，负责人 @{owner}。注意：截止日 {day} 是 #{dept} 的非工作日。",
    "moved_ack": "已确认 T-{task_id}。",
    "moved_start": "T-{task_id} 进行中。",
    "moved_block": "T-{task_id} 已标记为受阻，已通知提出人。",
    "moved_done": "T-{task_id} 已完成，已请提出人验收。",
    "moved_verify": "T-{task_id} 已验收并关闭，谢谢。",
    "moved_reopen": "T-{task_id} 已重新打开，退回负责人。",
    "moved_cancel": "T-{task_id} 已取消。",
    "assigned_ok": "T-{task_id} 现在由 @{owner} 负责。",
    "due_ok": "T-{task_id} 的截止时间改为 {due}。",
    "due_ok_day_off": "T-{task_id} 的截止时间改为 {due}。注意：{day} 是 #{dept} 的非工作日。",
    "priority_ok": "T-{task_id} 的优先级改为{priority}。",
    "comment_ok": "已在 T-{task_id} 添加评论。",
    "watch_ok": "你已关注 T-{task_id}，有变化时会通知你。",
    "depends_ok": "T-{task_id} 现在依赖 T-{on_id}。",
    "handover_ok": "已把 @{from_name} 的 {count} 个未完成任务移交给 @{to_name}。",
    "dept_added": "已添加部门 #{name}，负责人 @{lead}。",
    "dept_updated": "已更新部门 #{name}。",
    "member_set": "@{name} 现在属于 #{dept}。",
    "dept_none": "还没有部门。管理员可用 `/task dept add <名称> lead @用户` 添加。",
    "list_empty": "这里没有任务。",
    "list_more": "……还有 {count} 个。",
    "list_mine": "我负责的未完成任务",
    "list_requested": "我提出的任务",
    "list_overdue": "已逾期的任务",
    "list_waiting": "已完成、等待我验收的任务",
    "list_dept": "#{dept} 的未完成任务",
    "list_all": "所有未完成任务",
    "form_unavailable": "表单需要在聊天应用中使用。这里请输入 `/task new <标题> @负责人 [due:<时间>]`。",
    "n_assigned": "@{actor} 请你处理 T-{task_id}：{title}",
    "n_unassigned": "@{actor} 已把 T-{task_id} 转给他人：{title}",
    "n_reassigned": "T-{task_id} 现在由 @{owner} 负责：{title}",
    "n_ack": "@{actor} 已确认 T-{task_id}：{title}",
    "n_start": "@{actor} 已开始 T-{task_id}：{title}",
    "n_block": "T-{task_id} 受阻：{title}",
    "n_done": "@{actor} 已完成 T-{task_id}：{title}。请验收：`/task verify {task_id}` 或 "
    "`/task reopen {task_id} <原因>`。",
    "n_verify": "@{actor} 已验收 T-{task_id}，任务关闭：{title}",
    "n_reopen": "@{actor} 重新打开了 T-{task_id}：{title}",
    "n_cancel": "@{actor} 取消了 T-{task_id}：{title}",
    "n_due": "T-{task_id} 的截止时间改为 {due}：{title}",
    "n_priority": "T-{task_id} 的优先级改为{priority}：{title}",
    "n_comment": "@{actor} 评论了 T-{task_id}（{title}）",
    "n_depends": "T-{task_id} 现在依赖 T-{on_id}：{title}",
    "n_upstream_done": "你的 T-{task_id} 所依赖的 T-{upstream_id} 已完成：{title}",
    "n_upstream_slipped": "你的 T-{task_id} 所依赖的 T-{upstream_id} 推迟到 {due}：{title}",
    "n_handover_in": "@{actor} 把 @{from_name} 的 {count} 个任务移交给你：{ids}",
    "n_handover_out": "@{actor} 把你的 {count} 个未完成任务移交给 @{to_name}：{ids}",
    "note": "备注：{note}",
    "status_open": "待确认",
    "status_acknowledged": "已确认",
    "status_in_progress": "进行中",
    "status_blocked": "受阻",
    "status_done": "已完成，待验收",
    "status_verified": "已验收",
    "status_reopened": "已重新打开",
    "status_cancelled": "已取消",
    "priority_urgent": "紧急",
    "priority_high": "高",
    "priority_normal": "普通",
    "priority_low": "低",
    "label_owner": "负责人",
    "label_requester": "提出人",
    "label_accountable": "问责人",
    "label_due": "截止",
    "label_status": "状态",
    "label_priority": "优先级",
    "label_waits_for": "依赖",
    "label_watchers": "关注者",
    "label_source": "来源消息",
    "label_history": "历史",
    "no_due": "无截止时间",
    "overdue": "已逾期",
    "dept_line": "#{name} · 负责人 @{lead} · 频道 {channel} · {sla} 小时内响应",
    "no_channel": "无",
    "ev_created": "创建了任务",
    "ev_ack": "确认了任务",
    "ev_start": "开始处理",
    "ev_block": "标记为受阻",
    "ev_done": "标记为完成",
    "ev_verify": "验收了任务",
    "ev_reopen": "重新打开",
    "ev_cancel": "取消了任务",
    "ev_assign": "改派了任务",
    "ev_due": "修改了截止时间",
    "ev_priority": "修改了优先级",
    "ev_comment": "发表评论",
    "ev_watch": "开始关注",
    "ev_depends": "设置依赖",
    "help": (
        "**Baton — 跨部门任务**\n"
        "`/task new <标题> @负责人 [#部门] [due:<时间>] [!urgent|!high|!normal|!low]` 创建任务\n"
        "`/task list [mine|requested|overdue|waiting|dept <名称>|all]` 查看任务列表\n"
        "`/task show <编号>` 任务卡片及历史\n"
        "`/task ack|start|done <编号> [备注]` · `/task block <编号> <原因>` 负责人操作\n"
        "`/task verify <编号> [1-5] [评价]` · `/task reopen <编号> <原因>` · `/task cancel <编号> <原因>` "
        "提出人操作 · `/task rate <编号> <1-5> [评价]` 评分（一天内可修改）\n"
        "`/task assign <编号> @用户` · `/task due <编号> <时间>` · `/task priority <编号> <级别>`\n"
        "`/task comment <编号> <内容>` · `/task watch <编号>` · `/task depends <编号> on <编号>`\n"
        "`/task handover @原负责人 @新负责人`（部门负责人或管理员）\n"
        "`/task snooze <编号>` 明天之前不再提醒 · `/task stats [#部门] [<周数>]` 部门数据\n"
        "`/task lang en|zh` 你的语言 · `/task notify instant|daily <HH:MM>` 你提出或关注的任务的动态："
        "即时通知，或每天早上汇总一次\n"
        "`/task dept add <名称> lead @用户 [channel #频道] [sla <小时>h] [tz <时区>] [country <国家>] "
        "[hours 09:00-18:00] [triage lead|rotate] [intake #频道|off]` · `/task dept set <名称> …` · "
        "`/task dept list` · "
        "`/task member @用户 <部门>`（管理员）\n"
        '`/task type add <部门> <名称> [fields "gauge id"*, location] [priority <级别>] [sla <小时>h] '
        "[owner @用户 | rotate @甲 @乙 …]`（`*` 为必填）· `/task type list [部门]` · "
        "`/task type remove <部门> <名称>` 部门的请求类型（负责人或管理员）；提交时写 "
        '`/task new <类型> <标题> "gauge id": G-7 location: "3 号位"`；'
        "`/task list dept <名称> type <类型>`\n"
        "`/task repeat <编号> every day|weekday|monday…sunday|month <n> [at <HH:MM>]` · "
        "`/task repeat list` · `/task repeat stop <编号>` 按周期重新提交任务副本\n"
        "收件：在部门收件频道（intake）发的每条消息都成为该部门的任务 · "
        "对消息添加 :ticket: 表情即可把它创建为任务 · 提及 @Baton 并写上标题即可创建任务\n"
        "`/task help` 本列表 · `/standup help` 站会\n"
        "时间：`明天`、`后天`、`下周五`、`明天下午3点`、`3天后`、`月底`、`friday`、`2026-12-01`。"
        "只写日期表示当天下班时间。"
    ),
    "menu_my_tasks": "我的任务",
}

EN.update(intake_texts.EN)
ZH.update(intake_texts.ZH)

CATALOGUE: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}

# Moves as verbs, for refusal texts.
MOVE_VERB = {
    "en": {
        "ack": "acknowledge",
        "start": "start",
        "block": "block",
        "done": "mark done",
        "verify": "verify",
        "reopen": "reopen",
        "cancel": "cancel",
        "assign": "reassign",
        "snooze": "snooze",
    },
    "zh": {
        "ack": "确认",
        "start": "开始",
        "block": "标记受阻",
        "done": "标记完成",
        "verify": "验收",
        "reopen": "重新打开",
        "cancel": "取消",
        "assign": "改派",
        "snooze": "暂缓提醒",
    },
}

# Who may make a move, for the refusal text.
WHO = {
    "en": {"owner": "the owner", "requester": "the requester", "lead": "the accountable lead or an admin"},
    "zh": {"owner": "负责人", "requester": "提出人", "lead": "问责负责人或管理员"},
}


# English says "1 task", "2 tasks": the text for a count of one, where it differs. Chinese has no plural.
ONE = {
    "en": {
        "n_overdue": "You have 1 overdue task:",
        "handover_ok": "Moved 1 open task from @{from_name} to @{to_name}.",
        "n_handover_in": "@{actor} handed you 1 task from @{from_name}: {ids}",
        "n_handover_out": "@{actor} handed your 1 open task to @{to_name}: {ids}",
        "standup_add_ok": "{who} now takes part.",
        "standup_remove_ok": "{who} no longer takes part.",
        "standup_add_partly": "{who} now takes part. I don't know {unknown}: not added.",
        "standup_remove_partly": "{who} no longer takes part. I don't know {unknown}.",
    },
}


def locale_of(platform_locale: str | None) -> str:
    """A chat platform's `zh-CN`, `zh-TW`, `en-US`… to one of ours."""
    return "zh" if (platform_locale or "").lower().startswith("zh") else "en"


def template(locale: str, key: str, *, count: object = None) -> str:
    """The text before its values go in: in the reader's language, singular where the count is one."""
    table = CATALOGUE.get(locale, EN)
    one = ONE.get(locale if locale in CATALOGUE else "en", {})
    return (one.get(key) if count == 1 else None) or table.get(key) or EN[key]


def t(locale: str, key: str, **params: Any) -> str:
    text = template(locale, key, count=params.get("count"))
    return text.format(**params) if params else text
