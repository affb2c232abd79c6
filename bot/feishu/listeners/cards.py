"""Card presses and form submissions (`card.action.trigger`): answered at once with a toast, and with a
card where the press opens a form or turns a page. A refused press changes nothing and says why privately;
pressing twice is harmless (moves are `pressed`, so a move already made is no refusal).

A button's value says what it means (bot/feishu/ids.py): {"a": action, ...arguments}; a form's submit
button carries {"a": FORM_SUBMIT_ACTION, "form", ...metadata} and the inputs arrive in `form_value`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.feishu import ids
from bot.feishu.events import CardAction
from bot.feishu.forms import assign_form, comment_form, due_form, reason_form, standup_form
from bot.feishu.ids import ours
from bot.feishu.listeners.common import (
    DONE_WITH,
    PRIVATE,
    Place,
    actor_of,
    after_press,
    departments,
    plain,
    privately,
    run,
    task_form,
    toast,
    with_card,
)
from bot.feishu.listeners.intake import open_offered
from bot.feishu.render import reply_card
from bot.feishu.shown import ShownCards
from handlers.commands import (
    Assign,
    Comment,
    DeptRef,
    ListTasks,
    Move,
    NewTask,
    PersonRef,
    SetDue,
    Snooze,
    TaskCommand,
)
from handlers.context import CONVERSATIONS, Actor
from handlers.errors import BatonError, InvalidInput
from handlers.intake_commands import Rate
from handlers.interactions import blocker_form_values, is_task_card, queue_private, request_home
from handlers.lifecycle import Priority
from handlers.ratings import RATING_MOVES
from handlers.results import Text
from handlers.runner import Here
from handlers.standup_commands import StandupAnswerText

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.feishu")

REASON_MOVES = frozenset({"block", "reopen", "cancel"})  # these ask why first
ANSWER_BUDGET = 2.0  # seconds: an answer sent later may miss Feishu's 3
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{1,2}:\d{2}")

Answer = dict[str, Any]


def on_card(baton: Baton, event: CardAction, shown: ShownCards | None = None) -> Answer | None:
    started = time.monotonic()
    message = ours(event.open_message_id) if event.open_message_id and shown is not None else None
    if message is not None and shown is not None:
        shown.answering(message)  # the outbox waits for this answer before patching the card
    answer = None
    try:
        answer = _answer(baton, event)
    finally:
        if message is not None and shown is not None:
            # The answer's card replaces the pressed one (for every reader of a shared card) when Feishu
            # gets it within its 3 seconds; answered later, it may not have: the outbox's PATCH goes.
            if answer and "card" in answer and time.monotonic() - started < ANSWER_BUDGET:
                shown.put(message, answer["card"]["data"])
            else:
                shown.forget(message)
            baton.worker.wake()  # a PATCH held back for this answer goes now, or is skipped
    return answer


def _answer(baton: Baton, event: CardAction) -> Answer | None:
    action, value = event.action, event.value
    actor = actor_of(baton, event.operator_open_id)
    place = Place(
        chat=ours(event.open_chat_id) if event.open_chat_id else None,
        message=ours(event.open_message_id) if event.open_message_id else None,
    )
    try:
        handler = PRESSES[str(action)]
    except KeyError:
        return None  # a button of an older card version: nothing to do, nothing to say
    try:
        return handler(baton, actor, value, event, place)
    except (KeyError, TypeError, ValueError):
        log.warning("a card press Baton cannot read: %s", value)  # a card Baton did not make
        return None


def _here(place: Place) -> Here:
    return Here(channel_id=place.chat, conversation="channel")


def _move(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, place: Place) -> Answer:
    move, task_id = str(value["move"]), int(value["task"])
    if move in REASON_MOVES:
        return _form_for(baton, place, task_id, reason_form(actor.locale, move, task_id))
    command: TaskCommand = Move(move=move, task_id=task_id, pressed=True)
    if move in RATING_MOVES:  # one of the five rating buttons sent after verifying (as on Slack)
        command = Rate(task_id=task_id, rating=int(move.removeprefix("rate")))
    outcome = run(baton, actor, command, _here(place))
    return after_press(baton, actor, outcome, place, task_id)


def _snooze(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, place: Place) -> Answer:
    task_id = int(value["task"])
    outcome = run(baton, actor, Snooze(task_id=task_id), _here(place))
    return after_press(baton, actor, outcome, place, task_id)


SMALL_FORMS: dict[str, Callable[[str, int], dict[str, Any]]] = {
    ids.ASSIGN_FORM: assign_form,
    ids.DUE_FORM: due_form,
    ids.COMMENT_FORM: comment_form,
}


def _open_form(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, place: Place) -> Answer:
    form = str(value["form"])
    if form == ids.NEW_TASK_FORM:
        card = task_form(baton, actor, metadata={"channel": place.chat, "conversation": "channel"})
    elif form == ids.REASON_FORM:
        card = reason_form(actor.locale, str(value["move"]), int(value["task"]))
    elif form in SMALL_FORMS:
        card = SMALL_FORMS[form](actor.locale, int(value["task"]))
    else:
        return {}
    task = value.get("task")
    return _form_for(baton, place, int(task) if str(task or "").isdigit() else None, card)


def _form_for(baton: Baton, place: Place, task_id: int | None, card: dict[str, Any]) -> Answer:
    """A form opened from a card: in the card's place, unless that card is a task's card a group shares
    (then the presser alone gets it, and the group's card stays)."""
    shared = (
        task_id is not None
        and place.chat is not None
        and place.message is not None
        and is_task_card(baton.engine, task_id=task_id, channel=place.chat, ts=place.message)
    )
    return privately(card) if shared else with_card({}, card)


def _list_more(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, _p: Place) -> Answer:
    dept = DeptRef(name=str(value["dept"])) if value.get("dept") else None
    command = ListTasks(scope=str(value["scope"]), dept=dept, offset=int(value.get("offset", 0)))
    outcome = run(baton, actor, command)
    # The list was a private card; its next page replaces it where it stands.
    card = reply_card(outcome.reply, locale=outcome.locale, tz=outcome.tz, now=baton.clock())
    return with_card({}, card)


def _home_more(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, _p: Place) -> Answer:
    offsets = {str(value["section"]): int(value["offset"])}
    request_home(baton.engine, user_id=actor.user_id, clock=baton.clock, offsets=offsets)
    baton.worker.wake()
    return {}  # the Home card is sent again, with that section's next page


def _standup_answer(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, _p: Place) -> Answer:
    card = standup_form(actor.locale, int(value["run"]), departments(baton, actor))
    return with_card({}, card)


def _blocker(baton: Baton, actor: Actor, value: dict[str, Any], _e: CardAction, _p: Place) -> Answer:
    prefill = blocker_form_values(baton.engine, run_id=int(value["run"]), user_id=str(value["user"]))
    if prefill is None:
        return toast("warning", plain(Text("standup_no_run"), actor))
    card = task_form(
        baton,
        actor,
        metadata={"channel": prefill["channel"], "conversation": "channel"},
        title=prefill["title"] or "",
        details=prefill["details"] or "",
    )
    return privately(card)  # the button is on the day's summary, which the whole group sees


PREFILLED = ("title", "details")  # what the Type menu's value carries besides the form's metadata


def _type_chosen(baton: Baton, actor: Actor, value: dict[str, Any], event: CardAction, _p: Place) -> Answer:
    """The New task form's Type menu: the form redrawn with that type's fields and priority, keeping its
    metadata and what it was filled with (the inputs' typed text does not come with a select's choice)."""
    meta = {k: v for k, v in value.items() if k != ids.ACTION_KEY and k not in PREFILLED}
    prefill = {k: str(value.get(k) or "") for k in PREFILLED}
    return with_card({}, task_form(baton, actor, metadata=meta, chosen=event.option, **prefill))


# -- form submissions ---------------------------------------------------------------------------------


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value).strip() if value not in (None, "") else ""


