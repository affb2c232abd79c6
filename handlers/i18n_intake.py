"""The texts of intake (SPEC §8: request types, triage, ratings, recurring requests), merged into
handlers.i18n's catalogue."""

from __future__ import annotations

EN: dict[str, str] = {
    "type_usage": 'Write `/task type add <dept> <name> [fields "gauge id"*, location] [priority <level>] '
    "[sla <hours>h] [owner @user | rotate @a @b …]` (a `*` marks a required field), "
    "`/task type list [dept]` or `/task type remove <dept> <name>`.",
    "field_name_bad": "`{given}` is not a field name. Use letters, digits, spaces or dashes (up to 60), "
    "each field once.",
    "field_value_missing": 'Give a value after `{name}:`, like `{name}: "bay 3"`.',
    "field_unknown": "A **{type}** request has no field `{name}`. Its fields: {fields}.",
    "field_missing": "A **{type}** request needs: {names}. Add them as `name: value`.",
    "type_exists": "#{dept} already has a request type **{name}**.",
    "type_unknown": "#{dept} has no request type **{name}**. See `/task type list {dept}`.",
    "not_allowed_type": "Only #{dept}'s lead or an admin can change its request types.",
    "type_added": "#{dept} now takes **{name}** requests: `/task new {name} <title> field: value …`",
    "type_removed": "#{dept} no longer takes **{name}** requests. Tasks filed as one keep their fields.",
    "type_none": "No request types yet. A lead adds one with `/task type add <dept> <name> …`.",
    "type_list": "**Request types**\n{lines}",
    "triage_bad": "`{given}` is no triage rule. Write `triage lead` or `triage rotate`.",
    "rating_bad": "`{given}` is not a rating. Give a number from 1 to 5.",
    "not_allowed_rate": "Only the requester of T-{task_id} can rate it.",
    "rate_not_verified": "T-{task_id} is rated once it is verified: `/task verify {task_id} [1-5]`.",
    "rate_locked": "T-{task_id} was rated {rating} more than a day ago; the rating stays.",
    "rated_ok": "You rated T-{task_id} {rating}/5. Thank you.",
    "n_rate_ask": "How did T-{task_id} go? {title}. Rate it from 1 to 5 (or `/task rate {task_id} <1-5>`):",
    "n_rated": "@{actor} rated T-{task_id} {rating}/5: {title}",
    "btn_rate1": "1 ★",
    "btn_rate2": "2 ★",
    "btn_rate3": "3 ★",
    "btn_rate4": "4 ★",
    "btn_rate5": "5 ★",
    "repeat_usage": "Write `/task repeat <id> every day|weekday|monday…sunday|month <1-28> [at <HH:MM>]`, "
    "`/task repeat list` or `/task repeat stop <id>`.",
    "repeat_rule_bad": "`{given}` is no schedule. Write `every day`, `every weekday`, `every monday` … "
    "`every sunday` or `every month <1-28>`.",
    "repeat_month_bad": "`{given}` is no day of the month. Give 1 to 28.",
    "repeat_never": "That schedule never falls on a working day of the requester of T-{task_id}.",
    "repeat_unknown": "T-{task_id} does not repeat.",
    "repeat_ok": "T-{task_id} will be filed afresh {rule}; the next copy {next}.",
    "repeat_none": "You have no recurring requests.",
    "repeat_list": "**Recurring requests**\n{lines}",
    "repeat_stopped": "T-{task_id} no longer repeats.",
    "label_type": "Type",
    "label_rating": "Rating",
    "stats_rating": "Rating: {rating} ({count} rated)",
    "ev_triage": "triaged it to",
    "ev_rate": "rated it",
    "ev_repeat": "set it to repeat",
    "ev_repeat_stop": "stopped its repeat",
    "ev_repeat_copy": "filed it as a repeat of",
    "here_needs_group": "`here` names the group you type the command in: write it in that group, "
    "mentioning me (`@Baton task dept set <name> intake here`).",
}

