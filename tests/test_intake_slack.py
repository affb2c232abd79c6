"""Intake on Slack, through signed requests and the fake Slack: the Type menu redraws the New task form with
the type's fields (views.update) and its priority, a required field left empty is refused inline, every New
task form offers the menu, and the five rating buttons record a rating."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from tests.company import counts
from tests.fake_slack import FakeSlack
from tests.live import LiveBaton, eventually
from tests.slack_payloads import block_actions, button, message_action, view_submission
from tests.test_slack_surfaces import actions_in, live, opened, task  # noqa: F401  (live: a fixture)

from storage.models import TaskField  # isort: skip


REPAIR = 'type add production repair fields "part no"*, line'


def _choose_type(app: LiveBaton, fake: FakeSlack, key: str, define: str = REPAIR) -> dict[str, Any]:
    """Open the form, pick a type in its menu (as Slack sends it: block_actions from the view), and
    return the form Baton redrew."""
    app.reply_text("U_PETE", define)
    assert app.slash("U_ALICE", "").status_code == 200
    form = opened(fake, "baton_new_task")
    menu = next(b for b in form["blocks"] if b["block_id"] == "request_type")
    assert [o["value"] for o in menu["element"]["options"]] == [key]
    state = view_submission("U_ALICE", form, {"title": "Pump leaks"})["view"]
    action = {
        "type": "static_select",
        "action_id": "request_type",
        "block_id": "request_type",
        "selected_option": {"value": key},
        "action_ts": "1",
    }
    payload = block_actions("U_ALICE", action, home=True)
    payload["container"] = {"type": "view", "view_id": state["id"]}
    payload["view"] = {**state, "hash": "h1"}
    assert app.interact(payload).status_code == 200
    update = eventually(lambda: fake.calls_to("views.update"), what="the form redrawn")[-1]
    assert (update.params["view_id"], update.params["hash"]) == ("V9", "h1")
    view = update.params["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_the_type_menu_adds_fields_and_the_form_files(live: LiveBaton, fake_slack: FakeSlack) -> None:  # noqa: F811
    redrawn = _choose_type(live, fake_slack, "production/repair")
    blocks = {b["block_id"]: b for b in redrawn["blocks"]}
    assert {"field:part no", "field:line"} <= set(blocks)
    assert blocks["field:part no"]["label"]["text"] == "part no *"
    assert blocks["title"]["element"]["initial_value"] == "Pump leaks"  # what was typed is kept
    redrawn["private_metadata"] = redrawn.get("private_metadata", "{}")
    before = counts(live.baton.engine)
    refused = live.interact(
        view_submission(
            "U_ALICE",
            redrawn,
            {"request_type": "production/repair", "title": "Pump leaks", "field:line": "2"},
        )
    )
    body = refused.json()
    assert body["response_action"] == "errors" and list(body["errors"]) == ["field:part no"]
    assert counts(live.baton.engine) == before
    values = {
        "request_type": "production/repair",
        "title": "Pump leaks",
        "field:part no": "P-7",
        "field:line": "2",
    }
    response = live.interact(view_submission("U_ALICE", redrawn, values))
    assert response.status_code == 200
    filed = eventually(lambda: _fields(live), what="the typed task")
    assert filed == [("part no", "P-7"), ("line", "2")]
    assert task(live).title == "Pump leaks" and task(live).owner_id == "U_PETE"


def test_choosing_a_type_presets_its_priority(live: LiveBaton, fake_slack: FakeSlack) -> None:  # noqa: F811
    redrawn = _choose_type(
        live, fake_slack, "production/urgent-fix", "type add production urgent-fix priority high"
    )
    priority = next(b for b in redrawn["blocks"] if b["block_id"].startswith("priority"))
    # A block of its own: Slack would otherwise keep the "normal" the first form showed.
    assert priority["block_id"] == "priority=high"
    assert priority["element"]["initial_option"]["value"] == "high"
    values = {"request_type": "production/urgent-fix", "title": "Press stopped", "priority=high": "high"}
    assert live.interact(view_submission("U_ALICE", redrawn, values)).status_code == 200
    assert eventually(lambda: task(live).priority, what="the task filed") == "high"


def test_every_new_task_form_offers_the_type_menu(live: LiveBaton, fake_slack: FakeSlack) -> None:  # noqa: F811
    live.reply_text("U_PETE", REPAIR)
    live.interact(message_action("U_ALICE", channel="C_FLOOR", text="Pump leaks", ts="1700000000.5"))
    form = opened(fake_slack, "baton_new_task")
    menu = next(b for b in form["blocks"] if b["block_id"] == "request_type")
    assert [o["value"] for o in menu["element"]["options"]] == ["production/repair"]
    assert (
        next(b for b in form["blocks"] if b["block_id"] == "title")["element"]["initial_value"]
        == "Pump leaks"
    )


def _fields(app: LiveBaton) -> list[tuple[str, str]]:
    with Session(app.baton.engine) as session:
        rows = session.exec(select(TaskField).order_by(TaskField.position)).all()  # type: ignore[arg-type]
        return [(r.name, r.value) for r in rows]


def test_the_rating_buttons_record_a_rating(live: LiveBaton, fake_slack: FakeSlack) -> None:  # noqa: F811
    live.reply_text("U_ALICE", "new Order resin <@U_PAUL|paul>")
    live.reply_text("U_PAUL", "done 1")
    live.reply_text("U_ALICE", "verify 1")
    ask = eventually(
        lambda: [c for c in fake_slack.dms_to("U_ALICE") if "task_rate5" in actions_in(c.params["blocks"])],
        what="the rating buttons",
    )[-1]
    assert actions_in(ask.params["blocks"]) == [f"task_rate{n}" for n in range(1, 6)]
    assert live.interact(
        block_actions("U_ALICE", button("task_rate4", "1"), channel="U_ALICE", message_ts="1.1")
    )
    assert eventually(lambda: task(live).rating, what="the rating") == 4
    told = eventually(
        lambda: [c for c in fake_slack.dms_to("U_PAUL") if "4/5" in json.dumps(c.params, ensure_ascii=False)],
        what="the owner told the rating",
    )
    assert told
