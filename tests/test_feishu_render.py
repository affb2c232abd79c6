"""Feishu cards for every message and reply: well formed, buttons that parse back, people mentioned as
Feishu mentions, and what people typed shown but never pinging."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from string import Formatter
from zoneinfo import ZoneInfo

import pytest

from bot.feishu import forms, ids
from bot.feishu.cards import MAX_DIGEST_ROWS, message_card
from bot.feishu.render import reply_card, text_of
from bot.feishu.syntax import ZWSP
from handlers.home import DeptNumbers, Home, Section
from handlers.i18n import template
from handlers.outgoing import (
    Body,
    Card,
    Digest,
    HomeView,
    IntakeOffer,
    Notice,
    Origin,
    Outgoing,
    PrivateNote,
    Reader,
    StandupAnswerPost,
    StandupOpening,
    StandupPrompt,
    StandupSummaryPost,
    StatsPost,
    TaskItem,
    Where,
)
from handlers.results import DeptView, EventView, Reply, TaskView, Text
from handlers.standup_runs import Blocker, StandupSummary
from handlers.stats import DeptStats
from tests.feishu_cards import card_text, check_card

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")
ALICE, BOB, SLACKER = "fs:ou_alice000000000000000000000000", "fs:ou_bob", "U123SLACK"
NAMES = {ALICE: "Alice", BOB: "Bob", SLACKER: "Sam"}
INJECTION = '<at user_id="all"></at> <at id=all></at> @所有人 @all'
PING = re.compile(r"<at\s+(user_)?id=\"?all|(?<![\w.])@(所有人|all)(?!\w)", re.IGNORECASE)


def txt(key: str, given: dict[str, object] | None = None, **more: object) -> Text:
    """A catalogue text with every placeholder filled (the ones not given by a plain word)."""
    wanted = {f for _, f, _, _ in Formatter().parse(template("en", key)) if f}
    return Text(key, {name: "x" for name in wanted} | (given or {}) | more)


def view(task_id: int = 7, **over: object) -> TaskView:
    fields: dict[str, object] = dict(
        id=task_id,
        title="Fix the invoice export",
        details="It breaks on VAT",
        status="open",
        priority="high",
        owner_id=ALICE,
        requester_id=BOB,
        accountable_id=SLACKER,
        owning_dept="finance",
        requesting_dept="sales",
        due_at=NOW + timedelta(days=1),
        created_at=NOW - timedelta(days=1),
        source_link="https://example.feishu.cn/x",
        waits_for=(3,),
        history=(
            EventView(BOB, "created", None, None, None, NOW),
            EventView(BOB, "assign", None, ALICE, "", NOW),
        ),
    )
    fields.update(over)
    return TaskView(**fields)  # type: ignore[arg-type]


def outgoing(body: Body, *, locale: str = "en", where: Where | None = None) -> Outgoing:
    return Outgoing(
        where=where or Where(ALICE, direct=True),
        reader=Reader(ALICE, locale, SHANGHAI, "Alice"),
        body=body,
        now=NOW,
        origin=Origin(1, "dm", "test", ALICE),
        names=NAMES,
    )


def stats() -> DeptStats:
    return DeptStats(
        "finance", date(2026, 11, 9), date(2026, 11, 15), 4, 3, 5, 2, 1.5, 1, ((7, "Old"),), (("it", 2),)
    )


def summary(blockers: int = 1) -> StandupSummary:
    items = tuple(Blocker(BOB, f"waiting on VPN {i}", ALICE, "it") for i in range(blockers))
    return StandupSummary(9, "fs:oc_team", "2026-11-20", (ALICE, BOB), (SLACKER,), (), items, closes="10:30")


def home() -> Home:
    sections = (
        Section("overdue", (view(1, due_at=NOW - timedelta(days=2)),), 1, 0),
        Section("owned", tuple(view(i) for i in range(10, 18)), 12, 0),
        Section("requested", (), 0, 0),
    )
    numbers = DeptNumbers("finance", 12, 1, timedelta(hours=3, minutes=5))
    return Home(sections, numbers, NAMES, {1: ["done", "block"], 10: ["ack"]})


BODIES: dict[str, Body] = {
    "notice": Notice(txt("n_assigned", actor="Bob"), TaskItem(view(), ("ack", "block"), menu=True), "asap"),
    "notice_plain": Notice(txt("n_done", {"actor": "Bob", "task_id": 7, "title": "x"})),
    "card": Card(TaskItem(view(), ("ack", "start", "done", "block", "cancel"), menu=True)),
    "digest": Digest(
        txt("n_overdue", {"count": 25}),
        tuple(
            TaskItem(view(i), ("done", "block"), snooze=True, reasons=(txt("r_overdue", {}),))
            for i in range(25)
        ),
    ),
    "opening": StandupOpening("Friday", "10:30"),
    "prompt": StandupPrompt("fs:oc_team", 9),
    "answer": StandupAnswerPost(BOB, "shipped", "review", "VPN down", ALICE, "it"),
    "summary": StandupSummaryPost(summary()),
    "stats": StatsPost(txt("n_digest", {"dept": "finance", "start": NOW, "end": NOW}), stats()),
    "home": HomeView(home()),
    "private": PrivateNote(txt("snoozed_ok", {"task_id": 7})),
    "offer": IntakeOffer("The dryer leaks\nsince this morning", "fs:oc_team", "fs:om_ask"),
}


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_body_renders_to_a_well_formed_card(name: str, locale: str) -> None:
    card = message_card(outgoing(BODIES[name], locale=locale))
    check_card(card)
    assert card_text(card).strip()


def test_the_intake_offer_quotes_the_message_and_its_button_names_it() -> None:
    card = message_card(outgoing(BODIES["offer"]))
    values = check_card(card)
    assert values == [{"a": ids.INTAKE_OFFER_ACTION, "channel": "fs:oc_team", "message": "fs:om_ask"}]
    text = card_text(card)
    assert "> The dryer leaks\n> since this morning" in text and "File this message as a task?" in text


def test_a_quoted_line_stays_text_not_a_heading_list_or_mention() -> None:
    from bot.feishu.syntax import quote

    quoted = quote("# Dryer\n- leaks\n  2. again\n```\n@all look\nfine")
    assert quoted.splitlines() == [
        "> &#35; Dryer",
        "> &#45; leaks",
        ">   2&#46; again",
        "> &#96;``",
        f"> @{ZWSP}all look",
        "> fine",
    ]


def test_task_buttons_move_or_ask_why_first() -> None:
    values = check_card(message_card(outgoing(BODIES["card"])))
    assert {"a": ids.MOVE_ACTION, "task": 7, "move": "ack"} in values
    assert {"a": ids.MOVE_ACTION, "task": 7, "move": "done"} in values
    for move in ("block", "cancel"):  # a reason first: the reason form, not the move
        assert {"a": ids.OPEN_FORM_ACTION, "form": ids.REASON_FORM, "task": 7, "move": move} in values
        assert {"a": ids.MOVE_ACTION, "task": 7, "move": move} not in values
    for form in (ids.ASSIGN_FORM, ids.DUE_FORM, ids.COMMENT_FORM):
        assert {"a": ids.OPEN_FORM_ACTION, "form": form, "task": 7} in values
    assert sum(v.get("move") == "cancel" for v in values) == 1  # the menu does not repeat a move


def test_a_digest_has_reasons_buttons_snooze_and_a_more_line() -> None:
    card = message_card(outgoing(BODIES["digest"]))
    values = check_card(card)
    shown = {v["task"] for v in values}
    assert shown == set(range(MAX_DIGEST_ROWS))
    assert {"a": ids.SNOOZE_ACTION, "task": 0} in values
    text = card_text(card)
    assert "…and 5 more." in text and text.count("T-") == MAX_DIGEST_ROWS


def test_standup_buttons_carry_the_run_and_the_person() -> None:
    assert check_card(message_card(outgoing(BODIES["prompt"]))) == [
        {"a": ids.STANDUP_ANSWER_ACTION, "run": 9}
    ]
    values = check_card(message_card(outgoing(BODIES["summary"])))
    assert values == [{"a": ids.STANDUP_BLOCKER_ACTION, "run": 9, "user": BOB}]
    text = card_text(message_card(outgoing(StandupSummaryPost(summary(30)))))
    assert "…and 10 more." in text


def test_home_card_has_moves_and_more_buttons() -> None:
    values = check_card(message_card(outgoing(BODIES["home"])))
    assert {"a": ids.MOVE_ACTION, "task": 1, "move": "done"} in values
    assert {"a": ids.HOME_MORE_ACTION, "section": "owned", "offset": 8} in values


def test_people_are_feishu_mentions_and_others_their_names() -> None:
    text = card_text(message_card(outgoing(BODIES["card"])))
    assert "<at id=ou_alice000000000000000000000000></at>" in text and "<at id=ou_bob></at>" in text
    assert "@Sam" in text and "U123SLACK" not in text and "fs:" not in text


def test_instants_are_written_in_the_readers_zone() -> None:
    text = card_text(message_card(outgoing(BODIES["card"])))
    assert "Sat 21 Nov 10:00" in text  # NOW + 1 day, 02:00 UTC, in Shanghai
    zh = card_text(message_card(outgoing(BODIES["card"], locale="zh")))
    assert "11月21日 周六 10:00" in zh


def test_typed_mentions_are_shown_but_never_ping() -> None:
    body = Card(TaskItem(view(title=INJECTION, details=INJECTION), ("ack",)))
    note = Notice(txt("n_comment", {"actor": INJECTION, "task_id": 7, "title": INJECTION}), None, INJECTION)
    answer = StandupAnswerPost(BOB, INJECTION, INJECTION, INJECTION, None, None)
    offer = IntakeOffer(INJECTION, "fs:oc_team", "fs:om_ask")
    for message in (body, note, answer, offer):
        text = card_text(message_card(outgoing(message)))
        assert not PING.search(text), text
        assert "所有人" in text and text.replace(ZWSP, "").count('<at user_id="all"></at>') >= 1
    assert not PING.search(
        text_of(txt("n_comment", {"actor": INJECTION, "task_id": 1, "title": "x"}), "en", UTC)
    )


def test_catalogue_markup_stays_markdown() -> None:
    text = text_of(
        txt(
            "lang_bad",
        ),
        "en",
        UTC,
    )
    assert "`/task lang en`" in text


@pytest.mark.parametrize(
    "reply",
    [
        Reply(
            kind="message",
            text=txt(
                "lang_set",
            ),
        ),
        Reply(kind="error", text=txt("task_not_found", {"task_id": 9})),
        Reply(
            kind="help",
            text=txt(
                "help",
            ),
        ),
        Reply(kind="task", text=txt("filed", {"task_id": 7, "owner": "Alice", "due": NOW}), task=view()),
        Reply(kind="detail", task=view(), names=NAMES),
        Reply(
            kind="list",
            text=txt(
                "list_mine",
            ),
            tasks=tuple(view(i) for i in range(40)),
            total=50,
            scope="mine",
        ),
        Reply(
            kind="list",
            text=txt(
                "list_mine",
            ),
            tasks=(),
            total=0,
            scope="mine",
        ),
        Reply(
            kind="departments",
            departments=(DeptView("finance", ALICE, "fs:oc_fin", 8), DeptView("it", "U1", None, 4)),
        ),
        Reply(kind="form", departments=(DeptView("finance", ALICE, None, 8),)),
        Reply(kind="stats", stats=stats()),
        Reply(kind="departments"),
        Reply(kind="message"),
        Reply(kind="standup_report", stats=summary(), names=NAMES),
    ],
    ids=lambda r: r.kind,
)
def test_every_reply_renders(reply: Reply) -> None:
    card = reply_card(reply, locale="zh", tz=SHANGHAI, now=NOW)
    values = check_card(card)
    assert card_text(card).strip()
    if reply.kind == "list" and reply.tasks:
        assert values[-1] == {"a": ids.LIST_MORE_ACTION, "scope": "mine", "dept": None, "offset": 30}


def test_forms_submit_their_name_and_metadata_with_known_inputs() -> None:
    depts = (DeptView("finance", ALICE, None, 8), DeptView("it", BOB, None, 4))
    cases = {
        ids.NEW_TASK_FORM: forms.new_task_form(
            "en", depts, metadata={"link": "https://x.cn/m"}, title="T", details="D"
        ),
        ids.REASON_FORM: forms.reason_form("zh", "block", 7),
        ids.ASSIGN_FORM: forms.assign_form("en", 7),
        ids.DUE_FORM: forms.due_form("en", 7),
        ids.COMMENT_FORM: forms.comment_form("en", 7),
        ids.STANDUP_FORM: forms.standup_form("en", 9, depts),
    }
    for name, card in cases.items():
        (submit,) = check_card(card)
        assert submit["a"] == ids.FORM_SUBMIT_ACTION and submit["form"] == name
    assert check_card(cases[ids.REASON_FORM]) == [
        {"a": ids.FORM_SUBMIT_ACTION, "form": ids.REASON_FORM, "task": 7, "move": "block"}
    ]
    assert check_card(cases[ids.STANDUP_FORM])[0]["run"] == 9
    new = json.dumps(cases[ids.NEW_TASK_FORM], ensure_ascii=False)
    for field in (
        ids.FIELD_TITLE,
        ids.FIELD_DETAILS,
        ids.FIELD_OWNER,
        ids.FIELD_DEPARTMENT,
        ids.FIELD_DUE_DATE,
        ids.FIELD_DUE_TIME,
        ids.FIELD_PRIORITY,
    ):
        assert f'"name": "{field}"' in new
    assert '"tag": "select_person"' in new and '"tag": "date_picker"' in new and '"tag": "picker_time"' in new


def test_huge_texts_stay_under_feishus_limits() -> None:
    big = view(title="标题" * 2000, details="x" * 50_000)
    check_card(message_card(outgoing(Card(TaskItem(big, ("ack",), menu=True)))))
    digest = Digest(
        txt("n_overdue", {"count": 30}),
        tuple(TaskItem(view(i, title="长" * 900), ("done",)) for i in range(30)),
    )
    check_card(message_card(outgoing(digest)))
