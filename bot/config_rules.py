"""The shape of each platform value, checked once at start-up (issue 11).

A value of the wrong shape used to pass `check-config` and then crash the process at its
first use (an alert to a chat id that is not a number); each rule here raises ValueError
with what is wrong and what the value should look like.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Telegram's own shape: the bot's id, a colon, then 35 URL-safe characters from @BotFather.
TELEGRAM_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]+")
TELEGRAM_SECRET_LENGTH = 30  # the part after the colon is 35 today; shorter is a cut copy
# A chat id is an integer (negative for groups); ":N" names a forum topic (bot/telegram/format.py).
TELEGRAM_CHAT = re.compile(r"-?[1-9]\d{0,19}(:[1-9]\d{0,9})?")
TELEGRAM_USER = re.compile(r"[1-9]\d{0,19}")
# Telegram's setWebhook secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# WeChat openids, WeCom user ids and group-robot keys: they travel in URLs and JSON as is.
PLATFORM_ID = re.compile(r"[A-Za-z0-9_.@-]{1,128}")
SUPPORTED_DATABASES = {("sqlite", "aiosqlite"), ("postgresql", "asyncpg")}
PLATFORM_CHANNELS = ("telegram", "wechat", "wecom", "wecom_robot")
CHANNELS = ("console", *PLATFORM_CHANNELS)


def telegram_token(value: str) -> str:
    if not TELEGRAM_TOKEN.fullmatch(value):
        msg = (
            "not a bot token: it looks like 123456789:AAH... (digits, a colon, then letters, "
            "digits, _ and -); copy it again from @BotFather"
        )
        raise ValueError(msg)
    return value


def http_url(value: str) -> str:
    """An absolute http(s) URL with a host and nothing after the path."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError as error:
        msg = f"not a URL: {error}"
        raise ValueError(msg) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        msg = "not an http(s) URL: write it like https://api.example.com"
        raise ValueError(msg)
    if parts.query or parts.fragment:
        msg = "give the URL without ?query or #fragment"
        raise ValueError(msg)
    return value


def https_url(value: str) -> str:
    http_url(value)
    if not value.startswith("https://"):
        msg = "must start with https:// (Telegram delivers webhooks only over TLS)"
        raise ValueError(msg)
    return value


def webhook_secret(value: str) -> str:
    if not WEBHOOK_SECRET.fullmatch(value):
        msg = "use 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
        raise ValueError(msg)
    return value


def aes_key(value: str) -> str:
    """WeChat's EncodingAESKey: 43 characters of base64 that decode to a 32-byte key."""
    try:
        key = base64.b64decode(value + "=", validate=True)
    except binascii.Error:
        key = b""
    if len(value) != 43 or len(key) != 32:
        msg = (
            "EncodingAESKey must be the 43 letters and digits shown in the platform's console "
            f"(got {len(value)} characters)"
        )
        raise ValueError(msg)
    return value


def database_url(value: str) -> str:
    try:
        address = make_url(value)
    except ArgumentError:
        msg = "not a database URL: use sqlite+aiosqlite:///complaintdesk.db or "
        msg += "postgresql+asyncpg://user:password@host/db"
        raise ValueError(msg) from None
    driver = (address.get_backend_name(), address.get_driver_name())
    if driver not in SUPPORTED_DATABASES:
        msg = (
            f"unsupported database driver {address.drivername!r}: use sqlite+aiosqlite:///FILE "
            "or postgresql+asyncpg://user:password@host/db"
        )
        raise ValueError(msg)
    return value


def chat_id(channel: str, value: str) -> str | None:
    """Why `value` cannot be a chat on `channel`, or None when it can."""
    if channel == "telegram" and not TELEGRAM_CHAT.fullmatch(value):
        return (
            "a Telegram chat id is a number such as -1001234567890, or -1001234567890:17 "
            "for a forum topic (add the bot to the group, send a message there and read "
            "chat.id from getUpdates)"
        )
    if channel in PLATFORM_CHANNELS and channel != "telegram" and not PLATFORM_ID.fullmatch(value):
        return f"not a {channel} id: letters, digits, _ . @ and - only"
    if not value.strip():
        return "empty"
    return None


def account_id(channel: str, value: str) -> str | None:
    """Why `value` cannot be a person's account on `channel`, or None when it can."""
    if channel == "telegram" and not TELEGRAM_USER.fullmatch(value):
        return (
            "a Telegram user id is a positive number such as 123456789 (from.id in getUpdates "
            "after the person writes to the bot), or let them join with /register CODE"
        )
    return chat_id(channel, value)
