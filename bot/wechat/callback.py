"""The callback URLs of the Official Account and of the WeCom app (safe mode).

GET verifies the URL (echostr); POST carries an encrypted message. A forged or stale
request is refused (403), a correctly signed one with a broken body too (400), each logged
without a traceback (bot/wechat/envelope.py). "success" is answered only once the message
is committed (DESIGN §2): WeChat takes "success" and an empty answer as handled, and
resends (three times) only a request it heard nothing from within 5 seconds. So a message
not committed in time is held until WeChat has hung up and then answered 503; the resend
is a duplicate id and ends in dispatch, with no second effect. Replies never go in the
HTTP answer: they leave through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Any

from aiohttp import web
from wechatpy import parse_message as parse_official
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise import parse_message as parse_enterprise
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.utils import check_signature

from bot.wechat.convert import OFFICIAL_ACCOUNT, WECOM_APP, to_inbound
from bot.wechat.envelope import BROKEN, MAX_CLOCK_SKEW, Envelope, Refused
from bot.wechat.links import MediaLinks
from bot.wechat.media import Fetcher
from conversations.base.messages import Inbound, Reply
from handlers.boundary import perform
from handlers.dispatch import Inbox, dispatch
from handlers.reachability import MarkUnreachable
from storage.platform import open_window
from storage.uow import unit_of_work

log = logging.getLogger(__name__)
# WeChat hangs up after 5 seconds and resends; an answer later than this is heard by no
# one, so a request not committed by then is answered 503 (never "success" or empty).
HOLD_FOR = 5.5
Dispatch = Callable[[Inbox, Inbound], Awaitable[list[Reply]]]


class SecureCallback:
    def __init__(
        self,
        channel: str,
        envelope: Envelope,
        inbox: Inbox,
        verify_url: Callable[[web.Request], str],
        opens_window: bool,
        *,
        hold_for: float = HOLD_FOR,
        dispatch: Dispatch = dispatch,
        fetcher: Fetcher | None = None,
        links: MediaLinks | None = None,
    ) -> None:
        self.channel, self.envelope, self.inbox = channel, envelope, inbox
        self.verify_url, self.opens_window = verify_url, opens_window
        self.hold_for, self.dispatch = hold_for, dispatch
        self.fetcher, self.links = fetcher, links  # files kept; links to them (issue 13)
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_get(self, request: web.Request) -> web.Response:
        try:
            return web.Response(text=self.verify_url(request))
        except BROKEN as error:
            self._refused("verify", type(error).__name__)
            return web.Response(status=403, text="forbidden")

    async def on_post(self, request: web.Request) -> web.Response:
        body = (await request.read()).decode(errors="replace")  # a bad byte fails the signature
        try:
            message = self.envelope.open(body, request.query, self.inbox.desk.clock.now())
        except Refused as refused:
            self._refused("open", refused.reason)
            text = "forbidden" if refused.status == 403 else "bad request"
            return web.Response(status=refused.status, text=text)
        return await self._answer_when_committed(message)

    def _refused(self, step: str, reason: str) -> None:
        log.warning("%s_callback_refused step=%s reason=%s", self.channel, step, reason)

    async def _answer_when_committed(self, message: Any) -> web.Response:
        """'success' once the message's effects are committed, else 503 after WeChat hung up."""
        started = asyncio.get_running_loop().time()
        task = asyncio.create_task(self._handle(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            await asyncio.wait_for(asyncio.shield(task), self.hold_for)
            return web.Response(text="success")
        except TimeoutError:
            log.warning("%s_callback_slow msg=%s answered=503", self.channel, _label(message))
        except Exception:  # logged once; WeChat resends what it did not hear answered
            log.exception("%s_callback_failed msg=%s", self.channel, _label(message))
            left = self.hold_for - (asyncio.get_running_loop().time() - started)
            await asyncio.sleep(max(0.0, left))
        return web.Response(status=503, text="retry")

    async def _handle(self, message: Any) -> None:
        if str(getattr(message, "event", "")).lower() == "unsubscribe":
            await self._unsubscribed(str(message.source))
            return
        now = self.inbox.desk.clock.now()
        inbound = to_inbound(message, self.channel, now)
        if inbound is None:
            return
        if self.fetcher is not None:  # before the transaction: no network I/O inside it
            inbound = await self.fetcher.keep(inbound)
        if self.opens_window:  # the customer wrote: customer-service messages may follow
            async with unit_of_work(self.inbox.db) as uow:
                at = min(message.create_time.astimezone(UTC), now)
                await open_window(uow.session, self.channel, inbound.sender_id, at)
        await self.dispatch(self.inbox, inbound)

    async def _unsubscribed(self, openid: str) -> None:
        """They left the account: nothing reaches them now; their cases go on, staff told."""
        mark = MarkUnreachable(self.inbox.desk)
        await perform(self.inbox.db, lambda uow: mark(uow, self.channel, openid), self.inbox.wake)

    async def finish(self) -> None:
        """Wait for messages still being handled (those answered 503, or at shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def mount(self, app: web.Application, path: str) -> None:
        app.router.add_get(path, self.on_get)
        app.router.add_post(path, self.on_post)
        if self.links is not None:
            self.links.mount(app)


def _label(message: Any) -> str:
    return f"{getattr(message, 'type', '')}:{getattr(message, 'id', '')}"


def official_account(
    token: str,
    aes_key: str,
    app_id: str,
    inbox: Inbox,
    max_clock_skew: timedelta = MAX_CLOCK_SKEW,
    **options: Any,
) -> SecureCallback:
    def verify(request: web.Request) -> str:
        q = request.query
        check_signature(token, q["signature"], q["timestamp"], q["nonce"])
        return q["echostr"]

    envelope = Envelope(token, WeChatCrypto(token, aes_key, app_id), parse_official, max_clock_skew)
    return SecureCallback(OFFICIAL_ACCOUNT, envelope, inbox, verify, True, **options)


def wecom_app(
    token: str,
    aes_key: str,
    corp_id: str,
    inbox: Inbox,
    max_clock_skew: timedelta = MAX_CLOCK_SKEW,
    **options: Any,
) -> SecureCallback:
    crypto = WeComCrypto(token, aes_key, corp_id)

    def verify(request: web.Request) -> str:
        q = request.query
        return str(
            crypto.check_signature(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
        )

    envelope = Envelope(token, crypto, parse_enterprise, max_clock_skew)
    return SecureCallback(WECOM_APP, envelope, inbox, verify, False, **options)
