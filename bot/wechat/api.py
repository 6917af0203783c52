"""A small async client for the WeChat and WeCom HTTP APIs, with a configurable base URL.

wechatpy's own client is synchronous and hard-codes its hosts, so only its crypto and
message parsing are used; calls go through here. The access token is shared through the
database: one process fetches it while the others wait, and an "expired" answer
invalidates it once and retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp

from notifications.clock import Clock
from notifications.senders import SendFailed
from storage.engine import Database
from storage.platform import token_row
from storage.uow import unit_of_work

log = logging.getLogger(__name__)
EXPIRED_TOKEN = {40001, 40014, 42001}  # invalid, invalid, expired
RATE_LIMITED = {45009, 45011, -1}  # daily API quota, too frequent, system busy
OUTSIDE_WINDOW = {45015, 45047}  # 48 hours passed; too many messages in the window
UNREACHABLE = {43004, 43019, 40003}  # unsubscribed, blocked us, no such user
LEASE = timedelta(seconds=15)
SAFETY_MARGIN = timedelta(minutes=5)


class OutsideWindow(Exception):
    """Customer-service messages are not allowed now; a template message may be."""


class TokenKeeper:
    """One access token for every process, fetched by one process at a time."""

    def __init__(
        self, db: Database, name: str, fetch: Callable[[], Awaitable[tuple[str, int]]], clock: Clock
    ) -> None:
        self.db, self.name, self.fetch, self.clock = db, name, fetch, clock

    async def get(self) -> str:
        for _ in range(100):
            token, mine = await self._read_or_lease()
            if token is not None:
                return token
            if mine:
                return await self._refresh()
            await asyncio.sleep(0.05)  # another process is fetching it
        raise SendFailed(f"no {self.name} token after waiting", permanent=False, retry_after=30)

    async def _read_or_lease(self) -> tuple[str | None, bool]:
        now = self.clock.now()
        async with unit_of_work(self.db) as uow:
            row = await token_row(uow.session, self.name)
            if row.token and row.expires_at and row.expires_at - SAFETY_MARGIN > now:
                return row.token, False
            if row.refreshing_until and row.refreshing_until > now:
                return None, False
            row.refreshing_until = now + LEASE
            return None, True

    async def _refresh(self) -> str:
        token, expires_in = await self.fetch()
        async with unit_of_work(self.db) as uow:
            row = await token_row(uow.session, self.name)
            row.token, row.refreshing_until = token, None
            row.expires_at = self.clock.now() + timedelta(seconds=expires_in)
        log.info("access_token_refreshed name=%s expires_in=%s", self.name, expires_in)
        return token

    async def invalidate(self, token: str) -> None:
        """The platform said this token is no longer good; the next get() fetches anew."""
        async with unit_of_work(self.db) as uow:
            row = await token_row(uow.session, self.name)
            if row.token == token:
                row.expires_at = self.clock.now()


class PlatformAPI:
    """POST JSON to `base + path?access_token=...`, mapping error codes to decisions."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.tokens: TokenKeeper | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        """Created on first use, inside the running event loop."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            async with self.http.get(self.base + path, params=params) as response:
                body: dict[str, Any] = await response.json(content_type=None)
        except aiohttp.ClientError as error:
            raise SendFailed(str(error), permanent=False) from error
        if body.get("errcode", 0) != 0:
            raise _failure(body)
        return body

    async def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.tokens is not None
        for attempt in (1, 2):
            token = await self.tokens.get()
            body = await self._post(path, {"access_token": token}, payload)
            code = body.get("errcode", 0)
            if code in EXPIRED_TOKEN and attempt == 1:
                await self.tokens.invalidate(token)
                continue
            if code != 0:
                raise _failure(body)
            return body
        raise SendFailed("access token refused twice", permanent=False, retry_after=60)

    async def post_plain(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A call authorised by its URL (a WeCom group robot's key), not by a token."""
        body = await self._post_url(url, {}, payload)
        if body.get("errcode", 0) != 0:
            raise _failure(body)
        return body

    async def _post(
        self, path: str, params: dict[str, str], payload: dict[str, Any]
    ) -> dict[str, Any]:
        return await self._post_url(self.base + path, params, payload)

    async def _post_url(
        self, url: str, params: dict[str, str], payload: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            async with self.http.post(url, params=params, json=payload) as response:
                if response.status >= 500:
                    raise SendFailed(f"HTTP {response.status}", permanent=False)
                body: dict[str, Any] = await response.json(content_type=None)
                return body
        except aiohttp.ClientError as error:
            raise SendFailed(str(error), permanent=False) from error


def _failure(body: dict[str, Any]) -> Exception:
    code, text = body.get("errcode"), f"{body.get('errcode')} {body.get('errmsg', '')}"
    if code in OUTSIDE_WINDOW:
        return OutsideWindow(text)
    if code in RATE_LIMITED:
        return SendFailed(text, permanent=False, retry_after=60)
    if code in UNREACHABLE:
        return SendFailed(text, permanent=True, unreachable=True)
    return SendFailed(text, permanent=True)


def official_account_api(
    base: str, app_id: str, secret: str, db: Database, clock: Clock
) -> PlatformAPI:
    api = PlatformAPI(base)

    async def fetch() -> tuple[str, int]:
        body = await api.get_json(
            "/cgi-bin/token", {"grant_type": "client_credential", "appid": app_id, "secret": secret}
        )
        return str(body["access_token"]), int(body.get("expires_in", 7200))

    api.tokens = TokenKeeper(db, f"wechat:{app_id}", fetch, clock)
    return api


def wecom_api(base: str, corp_id: str, secret: str, db: Database, clock: Clock) -> PlatformAPI:
    api = PlatformAPI(base)

    async def fetch() -> tuple[str, int]:
        body = await api.get_json("/cgi-bin/gettoken", {"corpid": corp_id, "corpsecret": secret})
        return str(body["access_token"]), int(body.get("expires_in", 7200))

    api.tokens = TokenKeeper(db, f"wecom:{corp_id}", fetch, clock)
    return api