ZH: dict[str, str] = {
    "type_usage": '写法：`/task type add <部门> <名称> [fields "gauge id"*, location] [priority <级别>] '
    "[sla <小时>h] [owner @用户 | rotate @甲 @乙 …]`（`*` 表示必填字段）、`/task type list [部门]` "
    "或 `/task type remove <部门> <名称>`。",
    "field_name_bad": "`{given}` 不是有效的字段名。请用字母、数字、空格或连字符（最多 60 个），"
    "每个字段一次。",
    "field_value_missing": '请在 `{name}:` 后面给出值，例如 `{name}: "3 号位"`。',
    "field_unknown": "**{type}** 类请求没有字段 `{name}`。它的字段：{fields}。",
    "field_missing": "**{type}** 类请求需要：{names}。请用 `名称: 值` 补上。",
    "type_exists": "#{dept} 已有请求类型 **{name}**。",
    "type_unknown": "#{dept} 没有请求类型 **{name}**。查看 `/task type list {dept}`。",
    "not_allowed_type": "只有 #{dept} 的负责人或管理员可以修改它的请求类型。",
    "type_added": "#{dept} 现在受理 **{name}** 类请求：`/task new {name} <标题> 字段: 值 …`",
    "type_removed": "#{dept} 不再受理 **{name}** 类请求。已提交的任务保留其字段。",
    "type_none": "还没有请求类型。部门负责人可用 `/task type add <部门> <名称> …` 添加。",
    "type_list": "**请求类型**\n{lines}",
    "triage_bad": "`{given}` 不是分派规则。请写 `triage lead` 或 `triage rotate`。",
    "rating_bad": "`{given}` 不是有效的评分。请给出 1 到 5 的数字。",
    "not_allowed_rate": "只有 T-{task_id} 的提出人可以评分。",
    "rate_not_verified": "T-{task_id} 验收后才能评分：`/task verify {task_id} [1-5]`。",
    "rate_locked": "T-{task_id} 已在一天多以前评为 {rating} 分，不能再改。",
    "rated_ok": "你给 T-{task_id} 评了 {rating}/5 分，谢谢。",
    "n_rate_ask": "T-{task_id} 完成得怎么样？{title}。请打 1 到 5 分（或 `/task rate {task_id} <1-5>`）：",
    "n_rated": "@{actor} 给 T-{task_id} 评了 {rating}/5 分：{title}",
    "btn_rate1": "1 ★",
    "btn_rate2": "2 ★",
    "btn_rate3": "3 ★",
    "btn_rate4": "4 ★",
    "btn_rate5": "5 ★",
    "repeat_usage": "写法：`/task repeat <编号> every day|weekday|monday…sunday|month <1-28> [at <HH:MM>]`、"
    "`/task repeat list` 或 `/task repeat stop <编号>`。",
    "repeat_rule_bad": "`{given}` 不是有效的周期。请写 `every day`、`every weekday`、`every monday` … "
    "`every sunday` 或 `every month <1-28>`。",
    "repeat_month_bad": "`{given}` 不是有效的日期。请给出 1 到 28。",
    "repeat_never": "这个周期从不落在 T-{task_id} 提出人的工作日上。",
    "repeat_unknown": "T-{task_id} 没有设置重复。",
    "repeat_ok": "T-{task_id} 将按 {rule} 重新提交；下一次：{next}。",
    "repeat_none": "你没有重复的请求。",
    "repeat_list": "**重复的请求**\n{lines}",
    "repeat_stopped": "T-{task_id} 不再重复。",
    "label_type": "类型",
    "label_rating": "评分",
    "stats_rating": "评分：{rating}（{count} 个评分）",
    "ev_triage": "分派给",
    "ev_rate": "评分",
    "ev_repeat": "设置重复",
    "ev_repeat_stop": "停止重复",
    "ev_repeat_copy": "按重复计划提交，来自",
    "here_needs_group": "`本群` 指输入命令的那个群：请在该群里提及我并输入"
    "（`@Baton 任务 dept set <名称> intake 本群`）。",
}
