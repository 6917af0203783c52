"""The callback URLs of the Official Account and of the WeCom app (safe mode).

GET verifies the URL (echostr); POST carries an encrypted message. A bad signature or an
undecryptable body is refused (403) and logged. WeChat waits 5 seconds and then resends
(three times): the message is dispatched and the answer is "success" as soon as it is
committed or after 4 seconds at most, whichever comes first; a resend is a duplicate id
and ends in dispatch. Replies never go in the HTTP answer: they leave through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from xml.parsers.expat import ExpatError

from aiohttp import web
from wechatpy import parse_message as parse_official
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise import parse_message as parse_enterprise
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from bot.wechat.convert import OFFICIAL_ACCOUNT, WECOM_APP, to_inbound
from handlers.boundary import perform
from handlers.dispatch import Inbox, dispatch
from handlers.reachability import MarkUnreachable
from storage.platform import open_window
from storage.uow import unit_of_work

log = logging.getLogger(__name__)
ANSWER_WITHIN = 4.0  # seconds; WeChat gives up (and resends) at 5
# Forged, truncated or garbled requests: a wrong signature, a foreign app id, bad base64
# or padding (ValueError), missing parameters (KeyError), broken XML (ExpatError).
REFUSED = (InvalidSignatureException, InvalidAppIdException, ValueError, KeyError, ExpatError)


class SecureCallback:
    def __init__(
        self,
        channel: str,
        crypto: Any,
        parse: Callable[[str], Any],
        inbox: Inbox,
        verify_url: Callable[[web.Request], str],
        opens_window: bool,
    ) -> None:
        self.channel, self.crypto, self.parse, self.inbox = channel, crypto, parse, inbox
        self.verify_url, self.opens_window = verify_url, opens_window
        self._tasks: set[asyncio.Task[object]] = set()

    async def on_get(self, request: web.Request) -> web.Response:
        try:
            return web.Response(text=self.verify_url(request))
        except REFUSED as error:
            log.warning(
                "%s_callback_refused step=verify reason=%s", self.channel, type(error).__name__
            )
            return web.Response(status=403, text="forbidden")

    async def on_post(self, request: web.Request) -> web.Response:
        query = request.query
        try:
            xml = self.crypto.decrypt_message(
                await request.text(), query["msg_signature"], query["timestamp"], query["nonce"]
            )
            message = self.parse(xml)
        except REFUSED as error:
            log.warning(
                "%s_callback_refused step=decrypt reason=%s", self.channel, type(error).__name__
            )
            return web.Response(status=403, text="forbidden")
        clock = self.inbox.desk.clock
        if str(getattr(message, "event", "")).lower() == "unsubscribe":
            await self._unsubscribed(str(message.source))
            return web.Response(text="success")
        inbound = to_inbound(message, self.channel, clock.now())
        if inbound is not None:
            await self._handle_in_time(inbound)
        return web.Response(text="success")

    async def _handle_in_time(self, inbound: Any) -> None:
        task = asyncio.create_task(self._handle(inbound))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            log.warning(
                "%s_callback_slow update=%s answered=before_done", self.channel, inbound.update_id
            )

    async def _handle(self, inbound: Any) -> None:
        if self.opens_window:  # the customer wrote: customer-service messages may follow
            async with unit_of_work(self.inbox.db) as uow:
                await open_window(uow.session, self.channel, inbound.sender_id, inbound.received_at)
        await dispatch(self.inbox, inbound)

    async def _unsubscribed(self, openid: str) -> None:
        """They left the account: nothing reaches them now; their cases go on, staff told."""
        mark = MarkUnreachable(self.inbox.desk)
        await perform(self.inbox.db, lambda uow: mark(uow, self.channel, openid), self.inbox.wake)

    def mount(self, app: web.Application, path: str) -> None:
        app.router.add_get(path, self.on_get)
        app.router.add_post(path, self.on_post)


def official_account(token: str, aes_key: str, app_id: str, inbox: Inbox) -> SecureCallback:
    def verify(request: web.Request) -> str:
        q = request.query
        check_signature(token, q["signature"], q["timestamp"], q["nonce"])
        return q["echostr"]

    crypto = WeChatCrypto(token, aes_key, app_id)
    return SecureCallback(OFFICIAL_ACCOUNT, crypto, parse_official, inbox, verify, True)


def wecom_app(token: str, aes_key: str, corp_id: str, inbox: Inbox) -> SecureCallback:
    crypto = WeComCrypto(token, aes_key, corp_id)

    def verify(request: web.Request) -> str:
        q = request.query
        return str(
            crypto.check_signature(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
        )

    return SecureCallback(WECOM_APP, crypto, parse_enterprise, inbox, verify, False)
