"""Staff and customer talk through the case on Telegram (issue 13), with the real aiogram
client against the fake Bot API (both backends): the handler's `/reply N text` and a
Telegram reply to the bot's message about the case reach the customer; the customer's
words after filing reach the handler's private chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.files import FileStore
from conversations.base.values import CaseStatus, EventKind
from storage.models import Attachment, Case, CaseEvent, OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.bot.telegram_harness import GROUPS, running
from tests.fakes.telegram_api import BOT_USER, button_update, file_update, message_update, user
from tests.fakes.world import World

CUSTOMER = user(1001, "王芳")
LI, WANG = user(2001, "李雷"), user(2003, "物流小刘")


def reply_update(sender: dict[str, Any], text: str, quoted: int, bot_id: int) -> dict[str, Any]:
    """A message in the sender's private chat sent as a reply to the bot's message (the
    bot's id is its token's first part)."""
    update = message_update(sender, text)
    message = update["message"]
    message["reply_to_message"] = {
        "message_id": quoted,
        "date": message["date"],
        "chat": message["chat"],
        "from": {**BOT_USER, "id": bot_id},
        "text": "…",
    }
    return update


async def filed_and_taken(world: World, tg: Any) -> str:
    await tg.send(message_update(CUSTOMER, "电水壶漏水，想换新"))
    for button in ("category:product_quality", "skip:details", "wanted:replacement"):
        await tg.send(button_update(CUSTOMER, 1001, button))
    await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
    number = (await world.only(Case)).number
    await tg.send(button_update(LI, GROUPS["product"], f"take:{number}", 1))
    return number


async def sent_to_handler(world: World) -> int:
    """The platform id of the newest bot message about a case in 李雷's private chat."""

    async def query(uow: UnitOfWork) -> str | None:
        return await uow.session.scalar(
            select(OutboxMessage.platform_message_id)
            .where(OutboxMessage.chat_id == "2001", OutboxMessage.case_id.is_not(None))
            .order_by(OutboxMessage.id.desc())
        )

    found = await world.read(query)
    assert found is not None
    return int(found)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_handler_and_customer_talk_through_the_case(world: World, mode: str) -> None:
    async with running(world, mode) as tg:
        api = tg.api
        number = await filed_and_taken(world, tg)

        await tg.send(button_update(CUSTOMER, 1001, f"add:{number}"))
        await tg.send(message_update(CUSTOMER, "底部有一道裂缝，电话 13812345678"))
        relayed = api.texts_to(2001)[-1]
        assert number in relayed and "底部有一道裂缝" in relayed
        assert "13812345678" not in relayed  # masked for staff (POLICY §8)
        assert "底部有一道裂缝" in api.texts_to(GROUPS["product"])[-1]

        await tg.send(message_update(LI, f"/reply {number} 快递员今天下午三点给您打电话"))
        got = api.texts_to(1001)[-1]
        assert "快递员今天下午三点给您打电话" in got and number in got and "工作人员" in got
        assert api.texts_to(2001)[-1] == f"已发送给案件 {number} 的客户。"

        quoted = await sent_to_handler(world)
        await tg.send(reply_update(LI, "新水壶明天上午送到", quoted, tg.channel.bot.id))
        got = api.texts_to(1001)[-1]
        assert "新水壶明天上午送到" in got and number in got
        assert api.texts_to(2001)[-1] == f"已发送给案件 {number} 的客户。"

        await tg.send(message_update(WANG, f"/reply {number} 我来回复"))
        assert "我来回复" not in api.texts_to(1001)[-1]
        refused = api.texts_to(2003)[-1]
        assert number in refused and "技术/产品部" in refused and "无权" in refused

        async def replied(uow: UnitOfWork) -> list[str]:
            rows = await uow.session.scalars(
                select(CaseEvent).where(CaseEvent.kind == EventKind.STAFF_REPLIED)
            )
            return [str(event.data["text"]) for event in rows if event.customer_visible]

        assert await world.read(replied) == ["快递员今天下午三点给您打电话", "新水壶明天上午送到"]


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_reply_to_a_message_about_no_case_is_answered_politely(
    world: World, mode: str
) -> None:
    async with running(world, mode) as tg:
        await tg.send(message_update(LI, "/mine"))

        async def answer(uow: UnitOfWork) -> str | None:
            return await uow.session.scalar(
                select(OutboxMessage.platform_message_id).where(OutboxMessage.chat_id == "2001")
            )

        about_nothing = int(await world.read(answer) or 0)
        await tg.send(reply_update(LI, "这是哪个案件？", about_nothing, tg.channel.bot.id))
        assert "/reply" in tg.api.texts_to(2001)[-1]


