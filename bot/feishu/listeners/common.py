"""What every Feishu listener needs: ids in our namespace, the speaker's words as tokens, where they spoke,
how to answer privately, and what to do after a press or a form (as bot/slack/listeners/common.py)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.feishu import ids
from bot.feishu.api import FeishuApi, FeishuError
from bot.feishu.cards import message_card
from bot.feishu.forms import new_task_form
from bot.feishu.ids import ours
from bot.feishu.syntax import Mention, looks_like_a_ping
from handlers.command_parser import tokenize
from handlers.commands import DeptList, Literal, PersonRef, Token
from handlers.context import Actor
from handlers.format import fill, plain_markup
from handlers.intake_commands import TypeList
from handlers.interactions import pressed_message, queue_private, refresh_sent
from handlers.ports import RetryLater, Undeliverable
from handlers.results import DeptView, Text, TypeView
from handlers.runner import NOWHERE, Here, Outcome, Runner

if TYPE_CHECKING:
    from bot.app import Baton

log = logging.getLogger("baton.feishu")


@dataclass(frozen=True)
class Place:
    """Where a press happened: the chat and the card's message, in our namespace (None when unknown)."""

    chat: str | None = None
    message: str | None = None


def runner(baton: Baton) -> Runner:
    return Runner(baton.engine, baton.config, baton.clock, baton.directory)


def actor_of(baton: Baton, open_id: str, name: str | None = None, *, wrote: str | None = None) -> Actor:
    return runner(baton).identify(ours(open_id), name, wrote=wrote)


def run(baton: Baton, actor: Actor, command: Any, here: Here = NOWHERE) -> Outcome:
    outcome = runner(baton).run(actor, command, here)
    if outcome.ok:
        baton.worker.wake()
    return outcome


def departments(baton: Baton, actor: Actor) -> tuple[DeptView, ...]:
    return runner(baton).run(actor, DeptList()).reply.departments


def request_types(baton: Baton, actor: Actor) -> tuple[TypeView, ...]:
    """Every department's request types, for the New task form's Type menu."""
    return runner(baton).run(actor, TypeList()).reply.types


def task_form(
    baton: Baton, actor: Actor, *, metadata: dict[str, Any], chosen: str | None = None, **prefill: Any
) -> dict[str, Any]:
    """The New task form however it opens (command, menu, offer, stand-up blocker, the Type menu): the
    departments and request types to choose from, filled with what is known; `chosen` is a type's key
    (an unknown one, removed meanwhile, leaves the plain form)."""
    types = request_types(baton, actor)
    picked = next((v for v in types if v.key == chosen), None)
    if picked is not None and not prefill.get("dept"):
        prefill["dept"] = picked.dept
    return new_task_form(
        actor.locale, departments(baton, actor), metadata=metadata, types=types, chosen=picked, **prefill
    )


def tokens(text: str, mentions: tuple[Mention, ...]) -> list[Token]:
    """A message's text (people as @name) as the handlers' tokens: each person the speaker mentioned is a
    PersonRef in our namespace; a typed `@所有人` or `<at …>` is a Literal; quoted phrases stay whole."""
    if not text:
        return []
    by_name = {"@" + m.name: m for m in mentions}
    if not by_name:
        return [_word(w) for w in tokenize(text)]
    pattern = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    out: list[Token] = []
    for i, part in enumerate(re.split(f"({pattern})", text)):
        if i % 2:
            person = by_name[part]
            out.append(PersonRef(user_id=ours(person.open_id), name=person.name))
        else:
            out.extend(_word(w) for w in tokenize(part))
    return out


def _word(word: Token) -> Token:
    return Literal(word) if isinstance(word, str) and looks_like_a_ping(word) else word


def plain(text: Text, actor: Actor) -> str:
    """A catalogue text as a toast shows it: plain, in the speaker's language and time zone."""
    return fill(text, locale=actor.locale, tz=actor.tz, markup=plain_markup)


def toast(kind: str, content: str) -> dict[str, Any]:
    """A card callback's answer: a toast ("info" | "success" | "error" | "warning") for the presser."""
    return {"toast": {"type": kind, "content": content}}


