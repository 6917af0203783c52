"""From a request to a staff member: initData in the Authorization header (every call the
page makes inside Telegram carries it), else the session cookie with its CSRF token on
POST. Customers and strangers are nobody here (POLICY §8)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from bot.config import MiniAppSettings
from bot.files import FileStore
from bot.miniapp.auth import NotSignedIn, Signer, read_session, telegram_user
from bot.miniapp.files import FileSource
from conversations.base.i18n import language_of
from conversations.base.policy import Language
from conversations.base.values import ActorKind
from handlers.actors import Actor
from handlers.desk import Desk
from storage.engine import Database
from storage.measures import Period
from storage.people import PeopleRepository
from storage.uow import unit_of_work

COOKIE = "cd_session"
CSRF_HEADER = "X-CSRF-Token"
TELEGRAM = "telegram"


@dataclass(frozen=True)
class MiniApp:
    """What the pages need, wired by bot/app.py."""

    db: Database
    desk: Desk
    settings: MiniAppSettings
    bot_token: str | None
    wake: Callable[[], None] = lambda: None
    files: FileSource | None = None
    store: FileStore | None = None  # the desk's copies of people's files (issue 13)
    report: Callable[[Period], Awaitable[bytes]] | None = None
    shared_signer: Signer | None = None  # the desk's, so /signin's links open here too
    signer: Signer = field(init=False)

    def __post_init__(self) -> None:
        signer = self.shared_signer or Signer(signing_key(self.settings, self.bot_token))
        object.__setattr__(self, "signer", signer)


def signing_key(settings: MiniAppSettings, bot_token: str | None) -> bytes:
    """The configured secret; else one derived from the bot token; else per process."""
    if settings.secret is not None:
        return settings.secret.get_secret_value().encode()
    if bot_token:
        return hmac.new(b"complaintdesk-miniapp", bot_token.encode(), hashlib.sha256).digest()
    return secrets.token_bytes(32)


@dataclass(frozen=True)
class Reader:
    actor: Actor
    language: Language
    csrf: str = ""  # the token a cookie session must send back on POST


async def reader(mini: MiniApp, request: web.Request) -> Reader:
    """The staff member asking, or NotSignedIn / web.HTTPForbidden."""
    now = mini.desk.clock.now()
    header = request.headers.get("Authorization", "")
    if header.startswith("tma "):
        if not mini.bot_token:
            raise NotSignedIn("Telegram is not configured")
        max_age = timedelta(seconds=mini.settings.max_age_seconds)
        user = telegram_user(mini.bot_token, header[4:], now, max_age)
        return await _staff_by_identity(mini, str(user.user_id), user.language)
    cookie = request.cookies.get(COOKIE)
    if cookie is None:
        raise NotSignedIn("no initData and no session")
    staff_id = read_session(mini.signer, cookie, now)
    csrf = mini.signer.csrf(cookie)
    if request.method == "POST" and not hmac.compare_digest(
        request.headers.get(CSRF_HEADER, ""), csrf
    ):
        raise web.HTTPForbidden(text="CSRF token missing or wrong")
    return await _staff(mini, staff_id, None, csrf)


async def _staff_by_identity(mini: MiniApp, user_id: str, language: str | None) -> Reader:
    async with unit_of_work(mini.db, readonly=True) as uow:
        identity = await PeopleRepository(uow.session).identity(TELEGRAM, user_id)
    if identity is None or identity.staff_id is None:
        raise web.HTTPForbidden(text="staff only")
    return await _staff(mini, identity.staff_id, language, "")


async def _staff(mini: MiniApp, staff_id: int, spoken: str | None, csrf: str) -> Reader:
    async with unit_of_work(mini.db, readonly=True) as uow:
        staff = await PeopleRepository(uow.session).staff(staff_id)
    if staff is None or not staff.active:
        raise web.HTTPForbidden(text="staff only")
    actor = Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department)
    default = mini.desk.policy.default_language
    return Reader(actor, language_of(staff.language or spoken, default), csrf)
