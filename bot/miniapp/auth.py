"""Who is reading the page: Telegram's signed initData, or a session cookie from a
one-time sign-in link (issue 16).

initData is checked with aiogram's helper against our bot token (a forged or another
bot's signature fails) and refused past the configured age. Cookies and links are HMAC
signed with the Mini App secret; a link is spent on first use (its nonce claimed in
`processed_updates`, like an update id), and a cookie carries its own expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.utils.web_app import safe_parse_webapp_init_data

SIGNIN_CHANNEL = "miniapp-signin"


class NotSignedIn(Exception):
    """No valid proof of who is asking; the page answers 401 and shows nothing."""


@dataclass(frozen=True)
class TelegramUser:
    user_id: int
    language: str | None
    start_param: str | None


def telegram_user(
    bot_token: str, init_data: str, now: datetime, max_age: timedelta
) -> TelegramUser:
    """The user Telegram signed for, or NotSignedIn (forged, other bot, too old)."""
    try:
        data = safe_parse_webapp_init_data(bot_token, init_data)
    except ValueError:
        raise NotSignedIn("bad initData signature") from None
    if data.user is None:
        raise NotSignedIn("initData without a user")
    if not timedelta(seconds=-60) <= now - data.auth_date <= max_age:
        raise NotSignedIn("initData too old")
    return TelegramUser(data.user.id, data.user.language_code, data.start_param)


@dataclass(frozen=True)
class Signer:
    """HMAC over short strings; the key never leaves the server."""

    key: bytes

    def sign(self, message: str) -> str:
        digest = hmac.new(self.key, message.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")

    def seal(self, message: str) -> str:
        return f"{message}.{self.sign(message)}"

    def open(self, sealed: str) -> str:
        message, _, signature = sealed.rpartition(".")
        if not message or not hmac.compare_digest(self.sign(message), signature):
            raise NotSignedIn("bad signature")
        return message

    def csrf(self, session: str) -> str:
        """The CSRF token bound to one session cookie (sent back in a header on POST)."""
        return self.sign(f"csrf:{session}")


def signin_token(signer: Signer, staff_id: int, expires: datetime) -> str:
    """A one-time link token: who, until when, and a nonce that is spent on use."""
    nonce = secrets.token_urlsafe(12)
    return signer.seal(f"link-{staff_id}-{int(expires.timestamp())}-{nonce}")


@dataclass(frozen=True)
class LinkClaim:
    staff_id: int
    nonce: str


def read_signin_token(signer: Signer, token: str, now: datetime) -> LinkClaim:
    kind, staff, expires, nonce = _fields(signer.open(token), 4)
    if kind != "link" or int(expires) < now.timestamp():
        raise NotSignedIn("sign-in link expired")
    return LinkClaim(int(staff), nonce)


def session_cookie(signer: Signer, staff_id: int, expires: datetime) -> str:
    return signer.seal(f"session-{staff_id}-{int(expires.timestamp())}")


def read_session(signer: Signer, cookie: str, now: datetime) -> int:
    kind, staff, expires = _fields(signer.open(cookie), 3)
    if kind != "session" or int(expires) < now.timestamp():
        raise NotSignedIn("session expired")
    return int(staff)


def _fields(message: str, count: int) -> list[str]:
    """kind-staff-expires[-nonce]: the two numbers checked, the nonce may hold dashes."""
    parts = message.split("-", count - 1)
    if len(parts) != count or not all(part.isdigit() for part in parts[1:3]):
        raise NotSignedIn("malformed token")
    return parts
