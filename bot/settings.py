"""Configuration from the environment and an optional .env file (SPEC §1)."""

from __future__ import annotations

from typing import Literal
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
    # The reaction that offers to file a message as a task: an emoji's name, without colons.
    baton_intake_emoji: str = Field(default="ticket", validation_alias="BATON_INTAKE_EMOJI")
    # Where delivery runs (bot/workers.py): auto (the default) is its own process; thread saves memory.
    baton_delivery: Literal["auto", "process", "thread"] = Field(
        default="auto", validation_alias="BATON_DELIVERY"
    )

    baton_workers: int = Field(default=1, ge=1, le=64, validation_alias="BATON_WORKERS")  # PostgreSQL only

    # -- Feishu / Lark (SPEC §7): one block, kept together ---------------------------------------
    feishu_app_id: str | None = Field(default=None, validation_alias="FEISHU_APP_ID")
    feishu_app_secret: SecretStr | None = Field(default=None, validation_alias="FEISHU_APP_SECRET")
    feishu_domain: str = Field(default="https://open.feishu.cn", validation_alias="FEISHU_DOMAIN")
    feishu_connection: Literal["long", "http"] = Field(default="long", validation_alias="FEISHU_CONNECTION")
    feishu_verification_token: SecretStr | None = Field(
        default=None, validation_alias="FEISHU_VERIFICATION_TOKEN"
    )
    feishu_encrypt_key: SecretStr | None = Field(default=None, validation_alias="FEISHU_ENCRYPT_KEY")
    # "Pin" (📌): marks a message to keep track of; unlike OK, THUMBSUP or JIAYI (+1) nobody uses it to
    # agree or thank. From the Open Platform's emoji list (表情文案说明, emoji_type column).
    baton_feishu_intake_emoji: str = Field(default="Pin", validation_alias="BATON_FEISHU_INTAKE_EMOJI")

    @field_validator(
        "feishu_app_id", "feishu_app_secret", "feishu_verification_token", "feishu_encrypt_key", mode="before"
    )
    @classmethod
    def _feishu_blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("feishu_connection", mode="before")
    @classmethod
    def _feishu_connection(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("feishu_domain")
    @classmethod
    def _feishu_domain(cls, value: str) -> str:
        # lark-oapi takes an origin only (scheme://host[:port]); a trailing slash is forgiven.
        value = value.rstrip("/")
        if not value.startswith(("http://", "https://")) or value.count("/") > 2:
            raise ValueError(
                "must be an origin such as https://open.feishu.cn or https://open.larksuite.com (no path)"
            )
        return value

    @property
    def feishu_enabled(self) -> bool:
        return self.feishu_app_id is not None or self.feishu_app_secret is not None

    def require_feishu(self) -> None:
        """What `baton run` needs before it can talk to Feishu / Lark."""
        if self.feishu_app_id is None or self.feishu_app_secret is None:
            missing = "FEISHU_APP_ID" if self.feishu_app_id is None else "FEISHU_APP_SECRET"
            raise ConfigError(
                f"{missing} is not set: Feishu needs both FEISHU_APP_ID (cli_…) and FEISHU_APP_SECRET "
                "(developer console → Credentials & Basic Info)."
            )
        if self.feishu_connection == "http" and self.feishu_verification_token is None:
            raise ConfigError(
                "FEISHU_VERIFICATION_TOKEN is not set: FEISHU_CONNECTION=http needs it to check Feishu's "
                "requests (Events & Callbacks → Encryption Strategy), or use FEISHU_CONNECTION=long."
            )

    @property
    def slack_enabled(self) -> bool:
        return any(
            v is not None for v in (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret)
        )

    def require_platform(self) -> None:
        """What `baton run` needs: Slack, Feishu / Lark, or both, each completely configured."""
        if not self.feishu_enabled or self.slack_enabled:
            self.require_slack()  # nothing configured at all: Slack's line says what to set
        if self.feishu_enabled:
            self.require_feishu()

    # -- end of Feishu / Lark ---------------------------------------------------------------------

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("baton_intake_emoji")
    @classmethod
    def _emoji(cls, value: str) -> str:
        name = value.strip().strip(":").lower()
        if not name or " " in name or ":" in name:
            raise ValueError(f"{value!r} is not an emoji name: write it without colons, e.g. ticket")
        return name

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
