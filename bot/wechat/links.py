"""Signed links to one stored file, for a customer outside WeChat's 48-hour window
(issue 13): a template message cannot carry a photo, but it can open a URL.

A link names one file of the store and an expiry, signed with a key derived from the
Official Account's secret: it cannot be altered to another file or made to last longer,
and it serves only that file. Whoever holds the link sees that file until it expires,
so it goes only to the customer the file was sent to.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import mimetypes
from datetime import datetime, timedelta

from aiohttp import web

from bot.files import FileStore
from conversations.base.clock import Clock

log = logging.getLogger(__name__)
ROUTE = "/wechat/media/{token}"
LIFETIME = timedelta(days=7)  # long enough to open a template message read late


def link_key(app_secret: str) -> bytes:
    return hmac.new(b"complaintdesk-wechat-media", app_secret.encode(), hashlib.sha256).digest()


class MediaLinks:
    def __init__(
        self,
        base_url: str,
        key: bytes,
        store: FileStore,
        clock: Clock,
        lifetime: timedelta = LIFETIME,
    ) -> None:
        self.base_url, self.key, self.store = base_url.rstrip("/"), key, store
        self.clock, self.lifetime = clock, lifetime

    def url(self, path: str) -> str:
        expires = int((self.clock.now() + self.lifetime).timestamp())
        claim = _b64(f"{expires}|{path}".encode())
        return f"{self.base_url}/wechat/media/{claim}.{self._sign(claim)}"

    def mount(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.serve)

    async def serve(self, request: web.Request) -> web.Response:
        """The file, or 404 for a link that is forged, altered, expired or names nothing."""
        path = self._path(request.match_info["token"], self.clock.now())
        data = await self.store.read(path) if path is not None else None
        if path is None or data is None:
            log.info("wechat_media_link_refused")
            raise web.HTTPNotFound(text="no such file")
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
        return web.Response(body=data, content_type=kind, headers=headers)

    def _path(self, token: str, now: datetime) -> str | None:
        claim, _, signature = token.partition(".")
        if not hmac.compare_digest(self._sign(claim), signature):
            return None
        try:
            expires, _, path = base64.urlsafe_b64decode(claim + "==").decode().partition("|")
            alive = int(expires) >= now.timestamp()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        return path if alive and path and ".." not in path.split("/") else None

    def _sign(self, claim: str) -> str:
        return _b64(hmac.new(self.key, claim.encode(), hashlib.sha256).digest()[:24])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