def _person(values: dict[str, Any], name: str) -> PersonRef | None:
    """A person picker's value: an open_id (a multi-picker gives a list; the first is taken)."""
    value = values.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return PersonRef(user_id=ours(str(value)), name=str(value)) if value else None


def due_text(values: dict[str, Any]) -> str | None:
    """The date picker's "YYYY-MM-DD[ +0800]" and the time picker's "HH:mm" as the handlers read them;
    a date alone means the end of that working day."""
    day = _DATE.search(_text(values, ids.FIELD_DUE_DATE))
    if day is None:
        return _text(values, ids.FIELD_DUE_DATE) or None  # typed: let the handler read or refuse it
    clock = _TIME.search(_text(values, ids.FIELD_DUE_TIME))
    return f"{day[0]}T{int(clock[0].split(':')[0]):02d}:{clock[0].split(':')[1]}" if clock else day[0]


def _new_task(values: dict[str, Any], meta: dict[str, Any]) -> NewTask:
    priority = _text(values, ids.FIELD_PRIORITY) or "normal"
    # A request type chosen in the Type menu: its name leads the title, as typed after `/task new` (as
    # Slack's form does); its fields are the `field_<n>` inputs, named in the submit button's metadata.
    type_dept, _, type_name = str(meta.get("type") or "").partition("/")
    title = _text(values, ids.FIELD_TITLE)
    names = [str(n) for n in meta.get("fields") or []]
    fields = tuple(
        (name, _text(values, f"{ids.FIELD_PREFIX}{n}"))
        for n, name in enumerate(names)
        if _text(values, f"{ids.FIELD_PREFIX}{n}")
    )
    dept = _text(values, ids.FIELD_DEPARTMENT) or type_dept
    return NewTask(
        title=f"{type_name} {title}" if type_name and title else title,
        fields=fields,
        details=_text(values, ids.FIELD_DETAILS),
        owner=_person(values, ids.FIELD_OWNER),
        dept=DeptRef(name=dept) if dept else None,
        due=due_text(values),
        priority=Priority(priority) if priority in Priority._value2member_map_ else Priority.NORMAL,
        source_link=meta.get("link") or None,
        source_thread=meta.get("thread") or None,  # filed from a message: its progress goes in its topic
    )


