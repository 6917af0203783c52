"""Load and validate the TOML configuration, with secrets from the environment.

The policy part is validated by `conversations.base.policy.Policy`; this module adds the
runtime settings (database, channels) and turns validation errors into one line per key.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path
from string import Formatter
from typing import Any, Literal, Self, TypeVar

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
from sqlalchemy.engine import make_url

from bot import config_rules as rules
from bot.config_checks import Problem, refusals
from conversations.base.policy import Policy

EXAMPLE_CONFIG = Path(__file__).with_name("config.example.toml")
DEFAULT_DATABASE = "sqlite+aiosqlite:///complaintdesk.db"
M = TypeVar("M", bound=BaseModel)
# Keys whose value an error message must not repeat: it would print a secret.
UNECHOED = {"token", "webhook_secret", "app_secret", "corp_secret", "encoding_aes_key", "url"}
UNECHOED |= {"secret"}  # [miniapp] secret


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and how to fix it."""


class DatabaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = DEFAULT_DATABASE
    sqlite_synchronous: Literal["full", "normal"] = Field(
        "full", description="full: commits survive power loss; normal: a process crash only"
    )

    @field_validator("url")
    @classmethod
    def _supported(cls, url: str) -> str:
        return rules.database_url(url)


class TelegramSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: SecretStr | None = None
    api_base: str | None = Field(None, description="another Bot API server, e.g. self-hosted")
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = Field(None, description="public https URL Telegram posts to")
    webhook_secret: SecretStr | None = None

    @field_validator("token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None:
            rules.telegram_token(token.get_secret_value())
        return token

    @field_validator("api_base")
    @classmethod
    def _api_base_url(cls, url: str | None) -> str | None:
        return None if url is None else rules.http_url(url)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_https(cls, url: str | None) -> str | None:
        return None if url is None else rules.https_url(url)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_allowed(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None:
            rules.webhook_secret(secret.get_secret_value())
        return secret

    @model_validator(mode="after")
    def _complete(self) -> Self:
        # Without a token the desk used to serve the console and exit 0 (issue 11).
        given = sorted(self.model_fields_set - {"token"})
        if self.token is None and given:
            msg = (
                f"{', '.join(given)} set but no token: set telegram.token or "
                "COMPLAINTDESK_TELEGRAM__TOKEN (or remove the [telegram] keys to run without "
                "Telegram)"
            )
            raise ValueError(msg)
        if self.mode == "webhook" and (not self.webhook_url or not self.webhook_secret):
            msg = "webhook mode needs webhook_url and webhook_secret"
            raise ValueError(msg)
        return self


# "message": staff wrote to the customer (words or a photo) outside the 48-hour window (issue 13).
TEMPLATE_UPDATES = ("received", "solution", "resolved", "closed", "message")
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


class SignedPlatform(BaseModel):
    """What the WeChat and WeCom sections share: signed, encrypted callbacks (safe mode)
    and an HTTP API."""

    model_config = ConfigDict(extra="forbid")

    token: SecretStr | None = None
    encoding_aes_key: SecretStr | None = None
    api_base: str
    max_clock_skew_seconds: int = Field(
        300, ge=10, le=3600, description="how old a signed callback may be (replays)"
    )
    api_timeout_seconds: float = Field(10.0, gt=0, le=60, description="one API call at most")

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key(cls, key: SecretStr | None) -> SecretStr | None:
        return _aes(key)

    @field_validator("api_base")
    @classmethod
    def _api_base(cls, url: str) -> str:
        return rules.http_url(url)


class WeChatSettings(SignedPlatform):
    """A WeChat Official Account (公众号) in safe mode (消息加解密: 安全模式)."""

    app_id: str | None = None
    app_secret: SecretStr | None = None
    api_base: str = "https://api.weixin.qq.com"
    window_hours: int = Field(48, ge=1, le=48, description="customer-service message window")
    window_messages: int = Field(5, ge=1, description="messages allowed per window")
    public_url: str | None = Field(
        None,
        description="this server's public https base: template messages link to a photo "
        "staff sent (default: [miniapp] url)",
    )
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

    @model_validator(mode="after")
    def _complete(self) -> Self:
        return _all_or_none(self, "WECHAT", ("app_id", "app_secret", "token", "encoding_aes_key"))

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.app_secret and self.token and self.encoding_aes_key)


class WeComSettings(SignedPlatform):
    """WeCom (企业微信) for staff: a self-built app, and group robots for department alerts."""

    corp_id: str | None = None
    corp_secret: SecretStr | None = None
    agent_id: int | None = None
    api_base: str = "https://qyapi.weixin.qq.com"
    # Group robots' webhook keys by name (issue 15): department chats and digest recipients
    # name the robot (wecom_robot = "product-robot"), so the key never reaches the database.
    robots: dict[str, SecretStr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        keys = ("corp_id", "corp_secret", "agent_id", "token", "encoding_aes_key")
        return _all_or_none(self, "WECOM", keys)

    @property
    def enabled(self) -> bool:
        return bool(
            self.corp_id
            and self.corp_secret
            and self.agent_id
            and self.token
            and self.encoding_aes_key
        )


def _aes(key: SecretStr | None) -> SecretStr | None:
    if key is not None:
        rules.aes_key(key.get_secret_value())
    return key


def _all_or_none(section: M, env: str, keys: tuple[str, ...]) -> M:
    """A section with some credentials and not the others would be skipped without a word."""
    given = section.model_fields_set
    missing = [key for key in keys if not getattr(section, key)]
    if given and missing:
        variables = ", ".join(f"COMPLAINTDESK_{env}__{key.upper()}" for key in missing)
        msg = (
            f"{', '.join(missing)} missing: this channel needs {', '.join(keys)}; set them "
            f"(or {variables}), or remove the section to run without it"
        )
        raise ValueError(msg)
    return section


class OutboxSettings(BaseModel):
    """Delivery: how often a passing fault (network, 5xx) is retried before the message is
    parked for an operator (`complaintdesk outbox --retry`)."""

    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(10, ge=1, le=100)


class WebSettings(BaseModel):
    """The one HTTP server: Telegram webhook, platform callbacks, health."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)


class MiniAppSettings(BaseModel):
    """The Telegram Mini App: case page and managers' dashboard served by the web server
    (issue 16). `url` is the web server's public https address (BotFather's Web App URL
    is `url` + /app/start); `link` the t.me direct link (https://t.me/<bot>/<app>) for
    group chats, where Telegram allows no web_app button."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    url: str | None = Field(None, description="public https base, e.g. https://desk.example.com")
    link: str | None = Field(None, description="t.me direct link of the Mini App")
    max_age_seconds: int = Field(3600, ge=60, le=86400, description="initData signature age")
    session_hours: int = Field(8, ge=1, le=72, description="a browser session's lifetime")
    link_minutes: int = Field(15, ge=1, le=60, description="a sign-in link's lifetime")
    secret: SecretStr | None = Field(None, description="signs cookies and sign-in links")

    @field_validator("url", "link")
    @classmethod
    def _https(cls, url: str | None) -> str | None:
        if url is None:
            return None
        if not rules.http_url(url).startswith("https://"):
            msg = "must start with https:// (Telegram opens Mini Apps only over TLS)"
            raise ValueError(msg)
        return url.rstrip("/")


class PathSettings(BaseModel):
    """Where files the desk writes (digest charts, typical-case exports) go unless a
    command's --out says otherwise; relative paths are from the config file."""

    model_config = ConfigDict(extra="forbid")

    data_dir: str | None = Field(None, description="default: complaintdesk-files/ by the database")
    # Photos and files people send are kept in data_dir/attachments/ up to this size
    # (20 MB: what the Bot API lets a bot download; issue 13).
    max_file_mb: int = Field(20, ge=1, le=2000, description="largest file kept, in MB")


class LoggingSettings(BaseModel):
    """How much the desk logs; the format follows stderr (JSON unless a terminal)."""

    model_config = ConfigDict(extra="forbid")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _any_case(cls, level: object) -> object:
        return level.strip().upper() if isinstance(level, str) else level


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
    outbox: OutboxSettings = OutboxSettings()
    web: WebSettings = WebSettings()
    miniapp: MiniAppSettings = MiniAppSettings()
    logging: LoggingSettings = LoggingSettings()
    paths: PathSettings = PathSettings()
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


def load_config(path: Path, now: datetime | None = None) -> Config:
    """The validated configuration; `now` dates the calendar check (default: the clock)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"{path}: no such file; create one with `complaintdesk init --config {path}`"
        raise ConfigError(msg) from None
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML: {error}"
        raise ConfigError(msg) from None
    try:
        config = Config(**raw)
    except ValidationError as error:
        raise ConfigError(describe(path, error)) from None
    problems = refusals(config, now or datetime.now(UTC))
    if problems:
        raise ConfigError(report_problems(path, problems))
    return _anchored(config, path)


def _anchored(config: Config, path: Path) -> Config:
    """[paths] data_dir as an absolute directory: relative to the config file when set,
    else beside the SQLite database, or beside the config file; so parts built without
    the file's path (the file store, issue 13) find the same directory as the commands."""
    if config.paths.data_dir:
        folder = path.resolve().parent / Path(config.paths.data_dir).expanduser()
    else:
        url = make_url(config.database.url)
        sqlite = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        base = Path(str(url.database)).resolve().parent if sqlite else path.resolve().parent
        folder = base / "complaintdesk-files"
    paths = config.paths.model_copy(update={"data_dir": str(folder)})
    return config.model_copy(update={"paths": paths})


def describe(path: Path, error: ValidationError) -> str:
    """One line per problem: the dotted key, then what is wrong with it."""
    problems = [
        Problem(".".join(str(part) for part in problem["loc"]) or "(top level)", _reason(problem))
        for problem in error.errors()
    ]
    return report_problems(path, problems)


def report_problems(path: Path, problems: list[Problem]) -> str:
    lines = [f"{path}: {len(problems)} problem(s) in the configuration"]
    lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


def _reason(problem: Any) -> str:
    message = str(problem["msg"]).removeprefix("Value error, ")
    if problem["type"] == "extra_forbidden":
        return "unknown key (check the spelling against config.example.toml)"
    if problem["type"] == "missing":
        return "required but missing"
    given = problem.get("input")
    if problem["loc"] and problem["loc"][-1] in UNECHOED:
        return message
    if isinstance(given, str | int | float) and repr(given) not in message:
        return f"{message} (got {given!r})"
    return message
