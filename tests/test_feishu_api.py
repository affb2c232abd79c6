"""The Open Platform client against the fake: where messages land, and every failure as a delivery outcome."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bot.feishu.api import FeishuApi, FeishuError, Sent, build_client
from bot.feishu.directory import FeishuDirectory
from handlers.ports import RetryLater, Undeliverable
from tests.fake_feishu import BOT_OPEN_ID, FakeFeishu

CARD = {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}}


@pytest.fixture
def fake() -> Iterator[FakeFeishu]:
    server = FakeFeishu().start()
    yield server
    server.stop()


@pytest.fixture
def api(fake: FakeFeishu) -> FeishuApi:
    # lark-oapi caches tenant tokens per app id in a process-wide cache: a fresh id per test.
    return FeishuApi(
        build_client(app_id=f"cli_{uuid.uuid4().hex[:8]}", app_secret="s", domain=fake.url, timeout=2)
    )


def test_send_reply_patch_ephemeral_land_where_expected(api: FeishuApi, fake: FakeFeishu) -> None:
    dm = api.send_to_user("ou_alice", msg_type="text", content={"text": "hi"}, uuid="outbox-1")
    assert isinstance(dm, Sent) and dm.message_id.startswith("om_") and dm.chat_id == "oc_p2p_ou_alice"
    post = api.send_to_chat("oc_sales", msg_type="interactive", content=CARD)
    assert post.chat_id == "oc_sales"
    topic = api.reply(post.message_id, msg_type="text", content={"text": "answer"}, in_thread=True)
    assert topic.thread_id == f"omt_{post.message_id}"
    api.patch_card(post.message_id, CARD)
    private = api.send_ephemeral(chat_id="oc_sales", open_id="ou_bob", card=CARD)
    assert private.message_id and private.chat_id == "oc_sales"

    (send_dm, send_post) = fake.calls_to("send")
    assert send_dm.query == {"receive_id_type": "open_id"} and send_dm.body["uuid"] == "outbox-1"
    assert send_post.body["msg_type"] == "interactive" and '"schema": "2.0"' in send_post.body["content"]
    assert fake.calls_to("reply")[0].body["reply_in_thread"] is True
    assert fake.calls_to("patch")[0].path_id == post.message_id
    assert fake.calls_to("ephemeral")[0].body == {
        "chat_id": "oc_sales",
        "open_id": "ou_bob",
        "msg_type": "interactive",
        "card": CARD,
    }
    assert send_dm.headers["authorization"] == "Bearer t-fake"
    assert len(fake.calls_to("token")) == 1  # the tenant token is fetched once and reused


def test_rate_limit_pauses_everything_for_the_time_feishu_says(api: FeishuApi, fake: FakeFeishu) -> None:
    fake.fail("send", code=99991400, status=429, headers={"x-ogw-ratelimit-reset": "7"})
    with pytest.raises(RetryLater) as caught:
        api.send_to_user("ou_alice", msg_type="text", content={"text": "hi"})
    assert caught.value.pause_all and caught.value.retry_after == 7.0
    assert api.send_to_user("ou_alice", msg_type="text", content={"text": "hi"}).message_id


def test_per_recipient_limit_waits_without_pausing_everyone(api: FeishuApi, fake: FakeFeishu) -> None:
    fake.fail("send", code=230020, status=400)
    with pytest.raises(RetryLater) as caught:
        api.send_to_chat("oc_sales", msg_type="text", content={"text": "hi"})
    assert not caught.value.pause_all


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(api: FeishuApi, fake: FakeFeishu, status: int) -> None:
    fake.fail("reply", code=0, status=status)
    with pytest.raises(RetryLater) as caught:
        api.reply("om_1", msg_type="text", content={"text": "x"})
    assert not caught.value.pause_all


@pytest.mark.parametrize("code", [230002, 230013, 232011])
def test_bot_not_in_chat_or_user_gone_is_undeliverable(api: FeishuApi, fake: FakeFeishu, code: int) -> None:
    fake.fail("send", code=code, status=400)
    with pytest.raises(Undeliverable):
        api.send_to_chat("oc_gone", msg_type="text", content={"text": "x"})


def test_refused_connection_and_unreachable_host_are_retried(api: FeishuApi, fake: FakeFeishu) -> None:
    fake.fail("patch", refuse=True)
    with pytest.raises(RetryLater):
        api.patch_card("om_1", CARD)
    dead = FeishuApi(build_client(app_id="cli_dead", app_secret="s", domain="http://127.0.0.1:9", timeout=1))
    with pytest.raises(RetryLater):
        dead.send_to_user("ou_a", msg_type="text", content={"text": "x"})


def test_token_endpoint_rate_limited_or_down_is_retried(fake: FakeFeishu) -> None:
    fake.fail("token", code=99991400, status=429, headers={"x-ogw-ratelimit-reset": "3"})
    api = FeishuApi(build_client(app_id=f"cli_{uuid.uuid4().hex[:8]}", app_secret="s", domain=fake.url))
    with pytest.raises(RetryLater) as caught:
        api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    assert caught.value.pause_all
    fake.fail("token", status=502)
    with pytest.raises(RetryLater):
        api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    assert api.send_to_user("ou_a", msg_type="text", content={"text": "x"}).message_id


def test_an_invalid_token_is_dropped_and_fetched_again(api: FeishuApi, fake: FakeFeishu) -> None:
    api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    fake.fail("send", code=99991663, status=400)
    with pytest.raises(RetryLater):
        api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    assert len(fake.calls_to("token")) == 2


def test_a_request_baton_got_wrong_is_an_error_not_a_retry(api: FeishuApi, fake: FakeFeishu) -> None:
    fake.fail("send", code=230001, status=400)
    with pytest.raises(FeishuError) as caught:
        api.send_to_user("ou_a", msg_type="text", content={"text": "x"})
    assert caught.value.code == 230001


def test_bot_open_id(api: FeishuApi) -> None:
    assert api.bot_open_id() == BOT_OPEN_ID


def test_directory_profiles_are_cached_and_unknown_people_are_none(api: FeishuApi, fake: FakeFeishu) -> None:
    fake.add_user(
        "ou_li", "李雷", time_zone="Asia/Shanghai", department_ids=["od_sales"], is_tenant_manager=True
    )
    directory = FeishuDirectory(api)
    profile = directory.profile("ou_li")
    assert profile is not None
    assert (profile.name, profile.tz, profile.is_admin, profile.locale) == (
        "李雷",
        "Asia/Shanghai",
        True,
        None,
    )
    assert directory.departments("ou_li") == ("od_sales",)
    directory.profile("ou_li")
    assert len(fake.calls_to("user")) == 1
    assert fake.calls_to("user")[0].query["user_id_type"] == "open_id"
    assert directory.profile("ou_nobody") is None


def test_directory_keeps_an_old_answer_when_feishu_is_down(api: FeishuApi, fake: FakeFeishu) -> None:
    from datetime import timedelta

    from handlers.clock import FixedClock
    from tests.test_feishu_http import NOW

    clock = FixedClock(NOW)
    fake.add_user("ou_li", "李雷")
    directory = FeishuDirectory(api, clock=clock, ttl=timedelta(minutes=5))
    assert directory.profile("ou_li") is not None
    clock.advance(timedelta(minutes=10))
    fake.fail("user", status=503)
    cached = directory.profile("ou_li")
    assert cached is not None and cached.name == "李雷"
