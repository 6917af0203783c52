"""A small async client for the WeChat and WeCom HTTP APIs, with a configurable base URL.

wechatpy's own client is synchronous and hard-codes its hosts, so only its crypto and
message parsing are used; calls go through here. The access token is shared through the
database: one process fetches it while the others wait, and an "expired" answer
invalidates it once and retries.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

import aiohttp

from conversations.base.clock import Clock
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
TIMEOUT = 10.0  # seconds for one API call, connecting included
SAFETY_MARGIN = timedelta(minutes=5)


class OutsideWindow(Exception):
    """Customer-service messages are not allowed now; a template message may be."""


class TooLarge(Exception):
    """A file over the file store's limit: not downloaded (issue 13)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str
    name: str | None


def _file_name(disposition: str) -> str | None:
    """filename="x.jpg" from a Content-Disposition header, without any folder."""
    found = re.search(r'filename="?([^";]+)"?', disposition)
    if found is None:
        return None
    return PurePosixPath(found.group(1)).name[:200] or None


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


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
    """POST JSON to `base + path?access_token=...`, mapping error codes to decisions.

    Whatever goes wrong on the way (a timeout, a refused connection, an HTTP 5xx, a body
    that is not a JSON object) is a transient SendFailed with the reason, never another
    exception: the outbox retries it and keeps going (issue 11)."""

    def __init__(self, base: str, timeout: float = TIMEOUT) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.tokens: TokenKeeper | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        """Created on first use, inside the running event loop; every call times out."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        body = await self._call("GET", self.base + path, params, None)
        if body.get("errcode", 0) != 0:
            raise _failure(body)
        return body

    async def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.tokens is not None
        for attempt in (1, 2):
            token = await self.tokens.get()
            body = await self._call("POST", self.base + path, {"access_token": token}, payload)
            code = body.get("errcode", 0)
            if code in EXPIRED_TOKEN and attempt == 1:
                await self.tokens.invalidate(token)
                continue
            if code != 0:
                raise _failure(body)
            return body
        raise SendFailed("access token refused twice", permanent=False, retry_after=60)

    async def download(self, path: str, params: dict[str, str], max_bytes: int) -> Download:
        """A file the platform keeps (media/get): its bytes, content type and name; an
        error answer is JSON (mapped as for post), a file over `max_bytes` is TooLarge."""
        assert self.tokens is not None
        for attempt in (1, 2):
            token = await self.tokens.get()
            found = await self._fetch(path, {**params, "access_token": token}, max_bytes)
            if isinstance(found, Download):
                return found
            if found.get("errcode") in EXPIRED_TOKEN and attempt == 1:
                await self.tokens.invalidate(token)
                continue
            raise _failure(found)
        raise SendFailed("access token refused twice", permanent=False, retry_after=60)

    async def upload(self, path: str, kind: str, data: bytes, name: str) -> str:
        """A temporary media upload (media/upload, multipart): the media_id to send."""
        assert self.tokens is not None
        for attempt in (1, 2):
            token = await self.tokens.get()
            form = aiohttp.FormData()
            form.add_field("media", data, filename=name, content_type=_content_type(name))
            body = await self._call(
                "POST", self.base + path, {"access_token": token, "type": kind}, None, form
            )
            code = body.get("errcode", 0)
            if code in EXPIRED_TOKEN and attempt == 1:
                await self.tokens.invalidate(token)
                continue
            if code != 0 or not isinstance(body.get("media_id"), str):
                raise _failure(body)
            return str(body["media_id"])
        raise SendFailed("access token refused twice", permanent=False, retry_after=60)

    async def _fetch(
        self, path: str, params: dict[str, str], max_bytes: int
    ) -> Download | dict[str, Any]:
        """The file, or the JSON error answer; transient SendFailed as in _call."""
        try:
            async with self.http.get(self.base + path, params=params) as response:
                if response.status >= 500:
                    raise SendFailed(f"HTTP {response.status} from {path}", permanent=False)
                kind = response.content_type
                if kind in {"application/json", "text/plain"}:
                    return _json_object(await response.text(errors="replace"), 200, path)
                if (response.content_length or 0) > max_bytes:
                    raise TooLarge(response.content_length or 0)
                data = await response.content.read(max_bytes + 1)
        except TimeoutError as error:
            raise SendFailed(
                f"no answer from {path} within {self.timeout:g} s", permanent=False
            ) from error
        except aiohttp.ClientError as error:
            raise SendFailed(
                f"{type(error).__name__} calling {path}: {error}", permanent=False
            ) from error
        if len(data) > max_bytes:
            raise TooLarge(len(data))
        return Download(data, kind, _file_name(response.headers.get("Content-Disposition", "")))

    async def post_plain(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A call authorised by its URL (a WeCom group robot's key), not by a token."""
        body = await self._call("POST", url, {}, payload)
        if body.get("errcode", 0) != 0:
            raise _failure(body)
        return body

    async def _call(
        self,
        method: str,
        url: str,
        params: dict[str, str],
        payload: dict[str, Any] | None,
        form: aiohttp.FormData | None = None,
    ) -> dict[str, Any]:
        """The answer's JSON object, or a transient SendFailed saying what went wrong."""
        where = url.split("?")[0].removeprefix(self.base)  # never the robot key or a token
        try:
            async with self.http.request(
                method, url, params=params, json=payload, data=form
            ) as response:
                if response.status >= 500:
                    raise SendFailed(f"HTTP {response.status} from {where}", permanent=False)
                text = await response.text(errors="replace")
        except TimeoutError as error:
            reason = f"no answer from {where} within {self.timeout:g} s"
            raise SendFailed(reason, permanent=False) from error
        except aiohttp.ClientError as error:
            reason = f"{type(error).__name__} calling {where}: {error}"
            raise SendFailed(reason, permanent=False) from error
        return _json_object(text, response.status, where)


