"""Configuration (SPEC §1): defaults, one line per bad setting, no secret in any log."""

from __future__ import annotations

import logging

import pytest

from bot import cli
from bot.settings import ConfigError, Settings, load_settings

VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "BATON_ADMINS",
    "BATON_TIMEZONE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for var in VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_follow_the_spec() -> None:
    s = load_settings()
    assert (s.slack_api_url, s.database_url, s.port, s.admins, s.baton_timezone) == (
        "https://slack.com/api/",
        "sqlite:///baton.db",
        3000,
        frozenset(),
        "UTC",
    )
    assert not s.socket_mode


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("BATON_ADMINS=U1, U2\nPORT=4000\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    monkeypatch.setenv("BATON_TIMEZONE", "Asia/Shanghai")
    s = load_settings()
    assert s.admins == frozenset({"U1", "U2"}) and s.port == 4000 and s.baton_timezone == "Asia/Shanghai"
    assert s.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("PORT", "abc", "PORT"),
        ("PORT", "70000", "PORT"),
        ("BATON_TIMEZONE", "Mars/Base", "BATON_TIMEZONE"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL"),
    ],
)
def test_malformed_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)


def test_run_without_tokens_points_to_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "baton console" in err


def test_http_mode_needs_the_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        load_settings().require_slack()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    load_settings().require_slack()  # Socket Mode needs no signing secret
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    with pytest.raises(ConfigError, match="xoxb-"):
        load_settings().require_slack()


def test_secrets_never_show_in_reprs_or_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh-signing")
    s = Settings()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("baton").info("settings: %s %r", s, s)
    assert "very-secret" not in caplog.text and "shh-signing" not in caplog.text
    assert "very-secret" not in repr(s)


def test_log_lines_carry_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    from bot import logs

    logs.configure()
    try:
        request_id = logs.new_request_id()
        logging.getLogger("baton.test").info("hello")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert f"INFO baton.test request={request_id} hello" in line
    finally:
        logging.getLogger().handlers.clear()
