"""Every text a person reads, in English and Simplified Chinese, in one catalogue.

Texts are plain: renderers escape the parameters they fill in, so nothing a user typed can ping.
"""

from __future__ import annotations

from typing import Any

LOCALES = ("en", "zh")

EN: dict[str, str] = {
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
    "reason_missing": "Say why: `/task {move} T-12 <reason>`.",
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
    "task_not_found": "There is no task T-{task_id}.",
    "person_unknown": "I don't know anyone called @{name}.",
    "person_ambiguous": "More than one person is called @{name}; pick them with Slack's @-menu.",
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
    "filed": "Filed T-{task_id} for @{owner}.",
    "moved_ack": "T-{task_id} acknowledged.",
    "moved_start": "T-{task_id} is in progress.",
    "moved_block": "T-{task_id} is blocked. The requester has been told.",
    "moved_done": "T-{task_id} is done. I've asked the requester to verify it.",
    "moved_verify": "T-{task_id} is verified and closed. Thank you.",
    "moved_reopen": "T-{task_id} is reopened and back with its owner.",
    "moved_cancel": "T-{task_id} is cancelled.",
    "assigned_ok": "T-{task_id} now belongs to @{owner}.",
    "due_ok": "T-{task_id} is now due {due}.",
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
    "form_unavailable": "The form needs Slack. Here, type `/task new <title> @owner [due:<when>]`.",
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
        "*Baton — tasks between departments*\n"
        "`/task new <title> @owner [#dept] [due:<when>] [!urgent|!high|!normal|!low]` file a task\n"
        "`/task list [mine|requested|overdue|waiting|dept <name>|all]` list tasks\n"
        "`/task show <id>` the card and its history\n"
        "`/task ack|start|done <id> [note]` · `/task block <id> <reason>` owner's moves\n"
        "`/task verify <id>` · `/task reopen <id> <reason>` · `/task cancel <id> <reason>` "
        "requester's moves\n"
        "`/task assign <id> @user` · `/task due <id> <when>` · `/task priority <id> <level>`\n"
        "`/task comment <id> <text>` · `/task watch <id>` · `/task depends <id> on <id>`\n"
        "`/task handover @from @to` (lead or admin)\n"
        "`/task dept add <name> lead @user [channel #ch] [sla <hours>h]` · `/task dept set <name> …` · "
        "`/task dept list` · `/task member @user <dept>` (admin)\n"
        "Dates: `friday`, `next friday 5pm`, `tomorrow`, `in 3 days`, `eod`, `2026-12-01`, `明天`, `下周五`. "
        "A date without a time means the end of that working day."
    ),
}

ZH: dict[str, str] = {
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
    "reason_missing": "请说明原因：`/task {move} T-12 <原因>`。",
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
    "task_not_found": "没有任务 T-{task_id}。",
    "person_unknown": "我不认识 @{name}。",
    "person_ambiguous": "有不止一个人叫 @{name}，请用 Slack 的 @ 菜单选择。",
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
    "filed": "已创建 T-{task_id}，负责人 @{owner}。",
    "moved_ack": "已确认 T-{task_id}。",
    "moved_start": "T-{task_id} 进行中。",
    "moved_block": "T-{task_id} 已标记为受阻，已通知提出人。",
    "moved_done": "T-{task_id} 已完成，已请提出人验收。",
    "moved_verify": "T-{task_id} 已验收并关闭，谢谢。",
    "moved_reopen": "T-{task_id} 已重新打开，退回负责人。",
    "moved_cancel": "T-{task_id} 已取消。",
    "assigned_ok": "T-{task_id} 现在由 @{owner} 负责。",
    "due_ok": "T-{task_id} 的截止时间改为 {due}。",
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
    "form_unavailable": "表单需要在 Slack 中使用。这里请输入 `/task new <标题> @负责人 [due:<时间>]`。",
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
        "*Baton — 跨部门任务*\n"
        "`/task new <标题> @负责人 [#部门] [due:<时间>] [!urgent|!high|!normal|!low]` 创建任务\n"
        "`/task list [mine|requested|overdue|waiting|dept <名称>|all]` 查看任务列表\n"
        "`/task show <编号>` 任务卡片及历史\n"
        "`/task ack|start|done <编号> [备注]` · `/task block <编号> <原因>` 负责人操作\n"
        "`/task verify <编号>` · `/task reopen <编号> <原因>` · `/task cancel <编号> <原因>` 提出人操作\n"
        "`/task assign <编号> @用户` · `/task due <编号> <时间>` · `/task priority <编号> <级别>`\n"
        "`/task comment <编号> <内容>` · `/task watch <编号>` · `/task depends <编号> on <编号>`\n"
        "`/task handover @原负责人 @新负责人`（部门负责人或管理员）\n"
        "`/task dept add <名称> lead @用户 [channel #频道] [sla <小时>h]` · `/task dept set <名称> …` · "
        "`/task dept list` · `/task member @用户 <部门>`（管理员）\n"
        "时间：`明天`、`后天`、`下周五`、`明天下午3点`、`3天后`、`月底`、`friday`、`2026-12-01`。"
        "只写日期表示当天下班时间。"
    ),
}

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
    },
}

# Who may make a move, for the refusal text.
WHO = {
    "en": {"owner": "the owner", "requester": "the requester", "lead": "the accountable lead or an admin"},
    "zh": {"owner": "负责人", "requester": "提出人", "lead": "问责负责人或管理员"},
}


def locale_of(slack_locale: str | None) -> str:
    """Slack's `zh-CN`, `zh-TW`, `en-US`… to one of ours."""
    return "zh" if (slack_locale or "").lower().startswith("zh") else "en"


def t(locale: str, key: str, **params: Any) -> str:
    table = CATALOGUE.get(locale, EN)
    template = table.get(key) or EN[key]
    return template.format(**params) if params else template
