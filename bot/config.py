"""Load and validate the TOML configuration, with secrets from the environment.

The policy part is validated by `conversations.policy.Policy`; this module adds the
runtime settings (database, channels) and turns validation errors into one line per key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from conversations.policy import Policy

EXAMPLE_CONFIG = Path(__file__).with_name("config.example.toml")
DEFAULT_DATABASE = "sqlite+aiosqlite:///complaintdesk.db"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and how to fix it."""


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = DEFAULT_DATABASE


class TelegramSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: SecretStr | None = None
    api_base: str | None = Field(None, description="another Bot API server, e.g. self-hosted")
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = Field(None, description="public https URL Telegram posts to")
    webhook_secret: SecretStr | None = None

    @model_validator(mode="after")
    def _webhook_complete(self) -> Self:
        if self.mode == "webhook" and (not self.webhook_url or not self.webhook_secret):
            msg = "webhook mode needs webhook_url and webhook_secret"
            raise ValueError(msg)
        return self


class WeChatSettings(BaseModel):
    """A WeChat Official Account (公众号) in safe mode (消息加解密: 安全模式)."""

    model_config = ConfigDict(extra="forbid")

    app_id: str | None = None
    app_secret: SecretStr | None = None
    token: SecretStr | None = None
    encoding_aes_key: SecretStr | None = None
    api_base: str = "https://api.weixin.qq.com"
    window_hours: int = Field(48, ge=1, le=48, description="customer-service message window")
    window_messages: int = Field(5, ge=1, description="messages allowed per window")
    templates: dict[str, str] = Field({}, description="update -> template id")

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_secret and self.token and self.encoding_aes_key)


class WeComSettings(BaseModel):
    """WeCom (企业微信) for staff: a self-built app, and group robots for department alerts."""

    model_config = ConfigDict(extra="forbid")

    corp_id: str | None = None
    corp_secret: SecretStr | None = None
    agent_id: int | None = None
    token: SecretStr | None = None
    encoding_aes_key: SecretStr | None = None
    api_base: str = "https://qyapi.weixin.qq.com"

    @property
    def enabled(self) -> bool:
        return bool(
            self.corp_id
            and self.corp_secret
            and self.agent_id
            and self.token
            and self.encoding_aes_key
        )


class WebSettings(BaseModel):
    """The one HTTP server: Telegram webhook, platform callbacks, health."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)


class Config(BaseSettings):
    """The whole file. Environment variables override it: COMPLAINTDESK_DATABASE__URL,
    COMPLAINTDESK_TELEGRAM__TOKEN and so on, so secrets need not sit in the file."""

    model_config = SettingsConfigDict(
        env_prefix="COMPLAINTDESK_", env_nested_delimiter="__", extra="forbid"
    )

    database: DatabaseSettings = DatabaseSettings()
    telegram: TelegramSettings = TelegramSettings()
    wechat: WeChatSettings = WeChatSettings()
    wecom: WeComSettings = WeComSettings()
    web: WebSettings = WebSettings()
    policy: Policy

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment wins over them.
        return (env_settings, init_settings)


def load_config(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{path}: no such file; create one with `complaintdesk init --config {path}`"
        raise ConfigError(msg) from None
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML: {error}"
        raise ConfigError(msg) from None
    try:
        return Config(**raw)
    except ValidationError as error:
        raise ConfigError(describe(path, error)) from None


def describe(path: Path, error: ValidationError) -> str:
    """One line per problem: the dotted key, then what is wrong with it."""
    lines = [f"{path}: {error.error_count()} problem(s) in the configuration"]
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        lines.append(f"  {key}: {_reason(problem)}")
    return "\n".join(lines)


def _reason(problem: Any) -> str:
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "extra_forbidden":
        return "unknown key (check the spelling against config.example.toml)"
    if problem["type"] == "missing":
        return "required but missing"
    given = problem.get("input")
    if isinstance(given, str | int | float) and repr(given) not in message:
        return f"{message} (got {given!r})"
    return message
