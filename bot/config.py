"""Load and validate the TOML configuration, with secrets from the environment.

The policy part is validated by `conversations.policy.Policy`; this module adds the
runtime settings (database, channels) and turns validation errors into one line per key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from string import Formatter
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
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


TEMPLATE_UPDATES = ("received", "solution", "resolved", "closed")
TEMPLATE_VALUES = ("number", "status", "category", "time", "message", "solution")


class WeChatTemplate(BaseModel):
    """A template message (模板消息) and what each of its keywords shows.

    Since May 2023 WeChat shows neither `first` nor `remark` and at most 20 characters
    of each keyword, so the message must be spread over the template's own keywords:
    `fields = { character_string1 = "{number}", thing2 = "{solution}", time3 = "{time}" }`.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="the template id from the WeChat console")
    fields: dict[str, str] = Field(
        min_length=1, description="keyword -> text with " + ", ".join(TEMPLATE_VALUES)
    )

    @field_validator("fields")
    @classmethod
    def _known_values(cls, fields: dict[str, str]) -> dict[str, str]:
        known = ", ".join(f"{{{name}}}" for name in TEMPLATE_VALUES)
        for keyword, text in fields.items():
            try:
                names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
            except ValueError as error:
                msg = f"{keyword} = {text!r}: {error}"
                raise ValueError(msg) from None
            unknown = sorted(names - set(TEMPLATE_VALUES))
            if unknown:
                msg = f"{keyword} = {text!r}: unknown {{{unknown[0]}}}; use {known}"
                raise ValueError(msg)
        return fields


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
    templates: dict[str, WeChatTemplate] = Field(
        {}, description="update (" + ", ".join(TEMPLATE_UPDATES) + ") -> its template"
    )

    @field_validator("templates", mode="before")
    @classmethod
    def _templates_named(cls, templates: object) -> object:
        if not isinstance(templates, dict):
            return templates
        for update, template in templates.items():
            if update not in TEMPLATE_UPDATES:
                msg = f"{update!r} is not one of {', '.join(TEMPLATE_UPDATES)}"
                raise ValueError(msg)
            if isinstance(template, str):
                msg = (
                    f"{update}: give the template's keywords too, e.g. "
                    f'{update} = {{ id = "{template}", fields = {{ character_string1 = '
                    '"{number}", thing2 = "{message}", time3 = "{time}" } } '
                    "(WeChat no longer shows first and remark)"
                )
                raise ValueError(msg)
        return templates

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
