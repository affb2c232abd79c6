"""Block Kit for each typed message Baton sends (handlers.outgoing): the body in, a payload out."""

from __future__ import annotations

import json
from typing import Any

from bot.slack import ids
from bot.slack.home_view import home_view
from bot.slack.render import (
    card_payload,
    digest_payload,
    notice_payload,
    payload,
    stats_blocks,
    text_of,
)
from bot.slack.standup_render import answer_payload, open_payload, prompt_payload, summary_payload
from bot.slack.syntax import escape
from bot.slack.syntax import t as catalogue
from handlers.outgoing import (
    Card,
    Digest,
    HomeView,
    IntakeOffer,
    Notice,
    Outgoing,
    PrivateNote,
    StandupAnswerPost,
    StandupOpening,
    StandupPrompt,
    StandupSummaryPost,
    StatsPost,
)


def render(message: Outgoing) -> dict[str, Any]:
    """The message's payload: `text` and `blocks` for chat.postMessage, or `view` for a home tab."""
    body, locale, tz = message.body, message.reader.locale, message.reader.tz
    match body:
        case Notice():
            item = body.item
            return notice_payload(
                body.text,
                item.task if item else None,
                locale=locale,
                tz=tz,
                note=body.note,
                moves=list(item.moves) if item else None,
            )
        case Card():
            return card_payload(body.item.task, locale=locale, tz=tz, moves=list(body.item.moves))
        case Digest():
            return digest_payload(body, locale=locale, tz=tz, now=message.now)
        case StandupOpening():
            return open_payload(body.day, body.close, locale)
        case StandupPrompt():
            return prompt_payload(body.channel, body.run_id, locale)
        case StandupAnswerPost():
            return answer_payload(message.names.get(body.user_id, ""), body, locale)
        case StandupSummaryPost():
            return summary_payload(body.summary, dict(message.names), locale)
        case StatsPost():
            title = text_of(body.title, locale, tz)
            return payload(stats_blocks(title, body.stats, locale), title)
        case HomeView():
            return {"view": home_view(body.home, locale=locale, tz=tz, now=message.now)}
        case PrivateNote():
            return {"text": text_of(body.text, locale, tz)}
        case IntakeOffer():
            return offer_payload(body, locale)
    raise TypeError(f"no Block Kit for {type(body).__name__}")


QUOTE_LIMIT = 2000  # a section's text holds 3000 characters; the quote is a reminder, not the record


def offer_payload(offer: IntakeOffer, locale: str) -> dict[str, Any]:
    """The quoted message, the question, and the button that opens the New task form filled from it."""
    quote = offer.quote if len(offer.quote) <= QUOTE_LIMIT else offer.quote[: QUOTE_LIMIT - 1] + "…"
    quoted = "\n".join("> " + escape(line) for line in (quote or "…").splitlines())
    question = catalogue(locale, "intake_offer")
    value = json.dumps({"channel": offer.channel, "message": offer.message_id})
    button = {
        "type": "button",
        "action_id": ids.INTAKE_OFFER,
        "style": "primary",
        "text": {"type": "plain_text", "text": catalogue(locale, "intake_offer_button")},
        "value": value,
    }
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": quoted}},
        {"type": "section", "text": {"type": "mrkdwn", "text": question}},
        {"type": "actions", "elements": [button]},
    ]
    return {"text": question, "blocks": blocks}
