"""A case's forum topic at delivery (issue 13), through the real aiogram client and the
fake Bot API: the card that asks for it opens the topic once and is posted inside it,
rows marked in_topic follow it there, the closing card closes it; a group that is no
forum still gets every card, in the group itself (both backends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.files import FileStore
from conversations.base.values import CaseStatus, OutboxStatus, Purpose
from storage.models import Case, MessageRef, OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.bot.telegram_harness import GROUPS, Telegram, running, telegram_policy
from tests.fakes.senders import drain_all
from tests.fakes.telegram_api import button_update, file_update, in_topic, message_update, user
from tests.fakes.world import World
from tests.notifications.rows import stored

FORUM, PLAIN = -1005, -1006
CUSTOMER, LI, HAN = user(1001, "王芳"), user(2001, "李雷"), user(2002, "韩梅梅")


async def case_for(world: World) -> Case:
    return await world.file(await world.customer())


async def send_row(
    world: World, tg: Telegram, chat: int, case: Case, payload: dict[str, Any], purpose: str | None
) -> None:
    """Queue one row about `case` to `chat` and deliver everything."""
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            OutboxMessage(
                channel="telegram",
                chat_id=str(chat),
                case_id=case.id,
                purpose=purpose,
                payload=payload,
                not_before=now,
                created_at=now,
            )
        )
    await tg.drain()


def card(case: Case, **topic: object) -> dict[str, Any]:
    return {"text": f"新案件 {case.number}", "topic": topic}


async def topic_refs(world: World) -> list[tuple[int, str, str]]:
    async def query(uow: UnitOfWork) -> list[tuple[int, str, str]]:
        rows = await uow.session.scalars(
            select(MessageRef).where(MessageRef.purpose == Purpose.TOPIC)
        )
        return [(r.case_id, r.chat_id, r.platform_message_id) for r in rows]

    return await world.read(query)


async def test_a_case_gets_one_topic_its_messages_and_its_closing(world: World) -> None:
    async with running(world, "webhook") as tg:
        tg.api.forums.add(FORUM)
        case = await case_for(world)
        name = f"{case.number} · 产品质量"
        await send_row(world, tg, FORUM, case, card(case, open=name), Purpose.CARD)
        (topic,) = tg.api.sent("createForumTopic", FORUM)
        ((chat, thread), opened) = next(iter(tg.api.topics.items()))
        assert (chat, opened, topic["name"]) == (FORUM, name, name)
        first = tg.api.sent("sendMessage", FORUM)[-1]
        assert first["message_thread_id"] == str(thread) and case.number in first["text"]
        assert await topic_refs(world) == [(case.id, str(FORUM), str(thread))]

        # A second card row for the case (the card again, a supporting department's
        # card): no second topic; the card is edited, a new message goes in the topic.
        taken = {"text": f"已接单 · 李雷 {case.number}", "topic": {"open": name}}
        await send_row(world, tg, FORUM, case, taken, Purpose.CARD)
        assert "已接单" in tg.api.sent("editMessageText", FORUM)[-1]["text"]
        await send_row(world, tg, FORUM, case, card(case, open=name), None)
        assert tg.api.sent("sendMessage", FORUM)[-1]["message_thread_id"] == str(thread)
        assert len(tg.api.sent("createForumTopic")) == 1

        words = {"text": "客户补充：底部还在漏水", "in_topic": True}
        await send_row(world, tg, FORUM, case, words, None)
        added = tg.api.sent("sendMessage", FORUM)[-1]
        assert (added["text"], added["message_thread_id"]) == (words["text"], str(thread))

        closing = {"text": f"已结案 {case.number}", "topic": {"close": True}}
        await send_row(world, tg, FORUM, case, closing, Purpose.CARD)
        assert "已结案" in tg.api.sent("editMessageText", FORUM)[-1]["text"]
        assert tg.api.closed_topics == {(FORUM, thread)}

    rows = await stored(world.db)
    assert [
        (r.chat_id, r.status, r.error)
        for r in rows
        if r.channel == "telegram" and r.status is not OutboxStatus.SENT
    ] == []


async def test_a_topic_that_could_not_be_opened_yet_is_opened_on_the_retry(
    world: World,
) -> None:
    async with running(world, "webhook") as tg:
        tg.api.forums.add(FORUM)
        tg.api.fail_topics = 1  # Telegram has a bad moment
        case = await case_for(world)
        await send_row(world, tg, FORUM, case, card(case, open=case.number), Purpose.CARD)
        assert tg.api.sent("sendMessage", FORUM) == []  # waits for its retry, not lost
        await drain_all(tg.outbox, tg.clock)
        ((_group, thread),) = tg.api.topics
        (posted,) = tg.api.sent("sendMessage", FORUM)
        assert posted["message_thread_id"] == str(thread)
        assert await topic_refs(world) == [(case.id, str(FORUM), str(thread))]


async def test_each_case_has_its_own_topic(world: World) -> None:
    async with running(world, "webhook") as tg:
        tg.api.forums.add(FORUM)
        first, second = await case_for(world), await case_for(world)
        for case in (first, second):
            await send_row(world, tg, FORUM, case, card(case, open=case.number), Purpose.CARD)
        threads = {ref[2] for ref in await topic_refs(world)}
        sent_in = {p["message_thread_id"] for p in tg.api.sent("sendMessage", FORUM)}
        assert len(threads) == 2 and threads <= sent_in


async def test_a_group_without_topics_still_gets_every_card(world: World) -> None:
    async with running(world, "webhook") as tg:
        first, second = await case_for(world), await case_for(world)
        await send_row(world, tg, PLAIN, first, card(first, open=first.number), Purpose.CARD)
        await send_row(world, tg, PLAIN, second, card(second, open=second.number), Purpose.CARD)
        words = {"text": "客户补充：照片", "in_topic": True}
        await send_row(world, tg, PLAIN, first, words, None)
        closing = {"text": f"已结案 {first.number}", "topic": {"close": True}}
        await send_row(world, tg, PLAIN, first, closing, Purpose.CARD)

        sent = tg.api.sent("sendMessage", PLAIN)
        assert [p["text"] for p in sent][-3:] == [
            f"新案件 {first.number}",
            f"新案件 {second.number}",
            "客户补充：照片",
        ]
        assert all("message_thread_id" not in p for p in sent)
        asked = [call for call in tg.api.calls if call.method == "createForumTopic"]
        assert [call.status for call in asked] == [400]  # refused once, not asked again
        assert tg.api.sent("closeForumTopic") == []
        assert "已结案" in tg.api.sent("editMessageText", PLAIN)[-1]["text"]

    assert await topic_refs(world) == []
    rows = await stored(world.db)
    assert [
        (r.chat_id, r.status, r.error)
        for r in rows
        if r.channel == "telegram" and r.status is not OutboxStatus.SENT
    ] == []


async def test_a_case_talked_through_in_its_topic_end_to_end(world: World, tmp_path: Path) -> None:
    """The product department's group is a forum: the customer's case opens its topic,
    their photo follows the card there, what the handler writes or shows in the topic
    reaches the customer, the customer's later words come back into it, and the case's
    closing closes it."""
    group = GROUPS["product"]
    policy = telegram_policy(frozenset({"product"}))
    async with running(world, "webhook", files=FileStore(tmp_path / "files"), policy=policy) as tg:
        tg.api.forums.add(group)
        tg.api.files.update({"ph-1": b"\xff\xd8 leak", "li-ph": b"\xff\xd8 new kettle"})
        await tg.send(file_update(CUSTOMER, "photo", "ph-1", caption="水壶漏水，想换新"))
        for data in ("category:product_quality", "skip:details", "wanted:replacement"):
            await tg.send(button_update(CUSTOMER, 1001, data))
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)
        ((chat, thread),) = tg.api.topics
        assert chat == group and case.number in tg.api.topics[(chat, thread)]
        in_thread = [p for p in tg.api.calls if p.params.get("message_thread_id") == str(thread)]
        assert case.number in in_thread[0].params["text"]  # the card, inside the topic
        assert [p["photo"] for p in tg.api.sent("sendPhoto", group)] == ["ph-1"]

        await tg.send(in_topic(message_update(LI, "明天上午上门更换"), group, thread))
        assert "明天上午上门更换" in tg.api.texts_to(1001)[-1]
        await tg.send(in_topic(file_update(LI, "photo", "li-ph"), group, thread))
        assert tg.api.files_to(1001, "sendPhoto")[-1][1] == b"\xff\xd8 new kettle"

        await tg.send(message_update(CUSTOMER, "好的，谢谢，底部还在滴水"))
        await tg.send(button_update(CUSTOMER, 1001, f"append:{case.number}"))
        back = tg.api.sent("sendMessage", group)[-1]
        assert "底部还在滴水" in back["text"] and back["message_thread_id"] == str(thread)

        # Taken, solved, reviewed, surveyed: the closed case closes its topic.
        await tg.send(button_update(LI, group, f"take:{case.number}"))
        await tg.send(message_update(LI, f"/valid {case.number} 密封圈缺陷 | 来料不良"))
        await tg.send(message_update(LI, f"/propose {case.number} 今天上门换新"))
        await tg.send(button_update(CUSTOMER, 1001, f"accept:{case.number}"))
        await tg.send(message_update(LI, f"/resolve {case.number} 已换新"))
        await tg.send(message_update(HAN, f"/review {case.number}"))
        await tg.send(button_update(CUSTOMER, 1001, f"solved:{case.number}:yes"))
        await tg.send(button_update(CUSTOMER, 1001, "score:5"))
        assert tg.api.closed_topics == set()
        await tg.send(button_update(CUSTOMER, 1001, "skip:comment"))
        assert (await world.only(Case)).status is CaseStatus.CLOSED
        assert tg.api.closed_topics == {(group, thread)}
