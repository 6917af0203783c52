"""WeChat and WeCom callbacks: acknowledged only after the commit; forged, stale and broken
requests refused without a traceback; a replay never reopens the service window. Real
signed, AES-encrypted requests posted to the running app (both backends)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.wechat.callback import HOLD_FOR
from bot.wechat.wiring import OFFICIAL_ACCOUNT_PATH, WECOM_PATH
from conversations.base.messages import Inbound, Reply
from handlers.dispatch import Inbox, dispatch
from storage.models import OutboxMessage, ProcessedUpdate, ServiceWindow
from storage.uow import unit_of_work
from tests.bot.wechat_harness import WeChat, running
from tests.fakes.wechat_api import (
    CORP_ID,
    DOC_APP_ID,
    DOC_TOKEN,
    WECOM_TOKEN,
    ciphertext,
    safe_mode_plaintext,
    signed_envelope,
)
from tests.fakes.world import World

CUSTOMER = "o-customer-cb"
TEXT = "<xml><FromUserName>{user}</FromUserName><CreateTime>{at}</CreateTime>{rest}</xml>"


class Gate:
    """Dispatch held until the test opens the gate: a commit slower than WeChat waits."""

    def __init__(self) -> None:
        self.open = asyncio.Event()

    async def dispatch(self, inbox: Inbox, inbound: Inbound) -> list[Reply]:
        await self.open.wait()
        return await dispatch(inbox, inbound)


async def test_a_message_not_committed_in_time_is_not_acknowledged_and_resends_act_once(
    world: World,
) -> None:
    gate = Gate()
    async with running(world, hold_for=0.05, dispatch=gate.dispatch) as wx:
        query, body = wx.customer_message(CUSTOMER, "你好", msg_id=4242)
        status, answer = await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body)
        assert status == 503 and answer not in {"", "success"}  # WeChat will resend it
        assert await world.all(ProcessedUpdate) == []  # nothing committed yet
        assert (await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body))[0] == 503  # resend 1
        gate.open.set()
        await wx.callbacks[OFFICIAL_ACCOUNT_PATH].finish()  # both handlings end
        await wx.drain()
        wx.callbacks[OFFICIAL_ACCOUNT_PATH].hold_for = HOLD_FOR
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body) == (200, "success")
        assert len(wx.api.texts_to(CUSTOMER)) == 1  # answered once, for three deliveries
        assert [u.update_id for u in await world.all(ProcessedUpdate)] == ["msg:4242"]


async def test_success_is_answered_only_after_the_message_is_committed(world: World) -> None:
    committed: list[int] = []

    async def watching(inbox: Inbox, inbound: Inbound) -> list[Reply]:
        replies = await dispatch(inbox, inbound)
        committed.append(len(await world.all(ProcessedUpdate)))
        return replies

    async with running(world, dispatch=watching) as wx:
        query, body = wx.customer_message(CUSTOMER, "你好")
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body) == (200, "success")
        assert committed == [1]


async def test_a_message_whose_handling_fails_is_answered_503_and_logged_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(inbox: Inbox, inbound: Inbound) -> list[Reply]:
        raise ConnectionRefusedError("database unreachable")

    async with running(world, hold_for=0.05, dispatch=broken) as wx:
        query, body = wx.customer_message(CUSTOMER, "你好")
        with caplog.at_level(logging.WARNING):
            status, answer = await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body)
        assert (status, answer) == (503, "retry")
        failures = [r for r in caplog.records if "wechat_callback_failed" in r.getMessage()]
        assert len(failures) == 1


def _broken_plaintexts(user: str, at: int) -> dict[str, str | bytes]:
    """Messages that decrypt and verify but that the desk cannot read."""
    text = "<MsgType>text</MsgType><Content>x</Content>"
    sender, time = f"<FromUserName>{user}</FromUserName>", f"<CreateTime>{at}</CreateTime>"
    return {
        "not UTF-8": b"\xff\xfe\xfd\xfc",
        "empty message": "",
        "broken XML": "<xml><Content>",
        "no <xml> root": "<a>1</a>",
        "text in <xml>": "<xml>hi</xml>",
        "no MsgType": f"<xml>{sender}{time}<MsgId>1</MsgId></xml>",
        "no MsgId": f"<xml>{sender}{time}{text}</xml>",
        "bad MsgId": f"<xml>{sender}{time}{text}<MsgId>many</MsgId></xml>",
        "no sender": f"<xml>{time}{text}<MsgId>1</MsgId></xml>",
        "no CreateTime": f"<xml>{sender}{text}<MsgId>1</MsgId></xml>",
        "bad CreateTime": f"<xml>{sender}<CreateTime>soon</CreateTime>{text}<MsgId>1</MsgId></xml>",
        "CreateTime out of range": (
            f"<xml>{sender}<CreateTime>{10**30}</CreateTime>{text}<MsgId>1</MsgId></xml>"
        ),
        "event without time": f"<xml>{sender}<MsgType>event</MsgType><Event>x</Event></xml>",
    }


def _broken_ciphertexts(app_id: str) -> dict[str, str]:
    """Ciphertexts that do not decrypt to a safe-mode message of this account."""
    whole = safe_mode_plaintext("<xml><a>1</a></xml>", app_id, pad=False)
    fill = 32 - len(whole) % 32
    return {
        "bad base64": "!!!not-base64",
        "not whole AES blocks": "YWJj",
        "zero padding": ciphertext(whole + b"\0" * fill),
        "padding longer than the text": ciphertext(whole + b"\xff" * fill),
        "random bytes": ciphertext(bytes(range(64))),
        "another account's message": ciphertext(safe_mode_plaintext("<xml/>", "wx-other")),
    }


SECRETS = {OFFICIAL_ACCOUNT_PATH: (DOC_TOKEN, DOC_APP_ID), WECOM_PATH: (WECOM_TOKEN, CORP_ID)}


@pytest.mark.parametrize("path", list(SECRETS))
async def test_a_signed_callback_with_a_broken_body_answers_400_without_a_traceback(
    world: World, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    token, app_id = SECRETS[path]
    async with running(world) as wx:
        bodies = _broken_ciphertexts(app_id)
        for name, plain in _broken_plaintexts("someone", wx.now()).items():
            bodies[name] = ciphertext(safe_mode_plaintext(plain, app_id))
        with caplog.at_level(logging.INFO):
            answers = {
                name: await wx.post_raw(path, *signed_envelope(token, encrypt, timestamp=wx.now()))
                for name, encrypt in bodies.items()
            }
        assert answers == dict.fromkeys(bodies, (400, "bad request"))
        assert not [r for r in caplog.records if r.exc_info]  # refused, never a traceback
        assert "callback_refused step=open reason=broken_body" in caplog.text
        assert await world.all(ProcessedUpdate) == [] and wx.api.calls == []


async def test_unsigned_forged_or_unreadable_envelopes_answer_403(world: World) -> None:
    async with running(world) as wx:
        query, body = wx.customer_message(CUSTOMER, "hello")
        forged = {**query, "msg_signature": "0" * 40}
        answers = [
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, forged, body),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, {"timestamp": query["timestamp"]}, body),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, {**query, "timestamp": "soon"}, body),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, {**query, "timestamp": "9" * 30}, body),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, "<xml><Encrypt>"),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, "<xml>text</xml>"),
            await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, "<xml><Encrypt><a/></Encrypt></xml>"),
        ]
        response = await wx.client.post(
            OFFICIAL_ACCOUNT_PATH,
            params=query,
            data=body.encode().replace(b"<![CDATA[", b"<![CDATA[\xff", 1),  # not UTF-8
        )
        answers.append((response.status, await response.text()))
        assert answers == [(403, "forbidden")] * len(answers)
        echo = {**query, "echostr": ciphertext(bytes(range(32)))}  # URL check, broken echo
        assert (await wx.client.get(WECOM_PATH, params=echo)).status == 403
        assert await world.all(ProcessedUpdate) == [] and wx.api.calls == []


async def test_stale_and_future_timestamps_are_refused_and_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(world) as wx:
        old = wx.customer_message(CUSTOMER, "recorded two days ago")
        world.clock.advance(minutes=6)
        ahead = wx.customer_message(CUSTOMER, "from a clock six minutes fast")
        world.clock.advance(minutes=-12)
        with caplog.at_level(logging.WARNING):
            assert (await wx.post_raw(OFFICIAL_ACCOUNT_PATH, *ahead))[0] == 403
            world.clock.advance(minutes=12)
            assert (await wx.post_raw(OFFICIAL_ACCOUNT_PATH, *old))[0] == 403
        assert caplog.text.count("wechat_callback_refused step=open reason=stale_timestamp") == 2
        assert await world.all(ProcessedUpdate) == []
        world.clock.advance(minutes=-2)  # four minutes late: within the window, accepted
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, *old) == (200, "success")


async def test_the_clock_skew_allowed_is_configurable(world: World) -> None:
    async with running(world, max_clock_skew=timedelta(seconds=30)) as wx:
        query, body = wx.customer_message(CUSTOMER, "hello")
        world.clock.advance(seconds=31)
        assert (await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body))[0] == 403


async def _queue_updates(wx: WeChat, world: World, count: int) -> None:
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        for index in range(count):
            uow.session.add(
                OutboxMessage(
                    channel="wechat",
                    chat_id=CUSTOMER,
                    not_before=now,
                    created_at=now,
                    payload={"text": f"update {index}", "choices": [], "template": "resolved"},
                )
            )
    await wx.drain()


async def test_a_replayed_message_does_not_reopen_the_service_window(world: World) -> None:
    async with running(world) as wx:
        world.clock.advance(seconds=1)
        query, body = wx.customer_message(CUSTOMER, "你好")
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body) == (200, "success")
        written_at = world.clock.now()
        await _queue_updates(wx, world, 4)  # the menu and 4 updates: the window's 5
        world.clock.advance(minutes=2)
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, query, body) == (200, "success")
        await _queue_updates(wx, world, 1)
        service = wx.api.sent("/cgi-bin/message/custom/send", CUSTOMER)
        templates = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)
        assert (len(service), len(templates)) == (5, 1)  # the replay gave no sixth
        window = await world.only(ServiceWindow)
        assert (window.opened_at, window.sent) == (written_at, 5)


async def test_a_newer_message_reopens_the_window_and_an_older_one_never_moves_it_back(
    world: World,
) -> None:
    async with running(world) as wx:
        world.clock.advance(seconds=1)
        earlier = wx.customer_message(CUSTOMER, "/cases")
        world.clock.advance(minutes=1)
        await wx.customer_says(CUSTOMER, "/cases")
        newest = world.clock.now()
        assert await wx.post_raw(OFFICIAL_ACCOUNT_PATH, *earlier) == (200, "success")
        window = await world.only(ServiceWindow)
        assert (window.opened_at, window.sent) == (newest, 2)  # both answers counted
