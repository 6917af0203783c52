"""/mydata arrives as a file (issue 15): a Telegram document through the real aiogram
client against the fake Bot API, a file under the console's data directory, and on
WeChat (no file without media upload) the same content as text (both backends)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from bot.channels.console import ConsolePlayer
from bot.console_chat import converse
from conversations.base.messages import Document
from notifications.senders import Outgoing
from storage.models import Case
from tests.bot import telegram_harness
from tests.bot import wechat_harness as wechat
from tests.bot.test_console_scope import FILING, app_for
from tests.fakes.senders import drain_all
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

WANG = user(1001, "王芳")
LI = user(1002, "李娜")


async def file_on_telegram(
    tg: telegram_harness.Telegram, who: dict[str, object], story: str
) -> None:
    chat = int(str(who["id"]))
    await tg.send(message_update(who, story))
    for button in ("category:product_quality", "skip:details", "wanted:replacement"):
        await tg.send(button_update(who, chat, button))
    await tg.send(button_update(who, chat, "confirm:submit"))


async def test_mydata_on_telegram_is_a_json_document_with_her_case_and_phone_only(
    world: World,
) -> None:
    async with telegram_harness.running(world, "polling") as tg:
        await file_on_telegram(tg, LI, "冰箱不制冷，请打 13900001111")
        await file_on_telegram(tg, WANG, "水壶漏水，请打 13812345678")
        mine = next(c for c in await world.all(Case) if "水壶" in c.description)
        await tg.send(message_update(WANG, "/mydata"))
        ((name, content),) = tg.api.documents_to(1001)
        assert name.startswith("mydata-2026-") and name.endswith(".json")
        assert name in tg.api.texts_to(1001)[-1]  # the line that says what the file is
        held = json.loads(content)
        assert [case["number"] for case in held["cases"]] == [mine.number]
        assert held["phone"] == "13812345678" and held["accounts"] == ["telegram:1001"]
        assert "13900001111" not in content.decode() and "冰箱" not in content.decode()
        assert tg.api.documents_to(1002) == []


async def test_a_document_that_failed_once_is_sent_again_with_the_same_file(
    world: World,
) -> None:
    async with telegram_harness.running(world, "polling") as tg:
        await file_on_telegram(tg, WANG, "水壶漏水，请打 13812345678")
        tg.api.fail_documents = 1  # 502: the dispatcher retries later
        await tg.send(message_update(WANG, "/mydata"))
        await drain_all(tg.outbox, tg.clock)
        tries = [call.params["document"] for call in tg.api.calls if call.method == "sendDocument"]
        assert len(tries) == 2 and tries[0] == tries[1]
        assert len(tg.api.documents_to(1001)) == 1  # delivered once, then the text
        assert tries[1]["filename"] in tg.api.texts_to(1001)[-1]


async def test_a_file_over_telegrams_limit_goes_as_its_text(world: World) -> None:
    huge = Document("mydata-2026-11-30.json", b"x" * (50 * 1024 * 1024 + 1), "所有内容的文字版")
    async with telegram_harness.running(world, "polling") as tg:
        sender = tg.outbox.senders["telegram"]
        delivered = await sender.deliver(Outgoing("1001", "文件", document=huge))
        assert not delivered.more
        assert tg.api.sent("sendDocument") == []
        assert tg.api.texts_to(1001) == ["所有内容的文字版"]


async def test_mydata_on_the_console_writes_the_file_under_the_data_directory(
    world: World, tmp_path: Path
) -> None:
    out = io.StringIO()
    app = app_for(world)
    player = ConsolePlayer("console-user", None, "en")
    await converse(app, player, io.StringIO(FILING + "/mydata\n"), out, tmp_path / "files")
    (written,) = (tmp_path / "files").iterdir()
    assert written.name.startswith("mydata-") and f"(file: {written})" in out.getvalue()
    case = await world.only(Case)
    held = json.loads(written.read_text(encoding="utf-8"))
    assert [c["number"] for c in held["cases"]] == [case.number]


async def test_mydata_on_wechat_sends_the_content_as_text_and_says_why(world: World) -> None:
    openid = "o-customer-001"
    async with wechat.running(world) as wx:
        await wx.customer_says(openid, "电水壶漏水，电话 13812345678")
        for answer in ("1", "跳过", "2", "王芳", "1"):
            await wx.customer_says(openid, answer)
        case = await world.only(Case)
        await wx.customer_says(openid, "/mydata")
        texts = wx.api.texts_to(openid)
        start = next(n for n, text in enumerate(texts) if text.startswith("这里无法发送文件"))
        sent = "\n".join(texts[start:])
        assert case.number in sent and "电水壶漏水" in sent and "13812345678" in sent
        assert ".json" not in sent  # no word of a file that did not come
