"""WeChat Official Account and WeCom, over real signed and AES-encrypted callbacks posted to
the running aiohttp app, with a fake WeChat/WeCom API on 127.0.0.1 (both backends)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from wechatpy.utils import WeChatSigner

from bot.wechat.api import TokenKeeper, official_account_api
from bot.wechat.senders import keyword_data
from conversations.base.values import CaseStatus
from storage.models import Case, Identity, OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.bot.wechat_harness import ROBOTS, running
from tests.fakes.wechat_api import (
    DOC_BODY,
    DOC_NONCE,
    DOC_OPENID,
    DOC_SIGNATURE,
    DOC_TIMESTAMP,
    DOC_TOKEN,
    sealed,
)
from tests.fakes.world import World

CUSTOMER = "o-customer-001"


async def test_the_documentation_sample_is_accepted(world: World) -> None:
    world.clock.set(datetime.fromtimestamp(int(DOC_TIMESTAMP), UTC))  # when it was signed
    async with running(world) as wx:
        query = {
            "msg_signature": DOC_SIGNATURE,
            "timestamp": DOC_TIMESTAMP,
            "nonce": DOC_NONCE,
            "encrypt_type": "aes",
        }
        status = await wx._post("/wechat/callback", query, DOC_BODY)
        assert status == 200

        async def who(uow: UnitOfWork) -> list[str]:
            return list(await uow.session.scalars(select(Identity.external_id)))

        assert DOC_OPENID in await world.read(who)
        reply = wx.api.texts_to(DOC_OPENID)[-1]  # 'abcdteT' was taken as a story
        assert "1. 产品质量" in reply and "请回复对应的数字" in reply


async def test_url_verification_for_both_callbacks(world: World) -> None:
    async with running(world) as wx:
        signer = WeChatSigner()
        signer.add_data(DOC_TOKEN, "1409735669", "42")
        good = {
            "signature": signer.signature,
            "timestamp": "1409735669",
            "nonce": "42",
            "echostr": "echo-123",
        }
        response = await wx.client.get("/wechat/callback", params=good)
        assert (response.status, await response.text()) == (200, "echo-123")
        forged = await wx.client.get("/wechat/callback", params={**good, "signature": "0" * 40})
        assert forged.status == 403
        query, body = sealed(wx.staff_app, "echo-from-wecom", timestamp=wx.now())
        encrypted = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", body)
        assert encrypted is not None
        check = {
            "msg_signature": query["msg_signature"],
            "timestamp": query["timestamp"],
            "nonce": query["nonce"],
            "echostr": encrypted.group(1),
        }
        response = await wx.client.get("/wecom/callback", params=check)
        assert (response.status, await response.text()) == (200, "echo-from-wecom")


async def test_bad_signatures_and_undecryptable_bodies_are_refused(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(world) as wx:
        query, body = wx.customer_message(CUSTOMER, "hello")
        with caplog.at_level(logging.WARNING):
            forged = await wx._post("/wechat/callback", {**query, "msg_signature": "f" * 40}, body)
            garbled = await wx._post("/wechat/callback", query, body.replace("<Encrypt>", "<X>"))
        assert (forged, garbled) == (403, 403)
        assert "wechat_callback_refused" in caplog.text
        assert wx.api.calls == []  # nothing was dispatched, nothing sent


async def test_wechat_resends_have_no_second_effect(world: World) -> None:
    async with running(world) as wx:
        query, body = wx.customer_message(CUSTOMER, "你好", msg_id=777)
        for _ in range(3):  # WeChat resends when it hears nothing within 5 seconds
            assert await wx._post("/wechat/callback", query, body) == 200
        assert len(wx.api.texts_to(CUSTOMER)) == 1


async def test_the_whole_story_on_wechat_and_wecom(world: World) -> None:
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, event="subscribe", key="qrscene_store7")
        assert "我要投诉" in wx.api.texts_to(CUSTOMER)[-1]
        await wx.customer_says(CUSTOMER, "电水壶漏水，想换新")
        await wx.customer_says(CUSTOMER, "1")  # product quality
        await wx.customer_says(CUSTOMER, "跳过")  # the wish read: replacement; the summary
        await wx.customer_says(CUSTOMER, "王芳")  # the name, replied to the summary
        await wx.customer_says(CUSTOMER, "1")  # submit
        case = await world.only(Case)
        assert case.number in wx.api.texts_to(CUSTOMER)[-1] and case.source == "store7"
        card = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]
        assert case.number in card["markdown"]["content"]
        assert f"/take {case.number}" in card["markdown"]["content"]

        await wx.staff_says("lilei", f"/take {case.number}")
        assert "已完成" in wx.api.texts_to("lilei")[-1]
        await wx.staff_says("lilei", f"/valid {case.number} 密封圈缺陷 | 来料不良")
        await wx.staff_says("lilei", f"/propose {case.number} 送您一张优惠券")
        first_offer = wx.api.sent("/cgi-bin/message/custom/send", CUSTOMER)[-1]
        assert "送您一张优惠券" in first_offer["text"]["content"]  # within the window
        await wx.customer_says(CUSTOMER, "2")  # refuse
        await wx.customer_says(CUSTOMER, "我要换新的")
        world.clock.advance(hours=49)  # the customer's 48-hour window has closed
        await wx.staff_says("lilei", f"/propose {case.number} 上门换新")
        offer = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)[-1]
        assert offer["template_id"] == "TPL-S"
        assert offer["data"] == {  # WeChat shows no first/remark: everything in keywords
            "character_string1": {"value": case.number},
            "thing2": {"value": "上门换新"},
            "time4": {"value": "2026-11-26 11:00"},
        }
        await wx.customer_says(CUSTOMER, "1")  # accept: their message reopens the window
        await wx.staff_says("lilei", f"/resolve {case.number} 已换新")
        await wx.staff_says("hanmm", f"/review {case.number}")
        survey = wx.api.sent("/cgi-bin/message/custom/send", CUSTOMER)[-1]
        assert "问题解决了吗" in survey["text"]["content"]
        await wx.customer_says(CUSTOMER, "1")  # solved
        await wx.customer_says(CUSTOMER, "5")  # score 5 (scores are numbered as themselves)
        await wx.customer_says(CUSTOMER, "1")  # no comment
        final = await world.only(Case)
        assert (final.status, final.solved) == (CaseStatus.CLOSED, True)
        assert "已结案" in wx.api.texts_to(CUSTOMER)[-1]


async def test_the_access_token_is_fetched_once_for_two_processes(
    world: World, reopen: object
) -> None:
    async with running(world) as wx:
        other = reopen()  # type: ignore[operator]
        keepers = [
            official_account_api(wx.api.url, "wx-app", "s", db, world.clock).tokens
            for db in (world.db, other)
        ]
        assert all(isinstance(k, TokenKeeper) for k in keepers)
        tokens = await asyncio.gather(*(k.get() for k in keepers for _ in range(3)))  # type: ignore[union-attr]
        assert len(set(tokens)) == 1 and wx.api.token_fetches == 1
        world.clock.advance(hours=2)  # expired: refreshed once more, still by one process
        tokens = await asyncio.gather(*(k.get() for k in keepers))  # type: ignore[union-attr]
        assert len(set(tokens)) == 1 and wx.api.token_fetches == 2
        await other.dispose()


async def test_an_expired_token_is_refreshed_and_the_message_still_goes(world: World) -> None:
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, "你好")
        token = wx.api.calls[-1].query["access_token"]
        wx.api.expired_tokens.add(token)  # WeChat answers 42001 to the old token
        await wx.customer_says(CUSTOMER, "/cases")
        assert wx.api.calls[-1].query["access_token"] != token
        assert len(wx.api.texts_to(CUSTOMER)) == 2


async def test_five_messages_per_window_combined_when_short_then_templates(
    world: World,
) -> None:
    async def queue(*texts: str) -> None:
        now = world.clock.now()
        async with unit_of_work(world.db) as uow:
            for text in texts:
                uow.session.add(
                    OutboxMessage(
                        channel="wechat",
                        chat_id=CUSTOMER,
                        not_before=now,
                        created_at=now,
                        payload={"text": text, "choices": [], "template": "resolved"},
                    )
                )
        await wx.drain()

    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, "你好")  # opens the window; the menu uses 1 of 5
        await queue("update 1", "update 2", "update 3")  # one message each: 4 of 5
        await queue("update 4", "update 5", "update 6")  # 1 left: they go as one
        service = wx.api.sent("/cgi-bin/message/custom/send", CUSTOMER)
        assert len(service) == 5
        assert service[-1]["text"]["content"] == "update 4\n\nupdate 5\n\nupdate 6"
        await queue("update 7", "update 8")  # the window is used up: templates
        templates = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)
        assert (len(wx.api.sent("/cgi-bin/message/custom/send")), len(templates)) == (5, 2)


async def test_unsubscribing_marks_the_customer_unreachable(world: World) -> None:
    from storage.models import Customer

    async with running(world) as wx:
        for line in ("电水壶漏水", "1", "跳过", "2", "王芳", "1"):
            await wx.customer_says(CUSTOMER, line)
        await wx.customer_says(CUSTOMER, event="unsubscribe")

        async def unreachable(uow: UnitOfWork) -> bool:
            customer = await uow.session.scalar(select(Customer))
            return customer is not None and customer.unreachable_since is not None

        assert await world.read(unreachable)
        alert = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]
        assert "无法通过 wechat 联系" in alert["markdown"]["content"]


async def test_voice_image_and_menu_messages(world: World) -> None:
    from storage.models import Attachment

    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, event="CLICK", key="CASES")
        assert "还没有案件" in wx.api.texts_to(CUSTOMER)[-1]  # the menu key asked for /cases
        voice = (
            f"<xml><ToUserName>gh</ToUserName><FromUserName>{CUSTOMER}</FromUserName>"
            f"<CreateTime>{wx.now()}</CreateTime><MsgType>voice</MsgType><MediaId>v1</MediaId>"
            "<Format>amr</Format><Recognition>电水壶底部漏水</Recognition>"
            "<MsgId>9001</MsgId></xml>"
        )
        query, body = sealed(wx.customers, voice, timestamp=wx.now())
        await wx._post("/wechat/callback", query, body)
        assert "1. 产品质量" in wx.api.texts_to(CUSTOMER)[-1]  # the recognised words: a story
        for line in ("1", "跳过", "2", "王芳"):
            await wx.customer_says(CUSTOMER, line)
        await wx.customer_says(CUSTOMER, "1")  # submit
        case = await world.only(Case)
        assert case.description == "电水壶底部漏水"
        image = (
            f"<xml><ToUserName>gh</ToUserName><FromUserName>{CUSTOMER}</FromUserName>"
            f"<CreateTime>{wx.now()}</CreateTime><MsgType>image</MsgType>"
            "<PicUrl>http://img.example/1.jpg</PicUrl><MediaId>media-42</MediaId>"
            "<MsgId>9002</MsgId></xml>"
        )
        await wx.customer_says(CUSTOMER, case.number)  # open the case
        assert "1. 补充信息" in wx.api.texts_to(CUSTOMER)[-1]
        await wx.customer_says(CUSTOMER, "1")  # add information
        query, body = sealed(wx.customers, image, timestamp=wx.now())
        await wx._post("/wechat/callback", query, body)
        # the voice note is kept with the case it told (issue 13), then the photo
        assert [a.file_ref for a in await world.all(Attachment)] == ["v1", "media-42"]


def test_template_keywords_are_one_line_and_cut_where_wechat_cuts() -> None:
    fields = {"character_string1": "{number}", "thing2": "{solution}", "thing3": "{status}"}
    values = {
        "number": "TS202611-0007",
        "solution": "上门更换新的电水壶，\n并赠送一张五十元优惠券作为补偿",
    }
    data = keyword_data(fields, values)
    assert data["character_string1"] == {"value": "TS202611-0007"}
    assert data["thing2"]["value"] == "上门更换新的电水壶， 并赠送一张五十元…"
    assert len(data["thing2"]["value"]) == 20
    assert data["thing3"] == {"value": ""}  # a value this message does not carry


async def test_unrecognised_voice_is_kept_and_a_location_is_answered_not_ignored(
    world: World,
) -> None:
    async with running(world) as wx:
        for number, (content, answer) in enumerate(
            (  # a voice note is a file now (issue 13): the customer is asked for the story
                ("<MsgType>voice</MsgType><MediaId>v1</MediaId><Format>amr</Format>", "发生了什么"),
                (
                    "<MsgType>location</MsgType><Location_X>31.2</Location_X>"
                    "<Location_Y>121.5</Location_Y><Scale>15</Scale><Label>上海</Label>",
                    "只能读懂文字、图片和文件",
                ),
            ),
            start=9101,
        ):
            xml = (
                f"<xml><ToUserName>gh</ToUserName><FromUserName>{CUSTOMER}</FromUserName>"
                f"<CreateTime>{wx.now()}</CreateTime>{content}<MsgId>{number}</MsgId></xml>"
            )
            query, body = sealed(wx.customers, xml, timestamp=wx.now())
            await wx._post("/wechat/callback", query, body)
            assert answer in wx.api.texts_to(CUSTOMER)[-1]
