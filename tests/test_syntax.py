"""Platform syntax at the edge: Slack's in, neutral tokens to the parser; neutral markup out, each
platform's own. Typed text is shown as typed and never pings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.render import text_of
from bot.slack.syntax import conversation_of, mrkdwn, plain_text, words
from bot.text_render import reply_lines
from handlers.command_parser import parse_task_command
from handlers.commands import DeptRef, Literal, NewTask, PersonRef, SetMember
from handlers.format import fill, plain_markup
from handlers.results import Reply, Text
from handlers.standup_commands import StandupPeople, parse_standup_command

UTC_ZONE = ZoneInfo("UTC")


def test_slack_entities_become_people_departments_and_plain_words() -> None:
    tokens = words(
        "<@U1|bob> <#C9|Sales> <!channel> <!subteam^S1|@ops> <https://x.io/a|see> R&amp;D &lt;b&gt;"
    )
    assert tokens == [
        PersonRef(user_id="U1", name="bob"),
        DeptRef(name="sales", channel_id="C9"),
        Literal("@channel"),
        Literal("@ops"),
        Literal("https://x.io/a"),
        "R&D",
        "<b>",
    ]


def test_the_parser_reads_neutral_tokens_and_a_typed_broadcast_is_only_words() -> None:
    command = parse_task_command(words("new Tell <!here> about <https://x.io|it> <@U_PETE|pete> #ops"))
    assert command == NewTask(
        title="Tell @here about https://x.io", owner=PersonRef("U_PETE", "pete"), dept=DeptRef("ops")
    )
    # A pasted escaped mention is text, not a person.
    assert parse_task_command(words("new Ask &lt;@U999&gt;")) == NewTask(title="Ask <@U999>")


def test_plain_text_as_the_console_types_it_still_names_people_and_departments() -> None:
    assert parse_task_command("member @paul #production") == SetMember(
        person=PersonRef(None, "paul"), dept=DeptRef("production")
    )
    assert parse_standup_command("add @a @b") == StandupPeople(
        action="add", people=(PersonRef(None, "a"), PersonRef(None, "b"))
    )
    assert parse_standup_command(words("add <@U1|a>")) == StandupPeople(
        action="add", people=(PersonRef("U1", "a"),)
    )


def test_a_message_shown_as_a_person_reads_it() -> None:
    assert plain_text("Hi <@U1|bob>, see <https://x.io|this> in <#C1|floor> <!channel> &amp; go") == (
        "Hi @bob, see https://x.io in #floor @channel & go"
    )


def test_the_adapter_says_what_kind_of_conversation_it_is() -> None:
    assert conversation_of("D123", "directmessage") == "direct"
    assert conversation_of("C123", "privategroup") == "private"
    assert conversation_of("C123", "mpdm-a--b-1") == "private"
    assert conversation_of("G123") == "private"
    assert conversation_of("C123", "general") == "channel"


def test_neutral_markup_is_mrkdwn_on_slack_and_plain_in_the_console() -> None:
    markup = "**Done:** run `/task help` or read [the guide](https://x.io/guide)"
    assert mrkdwn(markup) == "*Done:* run `/task help` or read <https://x.io/guide|the guide>"
    assert plain_markup(markup) == "Done: run /task help or read the guide (https://x.io/guide)"


def test_values_are_never_read_as_markup_or_mentions() -> None:
    text = Text("standup_summary", {"day": "**x** <!channel>", "count": 1, "total": 2})
    slack = text_of(text, "en", UTC_ZONE)
    assert slack.startswith("*Stand-up **x** &lt;!channel&gt; closed:*")
    console = fill(text, locale="en", tz=UTC_ZONE, markup=plain_markup)
    assert console == "Stand-up **x** <!channel> closed: 1 of 2 answered."
    lines = reply_lines(Reply(kind="message", text=Text("standup_blockers")), locale="en", tz=UTC_ZONE)
    assert lines == ["Blockers"]