async def test_photos_both_ways_and_a_closed_case(world: World, tmp_path: Path) -> None:
    """The customer's photo after filing reaches the handler's private chat with their
    words as its caption; the handler's photo captioned /reply N reaches the customer;
    once the case is closed a reply is refused and nothing reaches the customer."""
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        api = tg.api
        api.files.update({"leak": b"\xff\xd8 leak", "kettle": b"\xff\xd8 new kettle"})
        number = await filed_and_taken(world, tg)

        await tg.send(button_update(CUSTOMER, 1001, f"add:{number}"))
        await tg.send(file_update(CUSTOMER, "photo", "leak", caption="漏水的位置"))
        ((caption, content),) = api.files_to(2001, "sendPhoto")
        assert (
            content == b"\xff\xd8 leak" and number in str(caption) and "漏水的位置" in str(caption)
        )

        await tg.send(file_update(LI, "photo", "kettle", caption=f"/reply {number} 这是新水壶"))
        ((caption, content),) = api.files_to(1001, "sendPhoto")
        assert content == b"\xff\xd8 new kettle" and "这是新水壶" in str(caption)
        assert api.texts_to(2001)[-1] == f"已发送给案件 {number} 的客户，附 1 个文件。"

        async def kept(uow: UnitOfWork) -> list[tuple[str | None, bool]]:
            rows = await uow.session.scalars(select(Attachment).order_by(Attachment.id))
            return [(row.stored_path, row.staff_id is not None) for row in rows]

        theirs, ours = await world.read(kept)  # both stored, the second sent by staff
        assert theirs[0] and not theirs[1] and ours[0] and ours[1]

        async with unit_of_work(world.db) as uow:
            await uow.session.execute(update(Case).values(status=CaseStatus.CLOSED))
        before = len(api.calls)
        await tg.send(message_update(LI, f"/reply {number} 还有一件事"))
        assert f"案件 {number} 已结案" in api.texts_to(2001)[-1]
        assert not [c for c in api.calls[before:] if c.params.get("chat_id") == "1001"]


async def test_a_canned_answer_reaches_the_customer_filled_in(world: World) -> None:
    """`/canned N` lists what fits the case; `/reply N #courier 明天上午` sends the answer
    filled in the customer's language with the words after it, on the timeline."""
    async with running(world, "polling") as tg:
        api = tg.api
        number = await filed_and_taken(world, tg)

        await tg.send(message_update(LI, f"/canned {number}"))
        listed = api.texts_to(2001)[-1]
        assert "#courier" in listed and "#photo" in listed and "#tracing" not in listed

        await tg.send(message_update(LI, f"/reply {number} #courier 预计明天上午送达"))
        got = api.texts_to(1001)[-1]
        assert f"案件 {number} 的换货已安排" in got and "王芳您好" in got
        assert "预计明天上午送达" in got and "{" not in got
        await tg.send(message_update(LI, f"/reply {number} #nosuch"))
        assert "#courier" in api.texts_to(2001)[-1]  # refused, listing what there is
        assert "预计明天上午送达" in api.texts_to(1001)[-1]  # nothing more reached her

        async def canned(uow: UnitOfWork) -> list[object]:
            rows = await uow.session.scalars(
                select(CaseEvent).where(CaseEvent.kind == EventKind.STAFF_REPLIED)
            )
            return [event.data["canned"] for event in rows]

        assert await world.read(canned) == ["courier"]
