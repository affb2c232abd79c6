"""Feishu configuration (SPEC §7): defaults, feishu_enabled, one clear line per misconfiguration."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, load_settings

VARS = (
    "FEISHU_APP_ID",
    "FEISHU_APP_SECRET",
    "FEISHU_DOMAIN",
    "FEISHU_CONNECTION",
    "FEISHU_VERIFICATION_TOKEN",
    "FEISHU_ENCRYPT_KEY",
    "BATON_FEISHU_INTAKE_EMOJI",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for var in VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_follow_the_spec() -> None:
    s = load_settings()
    assert not s.feishu_enabled
    assert (s.feishu_domain, s.feishu_connection, s.baton_feishu_intake_emoji) == (
        "https://open.feishu.cn",
        "long",
        "Pin",
    )


def test_id_and_secret_turn_feishu_on_in_long_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEISHU_APP_ID", "cli_a1")
    monkeypatch.setenv("FEISHU_APP_SECRET", "sec")
    monkeypatch.setenv("FEISHU_DOMAIN", "https://open.larksuite.com/")
    s = load_settings()
    assert s.feishu_enabled and s.feishu_domain == "https://open.larksuite.com"
    s.require_feishu()  # long connection: nothing else needed


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"FEISHU_APP_SECRET": "sec"}, "FEISHU_APP_ID"),
        ({"FEISHU_APP_ID": "cli_a1"}, "FEISHU_APP_SECRET"),
        (
            {"FEISHU_APP_ID": "cli_a1", "FEISHU_APP_SECRET": "s", "FEISHU_CONNECTION": "http"},
            "FEISHU_VERIFICATION_TOKEN",
        ),
    ],
)
def test_misconfiguration_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s = load_settings()
    assert s.feishu_enabled
    with pytest.raises(ConfigError) as caught:
        s.require_feishu()
    message = str(caught.value)
    assert message.startswith(names) and "\n" not in message


@pytest.mark.parametrize(
    ("var", "value"), [("FEISHU_CONNECTION", "socket"), ("FEISHU_DOMAIN", "open.feishu.cn")]
)
def test_malformed_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, var: str, value: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(var)


def test_http_mode_with_token_is_fine_and_blank_values_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEISHU_APP_ID", "cli_a1")
    monkeypatch.setenv("FEISHU_APP_SECRET", "s")
    monkeypatch.setenv("FEISHU_CONNECTION", "HTTP")
    monkeypatch.setenv("FEISHU_VERIFICATION_TOKEN", "tok")
    monkeypatch.setenv("FEISHU_ENCRYPT_KEY", "  ")
    s = load_settings()
    assert s.feishu_connection == "http" and s.feishu_encrypt_key is None
    s.require_feishu()
