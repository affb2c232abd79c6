"""Handlers with a migrated database (in-memory SQLite, and PostgreSQL when configured) and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from handlers.clock import FixedClock
from tests.company import Driver, counts, seed, uid


@pytest.fixture
def bot(engine: Engine, clock: FixedClock) -> Driver:
    seed(engine, clock)
    return Driver(engine, clock)


def test_filing_stores_the_task_and_queues_the_owner_dm_and_the_channel_card(bot: Driver) -> None:
    outcome = bot.ok("alice", "new Check the seals on line 3 @pete due:friday !high")
    assert outcome.reply.text is not None and outcome.reply.text.key == "filed"
    task = bot.task(1)
    assert (task.title, task.priority, task.status) == ("Check the seals on line 3", "high", "open")
    assert (task.requester_id, task.owner_id, task.accountable_id) == (uid("alice"), uid("pete"), uid("pete"))
    assert task.source_channel == "C_GENERAL"
    # "friday" in Alice's zone (Shanghai) is Fri 20 Nov, end of the working day: 18:00 +08:00.
    assert task.due_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert task.due_at.tzinfo is not None
    assert bot.events(1) == [("created", uid("alice"), uid("pete"))]
    assert bot.outbox() == [("dm", uid("pete"), "assigned"), ("card", "C_GENERAL", "")]


def test_owners_department_owns_the_task_unless_a_department_is_named(bot: Driver) -> None:
    bot.ok("alice", "new Audit @paul")
    bot.ok("alice", "new Audit for QA @paul #qa")
    bot.ok("alice", "new Anyone in QA #qa")
    own, other, dept_only = bot.task(1), bot.task(2), bot.task(3)
    assert own.accountable_id == uid("pete")
    assert (other.owner_id, other.accountable_id) == (uid("paul"), uid("quinn"))
    assert (dept_only.owner_id, dept_only.accountable_id) == (uid("quinn"), uid("quinn"))


def test_a_tasks_whole_life_records_every_step_and_tells_the_right_people(bot: Driver) -> None:
    bot.ok("alice", "new Replace gasket @pete")
    bot.clear_outbox()
    bot.ok("pete", "ack 1")
    bot.ok("pete", "start T-1 on it")
    bot.ok("pete", "done t-1 replaced")
    assert bot.task(1).status == "done"
    bot.ok("alice", "verify 1")
    task = bot.task(1)
    assert task.status == "verified" and task.closed_at is not None and task.acknowledged_at is not None
    assert [e[0] for e in bot.events(1)] == ["created", "ack", "start", "done", "verify"]
    assert bot.dms() == [  # starting only updates the card: the requester waits for news, not moves
        (uid("alice"), "ack"),
        (uid("alice"), "done"),
        (uid("pete"), "verify"),
        (uid("alice"), "rate_ask"),  # verified without a rating: the requester is asked for one
    ]


def test_finishing_an_unacknowledged_task_walks_and_records_the_implied_steps(bot: Driver) -> None:
    bot.ok("alice", "new Quick one @pete")
    bot.ok("pete", "done 1")
    assert [e[0] for e in bot.events(1)] == ["created", "ack", "start", "done"]


def test_reopen_sends_it_back_and_the_owner_can_start_again(bot: Driver) -> None:
    bot.ok("alice", "new Fix label @pete")
    bot.ok("pete", "done 1")
    bot.clear_outbox()
    bot.ok("alice", "reopen 1 the label is still crooked")
    assert bot.task(1).status == "reopened"
    assert bot.dms() == [(uid("pete"), "reopen")]
    bot.ok("pete", "start 1")
    assert bot.task(1).status == "in_progress"


@pytest.mark.parametrize(
    ("who", "command", "allowed"),
    [
        ("pete", "ack 1", True),
        ("alice", "ack 1", False),
        ("sam", "ack 1", False),
        ("pete", "start 1", True),
        ("sam", "start 1", False),
        ("pete", "block 1 no parts", True),
        ("olga", "block 1 no parts", False),
        ("pete", "done 1", True),
        ("alice", "done 1", False),
        ("alice", "cancel 1 not needed", True),
        ("pete", "cancel 1 not needed", True),  # pete leads production
        ("paul", "cancel 1 not needed", False),
        ("sam", "cancel 1 not needed", False),
        ("admin", "cancel 1 not needed", True),
        ("alice", "due 1 tomorrow", True),
        ("paul", "due 1 tomorrow", False),
        ("alice", "priority 1 urgent", True),
        ("paul", "priority 1 urgent", False),
        ("pete", "assign 1 @pete", True),
        ("alice", "assign 1 @sam", False),
        ("admin", "assign 1 @sam", True),
        ("olga", "comment 1 any news?", True),
        ("olga", "watch 1", True),
        ("olga", "show 1", True),
    ],
)
def test_permission_table(bot: Driver, who: str, command: str, allowed: bool) -> None:
    bot.ok("alice", "new Check stock @paul")
    if allowed:
        bot.ok(who, command)
    else:
        key = "not_allowed_edit" if command.split()[0] in ("due", "priority") else "not_allowed_move"
        bot.refused(who, command, key)


def test_requester_moves_need_the_requester_or_the_lead(bot: Driver) -> None:
    bot.ok("alice", "new Check stock @paul")
    bot.ok("paul", "done 1")
    bot.refused("paul", "verify 1", "not_allowed_move")
    bot.refused("sam", "reopen 1 meh", "not_allowed_move")
    bot.ok("pete", "verify 1")  # the accountable lead may


@pytest.mark.parametrize(
    ("setup", "command", "key"),
    [
        ([], "verify 1", "bad_transition"),
        (["ack 1"], "ack 1", "bad_transition"),
        (["done 1"], "block 1 oops", "bad_transition"),
        (["done 1"], "cancel 1 late", "bad_transition"),
        (["cancel 1 gone"], "start 1", "task_closed"),
    ],
)
def test_moves_off_the_map_are_refused_with_the_current_state(
    bot: Driver, setup: list[str], command: str, key: str
) -> None:
    bot.ok("alice", "new Check stock @pete")
    for step in setup:
        bot.ok("pete", step)
    bot.refused("pete", command, key)


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("frobnicate 1", "unknown_subcommand"),
        ("show", "task_id_missing"),
        ("show banana", "task_id_bad"),
        ("show 99", "task_not_found"),
        ("ack 99", "task_not_found"),
        ("new Fix it @nobody", "person_unknown"),
        ("new Fix it #marketing", "dept_unknown"),
        ("new Fix it @pete due:whenever", "date_unreadable"),
        ("new Fix it @pete due:yesterday", "date_in_past"),
        ("new Fix it @pete due:2020-01-01", "date_in_past"),
        ("new Fix it", "owner_or_dept_missing"),
        ("new Fix it @olga", "owner_without_dept"),
        ("new @pete", "title_missing"),
        ("new " + "x" * 1001 + " @pete", "title_too_long"),
        ("new Fix it @pete !someday", "priority_bad"),
        ("block 1", "reason_missing"),
        ("priority 1 whenever", "priority_bad"),
        ("list sideways", "list_scope_bad"),
        ("dept add ops lead @pete", "not_allowed_admin"),
        ("assign 1", "person_missing"),
        ("depends 1 on 1", "depends_self"),
    ],
)
def test_bad_input_gets_a_clear_refusal_and_changes_nothing(bot: Driver, command: str, key: str) -> None:
    bot.ok("alice", "new Existing task @pete")
    bot.refused("alice", command, key)


def test_title_with_bang_word_is_kept_and_unknown_priority_is_title_text(bot: Driver) -> None:
    bot.ok("alice", "new Say hi! to @pete")
    assert bot.task(1).title == "Say hi! to"


def test_reassign_refuses_the_current_owner_and_unknown_people(bot: Driver) -> None:
    bot.ok("alice", "new Check stock @paul")
    bot.refused("pete", "assign 1 @paul", "already_owner")
    bot.refused("pete", "assign 1 @nobody", "person_unknown")


def test_reassign_tells_new_owner_old_owner_and_requester(bot: Driver) -> None:
    bot.ok("alice", "new Pack samples @paul")
    bot.clear_outbox()
    bot.ok("pete", "assign 1 @pete")
    assert bot.task(1).owner_id == uid("pete")
    assert ("assign", uid("pete"), uid("pete")) in bot.events(1)
    assert sorted(bot.dms()) == sorted([(uid("paul"), "unassigned"), (uid("alice"), "reassigned")])


def test_due_change_is_recorded_and_dependents_hear_of_a_slip(bot: Driver, clock: FixedClock) -> None:
    bot.ok("alice", "new Buy resin @paul due:friday")
    bot.ok("quinn", "new Test resin batch @quinn")
    bot.ok("quinn", "depends 2 on 1")
    bot.clear_outbox()
    bot.ok("alice", 'due 1 "next friday 5pm"')
    assert bot.task(1).due_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert (uid("paul"), "due") in bot.dms()
    assert (uid("quinn"), "upstream_slipped") in bot.dms()
    assert bot.events(1)[-1][0] == "due"


def test_upstream_done_tells_the_downstream_owner(bot: Driver) -> None:
    bot.ok("alice", "new Buy resin @paul")
    bot.ok("alice", "new Test resin @quinn")
    bot.ok("quinn", "depends 2 on 1")
    bot.refused("paul", "depends 1 on 2", "depends_cycle")
    bot.clear_outbox()
    bot.ok("paul", "done 1")
    assert (uid("quinn"), "upstream_done") in bot.dms()


def test_comments_and_watchers(bot: Driver) -> None:
    bot.ok("alice", "new Ship order 42 @paul")
    bot.ok("olga", "watch 1")
    bot.ok("olga", "watch 1")  # watching twice is harmless
    bot.clear_outbox()
    bot.ok("sam", "comment 1 customer called again")
    assert sorted(bot.dms()) == sorted(
        [(uid("paul"), "comment"), (uid("alice"), "comment"), (uid("olga"), "comment")]
    )
    bot.clear_outbox()
    bot.ok("paul", "block 1 truck broke down")
    assert sorted(bot.dms()) == sorted(
        [(uid("alice"), "block"), (uid("pete"), "block"), (uid("olga"), "block")]
    )


def test_handover_moves_every_open_task_and_tells_everyone(bot: Driver) -> None:
    bot.ok("alice", "new One @paul")
    bot.ok("alice", "new Two @paul")
    bot.ok("sam", "new Three @paul")
    bot.ok("paul", "done 3")
    bot.ok("sam", "verify 3")  # closed: stays with paul
    bot.clear_outbox()
    bot.refused("sam", "handover @paul @pete", "not_allowed_handover")
    outcome = bot.ok("pete", "handover @paul @pete")
    assert outcome.reply.text is not None and outcome.reply.text.params["count"] == 2
    assert [bot.task(i).owner_id for i in (1, 2, 3)] == [uid("pete"), uid("pete"), uid("paul")]
    assert (uid("paul"), "handover_out") in bot.dms()
    assert (uid("alice"), "reassigned") in bot.dms()
    assert ("assign", uid("pete"), uid("pete")) in bot.events(1)
    bot.refused("pete", "handover @paul @pete", "nothing_to_hand_over")


def test_department_admin(bot: Driver) -> None:
    bot.ok("admin", "dept add logistics lead @olga channel #logistics sla 2h")
    bot.refused("admin", "dept add logistics lead @olga", "dept_exists")
    bot.refused("alice", "dept set logistics sla 8h", "not_allowed_admin")
    bot.ok("admin", "dept set logistics sla 8h")
    bot.ok("admin", "member @sam logistics")
    reply = bot.ok("sam", "dept list").reply
    assert [(d.name, d.sla_hours) for d in reply.departments] == [
        ("logistics", 8),
        ("production", 4),
        ("qa", 4),
        ("sales", 4),
    ]
    bot.ok("alice", "new Book truck #logistics")
    assert bot.task(1).owner_id == uid("olga")  # the lead, since no one was named


def test_lists_filter_and_put_the_most_urgent_first(bot: Driver, clock: FixedClock) -> None:
    bot.ok("alice", "new Low one @pete !low")
    bot.ok("alice", "new Urgent one @pete !urgent due:tomorrow")
    bot.ok("alice", "new Normal soon @pete due:friday")
    bot.ok("alice", "new Normal today @pete due:eod")
    bot.ok("sam", "new For QA @quinn")
    bot.ok("pete", "done 1")

    def ids(who: str, text: str) -> list[int]:
        return [v.id for v in bot.ok(who, text).reply.tasks]

    assert ids("pete", "list") == [2, 4, 3]
    assert ids("alice", "list requested") == [2, 4, 3, 1]
    assert ids("alice", "list waiting") == [1]
    assert ids("olga", "list dept qa") == [5]
    assert ids("olga", "list all") == [2, 4, 3, 5]
    clock.advance(timedelta(days=1))
    assert ids("olga", "list overdue") == [4]


def test_show_returns_the_full_history(bot: Driver) -> None:
    bot.ok("alice", "new Calibrate scale @pete")
    bot.ok("pete", "block 1 waiting for weights")
    bot.ok("olga", "comment 1 weights arrive monday")
    reply = bot.ok("olga", "show 1").reply
    assert reply.kind == "detail" and reply.task is not None
    assert [e.action for e in reply.task.history] == ["created", "ack", "start", "block", "comment"]
    assert reply.task.history[3].note == "waiting for weights"
    assert reply.names[uid("pete")] == "pete"


def test_due_dates_are_read_in_the_speakers_time_zone(bot: Driver) -> None:
    bot.ok("alice", "new A @pete due:tomorrow")  # Shanghai
    bot.ok("quinn", "new B @pete due:tomorrow")  # Berlin
    assert bot.task(1).due_at == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)
    assert bot.task(2).due_at == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)


def test_text_that_could_ping_is_stored_as_plain_words(engine: Engine, clock: FixedClock) -> None:
    seed(engine, clock)
    from bot.slack.syntax import words
    from handlers.context import Config
    from handlers.runner import Here, Runner

    runner = Runner(engine, Config(), clock)
    text = "new Tell <!channel> and &lt;@U999&gt; about R&amp;D <@U_PETE|pete>"
    outcome = runner.task(runner.identify(uid("alice"), "alice"), words(text), Here(channel_id="C1"))
    assert outcome.ok
    assert Driver(engine, clock).task(1).title == "Tell @channel and <@U999> about R&D"
    assert counts(engine)["Task"] == 1


def test_tasks_filed_in_a_private_channel_stay_among_the_people_involved(
    engine: Engine, clock: FixedClock
) -> None:
    from handlers.runner import Here, Runner
    from tests.company import CONFIG

    seed(engine, clock)
    bot = Driver(engine, clock)
    runner = Runner(engine, CONFIG, clock)
    actor = runner.identify(uid("alice"), "alice")
    text = "new Salary review for @paul #production"
    outcome = runner.task(actor, text, Here(channel_id="G1", conversation="private"))
    assert outcome.ok and bot.task(1).private
    bot.ok("alice", "new Public one @pete")

    def listed(who: str, text: str) -> list[int]:
        return [v.id for v in bot.ok(who, text).reply.tasks]

    assert listed("olga", "list all") == [2]  # outside it: not even listed
    assert listed("sam", "list dept production") == [2]
    bot.refused("olga", "show 1", "task_not_found")  # nor does it admit it exists
    assert listed("alice", "list requested") == [1, 2]
    assert listed("pete", "list all") == [1, 2]  # pete leads production: accountable, so involved
    bot.ok("pete", "show 1")
