"""One entry point for every adapter: a parsed command and a context in, a reply out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers import (
    departments,
    filing,
    intake,
    message_intake,
    moves,
    preferences,
    ratings,
    repeats,
    standups,
    stats,
    task_changes,
    task_reading,
    task_talk,
)
from handlers.commands import (
    Assign,
    Comment,
    Depends,
    DeptList,
    DeptUpsert,
    FileMessage,
    Handover,
    Help,
    ListTasks,
    Move,
    NewTask,
    OpenForm,
    SetDue,
    SetLanguage,
    SetMember,
    SetNotify,
    SetPriority,
    ShowTask,
    Snooze,
    Stats,
    TaskCommand,
    ThreadReply,
    Watch,
)
from handlers.context import Context
from handlers.intake_commands import Rate, RepeatList, RepeatSet, RepeatStop, TypeAdd, TypeList, TypeRemove
from handlers.results import Reply, Text
from handlers.standup_commands import (
    StandupAnswerText,
    StandupAway,
    StandupCommand,
    StandupHelp,
    StandupNow,
    StandupPeople,
    StandupReport,
    StandupSetup,
    StandupStop,
)

_ROUTES: dict[type, Callable[[Context, Any], Reply]] = {
    NewTask: filing.file_task,
    ListTasks: task_reading.list_tasks,
    ShowTask: task_reading.show,
    Move: moves.move_task,
    Assign: task_changes.assign,
    SetDue: task_changes.set_due,
    SetPriority: task_changes.set_priority,
    Comment: task_talk.comment,
    Watch: task_talk.watch,
    Depends: task_changes.depends,
    Handover: task_changes.handover,
    DeptUpsert: departments.upsert,
    DeptList: departments.list_departments,
    SetMember: departments.set_member,
    Help: lambda _ctx, _cmd: Reply(kind="help", text=Text("help")),
    OpenForm: lambda _ctx, _cmd: Reply(kind="form"),
    SetLanguage: preferences.set_language,
    SetNotify: preferences.set_notify,
    Stats: stats.stats,
    Snooze: task_changes.snooze,
    TypeAdd: intake.type_add,
    TypeList: intake.type_list,
    TypeRemove: intake.type_remove,
    Rate: ratings.rate,
    RepeatSet: repeats.repeat_set,
    RepeatList: repeats.repeat_list,
    RepeatStop: repeats.repeat_stop,
    FileMessage: message_intake.file_message,
    ThreadReply: message_intake.thread_reply,
    StandupSetup: standups.setup,
    StandupPeople: standups.change_people,
    StandupAway: standups.away,
    StandupNow: standups.run_now,
    StandupReport: standups.report,
    StandupStop: standups.stop,
    StandupAnswerText: standups.answer,
    StandupHelp: lambda _ctx, _cmd: Reply(kind="help", text=Text("standup_help")),
}


def handle(ctx: Context, command: TaskCommand | StandupCommand) -> Reply:
    return _ROUTES[type(command)](ctx, command)