# A form pressed open on a card a whole group sees is not put in that card's place (a callback's card
# replaces a shared card for every reader): it goes to the presser alone, as Feishu's ephemeral cards are
# meant to be used (a temporary card to interact with, deleted once done). These keys of a listener's
# answer are acted on by FeishuListeners, which has the API, and never reach Feishu.
PRIVATE_CARD = "_private_card"  # send this card to the presser only; the pressed card stays as it is
DONE_WITH = "_done_with"  # the private form (a message id) was submitted: delete it
PRIVATE = "private"  # in a form's callback values: the form is such a private card
MARKED = frozenset({ids.FORM_SUBMIT_ACTION, ids.TYPE_ACTION})


def privately(card: dict[str, Any]) -> dict[str, Any]:
    """The answer that sends `card` to the presser alone, its form's submit (and Type menu) marked."""
    _mark(card)
    return {PRIVATE_CARD: card}


def _mark(node: Any) -> None:
    if isinstance(node, dict):
        for behavior in node.get("behaviors") or []:
            value = behavior.get("value")
            if isinstance(value, dict) and value.get(ids.ACTION_KEY) in (
                ids.FORM_SUBMIT_ACTION,
                ids.TYPE_ACTION,
            ):
                value[PRIVATE] = 1
        for child in node.values():
            _mark(child)
    elif isinstance(node, list):
        for child in node:
            _mark(child)


def with_card(answer: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    """The callback's answer that also replaces the pressed card (card JSON 2.0, as "raw" data)."""
    return {**answer, "card": {"type": "raw", "data": card}}


def send_private(
    api: FeishuApi, *, open_id: str, chat_id: str | None, direct: bool, card: dict[str, Any]
) -> None:
    """A card only this person sees: ephemeral in a group, an ordinary message in a one-to-one chat
    (Feishu has no ephemeral cards there). A failure is logged: the speaker may try again."""
    try:
        if not direct and chat_id:
            try:
                api.send_ephemeral(chat_id=chat_id, open_id=open_id, card=card)
                return
            except (FeishuError, Undeliverable) as err:
                # Not allowed here (a chat type without ephemeral cards): a direct message instead.
                log.info("ephemeral card refused in %s (%s): sending it directly", chat_id, err)
        api.send_to_user(open_id, msg_type="interactive", content=card)
    except (FeishuError, RetryLater, Undeliverable) as err:
        log.warning("could not answer %s privately: %s", open_id, err)


def after_press(
    baton: Baton, actor: Actor, outcome: Outcome, place: Place, task_id: int | None = None
) -> dict[str, Any]:
    """A refusal: a private note (and the toast says why). A change: the toast, and the pressed card as it
    reads now (SPEC §7): a task's shared card or a direct message Baton sent. On a shared card
    (`update_multi`) the callback's card updates it for every reader, as Feishu documents; the outbox
    still brings it up to date (another replica, a late answer), and skips a PATCH that would put the
    very card this answer shows (bot/feishu/shown.py)."""
    if not outcome.ok and outcome.reply.text is not None:
        queue_private(
            baton.engine,
            user_id=actor.user_id,
            channel_id=place.chat,
            text=outcome.reply.text,
            clock=baton.clock,
        )
        baton.worker.wake()
        return toast("error", plain(outcome.reply.text, actor))
    card = None
    if place.chat and place.message:
        # A card sent to one person is re-rendered; a shared card is already queued by the handler.
        refresh_sent(baton.engine, channel=place.chat, ts=place.message, clock=baton.clock)
        card = pressed_card(baton, place, task_id)
    baton.worker.wake()
    said = toast("success", plain(outcome.reply.text, actor) if outcome.reply.text is not None else "✓")
    return with_card(said, card) if card is not None else said


def pressed_card(baton: Baton, place: Place, task_id: int | None) -> dict[str, Any] | None:
    """The pressed message's card as the outbox would draw it now; None when it is no task card or
    direct message of Baton's (a form, a list), or cannot be drawn now."""
    assert place.chat is not None and place.message is not None
    message = pressed_message(
        baton.engine,
        channel=place.chat,
        ts=place.message,
        task_id=task_id,
        clock=baton.clock,
        config=baton.config,
    )
    return message_card(message) if message is not None else None