def _json_object(text: str, status: int, where: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        reason = f"HTTP {status} from {where} is not a JSON object: {text[:80]!r}"
        raise SendFailed(reason, permanent=False)
    return body


def _failure(body: dict[str, Any]) -> Exception:
    code, text = body.get("errcode"), f"{body.get('errcode')} {body.get('errmsg', '')}"
    if code in OUTSIDE_WINDOW:
        return OutsideWindow(text)
    if code in RATE_LIMITED:
        return SendFailed(text, permanent=False, retry_after=60)
    if code in UNREACHABLE:
        return SendFailed(text, permanent=True, unreachable=True)
    return SendFailed(text, permanent=True)


def _token(body: dict[str, Any]) -> tuple[str, int]:
    """The token and its lifetime, or a transient failure when the answer lacks them."""
    token, expires_in = body.get("access_token"), body.get("expires_in", 7200)
    if not isinstance(token, str) or not token or not isinstance(expires_in, int):
        raise SendFailed(f"token answer without a token: {sorted(body)}", permanent=False)
    return token, expires_in


def official_account_api(
    base: str, app_id: str, secret: str, db: Database, clock: Clock, timeout: float = TIMEOUT
) -> PlatformAPI:
    api = PlatformAPI(base, timeout)

    async def fetch() -> tuple[str, int]:
        body = await api.get_json(
            "/cgi-bin/token", {"grant_type": "client_credential", "appid": app_id, "secret": secret}
        )
        return _token(body)

    api.tokens = TokenKeeper(db, f"wechat:{app_id}", fetch, clock)
    return api


def wecom_api(
    base: str, corp_id: str, secret: str, db: Database, clock: Clock, timeout: float = TIMEOUT
) -> PlatformAPI:
    api = PlatformAPI(base, timeout)

    async def fetch() -> tuple[str, int]:
        body = await api.get_json("/cgi-bin/gettoken", {"corpid": corp_id, "corpsecret": secret})
        return _token(body)

    api.tokens = TokenKeeper(db, f"wecom:{corp_id}", fetch, clock)
    return api