def _reason(values: dict[str, Any], meta: dict[str, Any]) -> Move:
    move, task_id, note = str(meta["move"]), int(meta["task"]), _text(values, ids.FIELD_REASON)
    if not note:
        raise InvalidInput("reason_missing", move=move, task_id=task_id)
    return Move(move=move, task_id=task_id, note=note, pressed=True)


def _assign(values: dict[str, Any], meta: dict[str, Any]) -> Assign:
    person = _person(values, ids.FIELD_OWNER) or PersonRef(user_id=None, name="")
    return Assign(task_id=int(meta["task"]), person=person)


BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
    ids.NEW_TASK_FORM: _new_task,
    ids.REASON_FORM: lambda v, m: _reason(v, m),
    ids.ASSIGN_FORM: _assign,
    ids.DUE_FORM: lambda v, m: SetDue(task_id=int(m["task"]), when=due_text(v) or ""),
    ids.COMMENT_FORM: lambda v, m: Comment(task_id=int(m["task"]), text=_text(v, ids.FIELD_COMMENT)),
    ids.STANDUP_FORM: lambda v, m: StandupAnswerText(
        done=_text(v, ids.FIELD_DONE),
        planned=_text(v, ids.FIELD_PLANNED),
        blockers=_text(v, ids.FIELD_BLOCKERS),
        run_id=int(m["run"]),
        unblock_person=_person(v, ids.FIELD_UNBLOCKER),
        unblock_dept=_text(v, ids.FIELD_DEPARTMENT) or None,
    ),
}


def _submit(baton: Baton, actor: Actor, value: dict[str, Any], event: CardAction, place: Place) -> Answer:
    meta = {k: v for k, v in value.items() if k not in (ids.ACTION_KEY, "form", "type", "fields", PRIVATE)}
    typed = {k: value[k] for k in ("type", "fields") if k in value}
    build = BUILDERS[str(value["form"])]
    try:
        command: TaskCommand = build(event.form_value or {}, {**meta, **typed})
    except BatonError as refusal:
        return toast("error", plain(Text(refusal.key, refusal.params), actor))
    conversation = meta.get("conversation")
    here = Here(
        channel_id=meta.get("channel") or place.chat,
        conversation=conversation if conversation in CONVERSATIONS else "channel",
    )
    outcome = run(baton, actor, command, here)
    if not outcome.ok and outcome.reply.text is not None:
        # Invalid input: the form stays as filled in, the toast says what to fix; nothing is stored.
        return toast("error", plain(outcome.reply.text, actor))
    if isinstance(command, NewTask) and outcome.reply.text is not None:
        queue_private(
            baton.engine,
            user_id=actor.user_id,
            channel_id=here.channel_id if here.conversation != "direct" else None,
            text=outcome.reply.text,
            clock=baton.clock,
        )
    task_id = int(meta["task"]) if str(meta.get("task") or "").isdigit() else None
    answer = after_press(baton, actor, outcome, place, task_id)
    if value.get(PRIVATE) and outcome.ok and place.message:
        answer[DONE_WITH] = place.message  # the private form is done with; the group's card is updated
    return answer


PRESSES: dict[str, Callable[[Baton, Actor, dict[str, Any], CardAction, Place], Answer]] = {
    ids.MOVE_ACTION: _move,
    ids.SNOOZE_ACTION: _snooze,
    ids.OPEN_FORM_ACTION: _open_form,
    ids.LIST_MORE_ACTION: _list_more,
    ids.HOME_MORE_ACTION: _home_more,
    ids.STANDUP_ANSWER_ACTION: _standup_answer,
    ids.STANDUP_BLOCKER_ACTION: _blocker,
    ids.FORM_SUBMIT_ACTION: _submit,
    ids.INTAKE_OFFER_ACTION: open_offered,
    ids.TYPE_ACTION: _type_chosen,
}
