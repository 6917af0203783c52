"""Photos and voice notes both ways on WeChat (issue 13), over real signed and encrypted
callbacks and a fake WeChat API on 127.0.0.1 (both backends): what a customer sends is
fetched into the file store and kept with the case; what staff send goes as uploaded
media inside the 48-hour window, and as a template message with a link outside it."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from conversations.base.values import OutboxStatus
from storage.models import Attachment, Case, OutboxMessage
from storage.uow import unit_of_work
from tests.bot.wechat_harness import PUBLIC_URL, ROBOTS, WeChat, running
from tests.fakes.wechat_api import sealed
from tests.fakes.world import World

CUSTOMER = "o-customer-media"
FILING = ("电水壶漏水", "1", "跳过", "2", "王芳", "1")
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # served as-is: the bytes are the check
AMR = b"#!AMR\n" + bytes(200)


def media_xml(wx: WeChat, kind: str, media_id: str, msg_id: int, extra: str = "") -> str:
    return (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{CUSTOMER}</FromUserName>"
        f"<CreateTime>{wx.now()}</CreateTime><MsgType>{kind}</MsgType>"
        f"<MediaId>{media_id}</MediaId>{extra}<MsgId>{msg_id}</MsgId></xml>"
    )


async def send(wx: WeChat, xml: str) -> int:
    wx.clock.advance(seconds=1)
    wx.api.customer_wrote(CUSTOMER)
    query, body = sealed(wx.customers, xml, timestamp=wx.now())
    return await wx._post("/wechat/callback", query, body)


async def filed(wx: WeChat, world: World) -> Case:
    for line in FILING:
        await wx.customer_says(CUSTOMER, line)
    return await world.only(Case)


async def add_to(wx: WeChat, case: Case, xml: str) -> None:
    """The customer opens the case, picks "add information" and sends the file."""
    await wx.customer_says(CUSTOMER, case.number)
    await wx.customer_says(CUSTOMER, "1")
    assert await send(wx, xml) == 200


async def queue(
    wx: WeChat, world: World, chat: str, media: list[dict[str, Any]], **more: Any
) -> int:
    """A staff message with files in the outbox, as handlers/relay.py writes it."""
    now = world.clock.now()
    channel = more.pop("channel", "wechat")
    payload = {"text": more.pop("text", "这是更换的新水壶"), "choices": [], "media": media, **more}
    async with unit_of_work(world.db) as uow:
        row = OutboxMessage(
            channel=channel, chat_id=chat, not_before=now, created_at=now, payload=payload
        )
        uow.session.add(row)
        await uow.session.flush()
        row_id = row.id
    await wx.drain()
    return row_id


async def row(world: World, row_id: int) -> OutboxMessage:
    return next(r for r in await world.all(OutboxMessage) if r.id == row_id)


def photo(
    path: str | None, channel: str = "telegram", name: str | None = "new.jpg"
) -> dict[str, Any]:
    return {"kind": "photo", "channel": channel, "ref": "AgAC-telegram", "path": path, "name": name}


async def test_a_customers_photo_and_voice_after_filing_are_fetched_kept_and_attached(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.media |= {"media-42": (JPEG, "image/jpeg"), "voice-7": (AMR, "audio/amr")}
        case = await filed(wx, world)
        await add_to(
            wx, case, media_xml(wx, "image", "media-42", 9002, "<PicUrl>http://x/1</PicUrl>")
        )
        voice = media_xml(
            wx, "voice", "voice-7", 9003, "<Format>amr</Format><Recognition>底部漏水</Recognition>"
        )
        await add_to(wx, case, voice)
        kept = await world.all(Attachment)
        assert [(a.file_ref, a.media_kind, a.staff_id) for a in kept] == [
            ("media-42", "photo", None),
            ("voice-7", "voice", None),
        ]
        for attachment, data in zip(kept, (JPEG, AMR), strict=True):
            assert attachment.stored_path is not None
            assert await wx.store.read(attachment.stored_path) == data
            assert attachment.size_bytes == len(data)
            assert hashlib.sha256(data).hexdigest() in attachment.stored_path
        assert kept[1].file_name == "voice.amr" and str(kept[1].stored_path).endswith(".amr")
        assert all(
            c.query.get("access_token") for c in wx.api.calls if c.path.endswith("media/get")
        )


async def test_a_fetch_that_fails_keeps_the_media_id_and_a_resend_stores_nothing_twice(
    world: World,
) -> None:
    async with running(world) as wx:
        case = await filed(wx, world)
        await add_to(wx, case, media_xml(wx, "image", "media-gone", 9010))  # WeChat: 40007
        (attachment,) = await world.all(Attachment)
        assert (attachment.file_ref, attachment.stored_path) == ("media-gone", None)
        wx.api.media["media-43"] = (JPEG, "image/jpeg")
        await wx.customer_says(CUSTOMER, case.number)
        await wx.customer_says(CUSTOMER, "1")
        query, body = sealed(
            wx.customers, media_xml(wx, "image", "media-43", 9011), timestamp=wx.now()
        )
        for _ in range(3):  # WeChat resends what it heard no answer to
            assert await wx._post("/wechat/callback", query, body) == 200
        refs = [a.file_ref for a in await world.all(Attachment)]
        assert refs == ["media-gone", "media-43"]
        stored = list((wx.store.root / "attachments").rglob("*.*"))
        assert len(stored) == 1 and stored[0].read_bytes() == JPEG


async def test_a_photo_over_the_stores_limit_is_not_kept_and_nothing_else_is_lost(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.media["media-big"] = (b"\xff\xd8" + bytes(wx.store.max_bytes), "image/jpeg")
        case = await filed(wx, world)
        await add_to(wx, case, media_xml(wx, "image", "media-big", 9020))
        (attachment,) = await world.all(Attachment)
        assert (attachment.file_ref, attachment.stored_path) == ("media-big", None)
        assert not (wx.store.root / "attachments").exists()


async def test_a_staff_photo_inside_the_window_goes_as_uploaded_media_then_the_text(
    world: World,
) -> None:
    async with running(world) as wx:
        await filed(wx, world)
        stored = await wx.store.keep(JPEG, "photo", "new.jpg")  # came by Telegram
        row_id = await queue(wx, world, CUSTOMER, [photo(stored.path)])
        (upload,) = wx.api.uploads
        assert (upload.kind, upload.data, upload.name) == ("image", JPEG, "new.jpg")
        assert wx.api.media_sent_to(CUSTOMER) == [("image", upload.media_id)]
        to_customer = [c.body for c in wx.api.calls if c.body.get("touser") == CUSTOMER]
        assert [b["msgtype"] for b in to_customer[-2:]] == ["image", "text"]  # photo first
        assert to_customer[-1]["text"]["content"] == "这是更换的新水壶"
        assert (await row(world, row_id)).status == OutboxStatus.SENT


async def test_outside_the_window_the_template_says_a_photo_was_sent_and_links_to_it(
    world: World,
) -> None:
    async with running(world) as wx:
        case = await filed(wx, world)
        stored = await wx.store.keep(JPEG, "photo", "new.jpg")
        world.clock.advance(hours=49)  # the customer-service window has closed
        values = {"number": case.number, "time": "2026-11-30 10:00", "message": "这是更换的新水壶"}
        row_id = await queue(
            wx, world, CUSTOMER, [photo(stored.path)], template="message", values=values
        )
        (sent,) = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)
        assert sent["template_id"] == "TPL-M"
        assert sent["data"]["thing2"]["value"] == "客服给您发送了照片，点击查看"
        assert sent["data"]["character_string1"]["value"] == case.number
        assert wx.api.uploads == [] and wx.api.media_sent_to(CUSTOMER) == []
        assert (await row(world, row_id)).status == OutboxStatus.SENT  # nothing parked
        link = urlsplit(sent["url"])
        assert f"{link.scheme}://{link.netloc}" == PUBLIC_URL
        opened = await wx.client.get(link.path)
        assert (opened.status, await opened.read()) == (200, JPEG)
        assert "no-store" in opened.headers["Cache-Control"]
        claim, _, signature = link.path.rsplit("/", 1)[1].partition(".")
        for forged in (
            f"{claim}.{'A' * len(signature)}",
            f"{claim[:-2]}xx.{signature}",
            "..%2F..%2Fetc",
        ):
            assert (await wx.client.get(f"/wechat/media/{forged}")).status == 404
        world.clock.advance(days=8)  # the link has expired
        assert (await wx.client.get(link.path)).status == 404


async def test_without_a_public_address_the_template_asks_the_customer_to_reply(
    world: World,
) -> None:
    async with running(world, public_url=None) as wx:
        case = await filed(wx, world)
        stored = await wx.store.keep(JPEG, "photo", "new.jpg")
        world.clock.advance(hours=49)
        await queue(
            wx,
            world,
            CUSTOMER,
            [photo(stored.path)],
            template="message",
            values={"number": case.number},
        )
        (sent,) = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)
        assert sent["data"]["thing2"]["value"] == "客服给您发送了照片，请回复我们"
        assert "url" not in sent


async def test_a_document_a_telegram_voice_note_and_a_lost_file_go_as_text_lines(
    world: World,
) -> None:
    async with running(world) as wx:
        await filed(wx, world)
        document = await wx.store.keep(b"%PDF-1.4", "document", "发票.pdf")
        ogg = await wx.store.keep(b"OggS", "voice", "voice.ogg")
        media = [
            {
                "kind": "document",
                "channel": "telegram",
                "ref": "BQAC",
                "path": document.path,
                "name": "发票.pdf",
            },
            {
                "kind": "voice",
                "channel": "telegram",
                "ref": "AwAC",
                "path": ogg.path,
                "name": "voice.ogg",
            },
            photo("attachments/00/" + "0" * 64 + ".jpg"),  # gone from the store
        ]
        row_id = await queue(wx, world, CUSTOMER, media)
        assert wx.api.uploads == [] and wx.api.media_sent_to(CUSTOMER) == []
        text = wx.api.texts_to(CUSTOMER)[-1]
        assert text.startswith("这是更换的新水壶")
        assert "附件「发票.pdf」" in text and "附件「voice.ogg」" in text
        assert "有一个文件未能附上" in text
        assert (await row(world, row_id)).status == OutboxStatus.SENT


async def test_a_wechat_photo_not_kept_is_sent_back_by_its_own_media_id(world: World) -> None:
    async with running(world) as wx:
        await filed(wx, world)
        await queue(
            wx, world, CUSTOMER, [photo(None, channel="wechat", name=None) | {"ref": "media-9"}]
        )
        assert wx.api.uploads == []
        assert wx.api.media_sent_to(CUSTOMER) == [("image", "media-9")]


async def test_the_wecom_robot_names_each_file_and_posts_a_small_photo_as_an_image(
    world: World,
) -> None:
    async with running(world) as wx:
        stored = await wx.store.keep(JPEG, "photo", "leak.jpg")
        media = [
            photo(stored.path, name="leak.jpg"),
            {"kind": "document", "channel": "wechat", "ref": "m", "path": None, "name": "单据.pdf"},
        ]
        await queue(
            wx, world, ROBOTS["product"], media, channel="wecom_robot", text="客户补充了照片"
        )
        markdown, image = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-2:]
        content = markdown["markdown"]["content"]
        assert (
            content.startswith("客户补充了照片") and "leak.jpg" in content and "单据.pdf" in content
        )
        assert image["msgtype"] == "image"
        assert image["image"]["md5"] == hashlib.md5(JPEG).hexdigest()


async def test_a_staff_photo_from_the_wecom_app_is_kept_like_a_customers(world: World) -> None:
    from tests.fakes.wechat_api import CORP_ID

    async with running(world) as wx:
        wx.api.media["wecom-photo"] = (JPEG, "image/jpeg")
        xml = (
            f"<xml><ToUserName>{CORP_ID}</ToUserName><FromUserName>lilei</FromUserName>"
            f"<CreateTime>{wx.now()}</CreateTime><MsgType>image</MsgType>"
            "<PicUrl>http://x/2</PicUrl><MediaId>wecom-photo</MediaId><MsgId>9300</MsgId>"
            "<AgentID>1000002</AgentID></xml>"
        )
        query, body = sealed(wx.staff_app, xml, timestamp=wx.now())
        assert await wx._post("/wecom/callback", query, body) == 200
        assert [c.query["media_id"] for c in wx.api.calls if c.path == "/cgi-bin/media/get"] == [
            "wecom-photo"
        ]
        assert len(list((wx.store.root / "attachments").rglob("*.jpeg"))) == 1


async def test_the_wecom_app_sends_a_stored_photo_as_an_uploaded_image_then_the_text(
    world: World,
) -> None:
    async with running(world) as wx:
        stored = await wx.store.keep(JPEG, "photo", "leak.jpg")
        media = [photo(stored.path, channel="wechat", name="leak.jpg")]
        await queue(wx, world, "lilei", media, channel="wecom", text="客户补充了照片")
        (upload,) = wx.api.uploads
        image, text = wx.api.sent("/cgi-bin/message/send", "lilei")[-2:]
        assert image == {
            "touser": "lilei",
            "agentid": 1000002,
            "msgtype": "image",
            "image": {"media_id": upload.media_id},
        }
        assert text["text"]["content"] == "客户补充了照片"


async def test_staff_words_reach_the_customer_inside_the_window_and_by_template_after(
    world: World,
) -> None:
    async with running(world) as wx:
        case = await filed(wx, world)
        await wx.staff_says("lilei", f"/take {case.number}")
        await wx.staff_says("lilei", f"/reply {case.number} 快递明天上午到")
        assert any("快递明天上午到" in text for text in wx.api.texts_to(CUSTOMER))
        world.clock.advance(hours=49)  # the window has closed
        await wx.staff_says("lilei", f"/reply {case.number} 新水壶已寄出")
        (sent,) = wx.api.sent("/cgi-bin/message/template/send", CUSTOMER)
        assert sent["template_id"] == "TPL-M"
        assert sent["data"]["character_string1"]["value"] == case.number
        assert sent["data"]["thing2"]["value"].startswith("新水壶已寄出")  # the words themselves
        parked = [r for r in await world.all(OutboxMessage) if r.status == OutboxStatus.PARKED]
        assert parked == []


async def test_a_customers_photo_reaches_the_handler_in_the_wecom_app_as_an_image(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.media["media-77"] = (JPEG, "image/jpeg")
        case = await filed(wx, world)
        await wx.staff_says("lilei", f"/take {case.number}")
        await add_to(wx, case, media_xml(wx, "image", "media-77", 9400))
        (upload,) = wx.api.uploads  # the stored copy, uploaded to WeCom for the handler
        assert upload.data == JPEG and upload.kind == "image"
        assert ("image", upload.media_id) in [
            (c["msgtype"], c.get("image", {}).get("media_id"))
            for c in wx.api.sent("/cgi-bin/message/send", "lilei")
        ]


async def test_a_kept_wechat_voice_note_goes_back_as_an_uploaded_voice_message(
    world: World,
) -> None:
    async with running(world) as wx:
        await filed(wx, world)
        stored = await wx.store.keep(AMR, "voice", "voice.amr")
        media = [
            {
                "kind": "voice",
                "channel": "wechat",
                "ref": "v1",
                "path": stored.path,
                "name": "voice.amr",
            }
        ]
        await queue(wx, world, CUSTOMER, media, text="")
        (upload,) = wx.api.uploads
        assert (upload.kind, upload.data) == ("voice", AMR)
        assert wx.api.media_sent_to(CUSTOMER) == [("voice", upload.media_id)]
        last = [c.body for c in wx.api.calls if c.body.get("touser") == CUSTOMER][-1]
        assert last["msgtype"] == "voice"  # no empty text after a file with no words


async def test_an_expired_token_on_media_get_is_fetched_anew_and_the_photo_kept(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.media["media-50"] = (JPEG, "image/jpeg")
        case = await filed(wx, world)
        await wx.customer_says(CUSTOMER, case.number)
        await wx.customer_says(CUSTOMER, "1")
        wx.api.expired_tokens.add(f"T{wx.api.token_fetches}")  # WeChat ended it early
        assert await send(wx, media_xml(wx, "image", "media-50", 9500)) == 200
        gets = [c.query["access_token"] for c in wx.api.calls if c.path == "/cgi-bin/media/get"]
        assert len(gets) == 2 and gets[0] != gets[1]  # refused once, fetched anew
        (attachment,) = await world.all(Attachment)
        assert attachment.stored_path is not None
        assert await wx.store.read(attachment.stored_path) == JPEG
