"""Configuration from the environment and an optional .env file (SPEC §1)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.context import Config


class ConfigError(Exception):
    """One line naming the variable and what to do about it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///baton.db", validation_alias="DATABASE_URL")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    baton_admins: str = Field(default="", validation_alias="BATON_ADMINS")
    baton_timezone: str = Field(default="UTC", validation_alias="BATON_TIMEZONE")

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("baton_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone, e.g. Asia/Shanghai or Europe/Berlin"
            ) from None
        return value

    @property
    def admins(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.baton_admins.split(",") if a.strip())

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def handler_config(self) -> Config:
        return Config(admins=self.admins, default_tz=self.baton_timezone)

    def require_slack(self) -> None:
        """What `baton run` needs before it can talk to Slack."""
        token = self.slack_bot_token.get_secret_value() if self.slack_bot_token else ""
        if not token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: put the bot token (xoxb-…) in the environment or .env "
                "(see .env.example), or try Baton without Slack: `baton console --demo`."
            )
        if not token.startswith("xoxb-"):
            raise ConfigError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions page)."
            )
        if self.slack_app_token is not None:
            if not self.slack_app_token.get_secret_value().startswith("xapp-"):
                raise ConfigError(
                    "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information)."
                )
        elif self.slack_signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests "
                "(Basic Information → Signing Secret), or set SLACK_APP_TOKEN for Socket Mode."
            )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; a malformed value becomes one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]).upper() if first.get("loc") else "configuration"
        raise ConfigError(f"{name}: {first['msg']}") from None
