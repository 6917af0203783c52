"""Telegram edge cases with the real client over HTTP (webhook mode; both backends)."""

from __future__ import annotations

import logging

import pytest

from conversations.base.values import OutboxStatus
from storage.models import Case, CaseEvent, Customer, OutboxMessage
from tests.bot.telegram_harness import GROUPS, Telegram, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

CUSTOMER = user(1001)
LI, LIU, STRANGER = user(2001, "李雷"), user(2003, "物流小刘"), user(5555, "路人")


async def file(tg: Telegram, text: str = "电视机屏幕有坏点") -> None:
    for update in (
        message_update(CUSTOMER, text),
        button_update(CUSTOMER, 1001, "category:product_quality"),
        button_update(CUSTOMER, 1001, "skip:details"),
        button_update(CUSTOMER, 1001, "wanted:repair"),
        button_update(CUSTOMER, 1001, "confirm:submit"),
    ):
        await tg.send(update)


async def number(world: World) -> str:
    (case,) = await world.all(Case)
    return str(case.number)


async def test_taps_by_strangers_and_other_departments_are_refused(world: World) -> None:
    async with running(world, "webhook") as tg:
        await file(tg)
        n = await number(world)
        events = len(await world.all(CaseEvent))
        await tg.send(button_update(STRANGER, GROUPS["product"], f"take:{n}"))
        assert "员工" in tg.api.sent("answerCallbackQuery")[-1]["text"]
        assert tg.api.texts_to(5555) == []  # nothing sent to a stranger
        await tg.send(button_update(LIU, GROUPS["product"], f"take:{n}"))
        assert "属于" in tg.api.sent("answerCallbackQuery")[-1]["text"]
        assert len(await world.all(CaseEvent)) == events
        assert (await world.all(Case))[0].handler_id is None


async def test_stale_buttons_say_the_case_moved_on(world: World) -> None:
    async with running(world, "webhook") as tg:
        await file(tg)
        n = await number(world)
        await tg.send(button_update(LI, GROUPS["product"], f"take:{n}"))
        await tg.send(button_update(LI, GROUPS["product"], f"take:{n}"))
        assert "李雷" in tg.api.sent("answerCallbackQuery")[-1]["text"]  # already handled by
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))  # an old summary button
        assert len(await world.all(Case)) == 1


async def test_a_duplicate_update_has_no_second_effect(world: World) -> None:
    async with running(world, "webhook") as tg:
        update = message_update(CUSTOMER, "/start", update_id=777_001)
        await tg.send(update)
        await tg.send(update)
        assert len(tg.api.sent("sendMessage", 1001)) == 1


@pytest.mark.parametrize(
    ("secret", "reason"), [("wrong", "wrong_secret"), (None, "missing_secret")]
)
async def test_webhook_refuses_a_wrong_or_missing_secret(
    world: World, secret: str | None, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(world, "webhook") as tg:
        with caplog.at_level(logging.WARNING):
            status = await tg.post_raw(message_update(CUSTOMER, "/start"), secret)
        assert status == 401
        assert f"telegram_webhook_refused reason={reason}" in caplog.text
        assert tg.api.sent("sendMessage") == []


async def test_a_blocked_customer_is_marked_unreachable_and_the_case_goes_on(
    world: World,
) -> None:
    async with running(world, "webhook") as tg:
        await file(tg)
        n = await number(world)
        tg.api.blocked_chats.add(1001)
        await tg.send(button_update(LI, GROUPS["product"], f"take:{n}"))  # tells the customer
        (customer,) = await world.all(Customer)
        assert customer.unreachable_since is not None
        parked = [m for m in await world.all(OutboxMessage) if m.status is OutboxStatus.PARKED]
        assert len(parked) == 1 and "blocked" in (parked[0].error or "")
        assert any("无法通过 telegram 联系" in t for t in tg.api.texts_to(GROUPS["product"]))
        await tg.send(message_update(LI, f"/valid {n} 属实 | 来料不良"))  # the case goes on
        assert "已完成" in tg.api.texts_to(2001)[-1]
        await tg.send(message_update(LI, f"/case {n}"))
        assert "无法通过 telegram 联系该客户" in tg.api.texts_to(2001)[-1]


async def test_a_5000_character_description_is_kept_and_split_for_display(world: World) -> None:
    story = "\n".join(f"第{i}行：水壶漏水，<底部>有裂缝 & 滴水。" for i in range(260))
    assert len(story) > 5000
    async with running(world, "webhook") as tg:
        await tg.send(message_update(CUSTOMER, story))
        await tg.send(button_update(CUSTOMER, 1001, "category:product_quality"))
        await tg.send(button_update(CUSTOMER, 1001, "skip:details"))
        before = len(tg.api.sent("sendMessage", 1001))
        await tg.send(button_update(CUSTOMER, 1001, "wanted:repair"))
        summary = tg.api.sent("sendMessage", 1001)[before:]
        assert len(summary) >= 2 and all(len(p["text"]) <= 4096 for p in summary)
        assert "reply_markup" in summary[-1] and "reply_markup" not in summary[0]
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        (case,) = await world.all(Case)
        assert case.description == story


async def test_rate_limited_sends_wait_and_then_go(world: World) -> None:
    async with running(world, "webhook") as tg:
        tg.api.rate_limit_next = 1
        await tg.send(message_update(CUSTOMER, "/start"))
        assert tg.api.texts_to(1001) == []  # 429: waiting out retry_after
        world.clock.advance(seconds=4)
        await tg.drain()
        assert len(tg.api.texts_to(1001)) == 1


async def test_an_edit_to_the_same_text_is_not_an_error(world: World) -> None:
    async with running(world, "webhook") as tg:
        await file(tg)
        n = await number(world)
        await tg.send(message_update(LI, f"/case {n}"))
        # Re-posting the unchanged card edits it to the same text: Telegram says "not
        # modified", which the sender treats as delivered rather than a failure.
        from handlers.alerts import post_card
        from storage.cases import CaseRepository
        from storage.uow import unit_of_work

        async with unit_of_work(world.db) as uow:
            case = await CaseRepository(uow.session).by_number(n)
            assert case is not None
            await post_card(uow.session, tg.channel.inbox.desk, case)
        await tg.drain()
        statuses = {m.status for m in await world.all(OutboxMessage)}
        assert statuses == {OutboxStatus.SENT}


async def test_reassign_button_is_for_leads_and_managers(world: World) -> None:
    zhang = user(2009, "张总")
    async with running(world, "webhook") as tg:
        await file(tg)
        n = await number(world)
        card = tg.api.sent("sendMessage", GROUPS["product"])[-1]
        assert f"reassign:{n}" in str(card["reply_markup"])
        await tg.send(button_update(LI, GROUPS["product"], f"reassign:{n}"))
        assert "主管" in tg.api.sent("answerCallbackQuery")[-1]["text"]
        await tg.send(button_update(zhang, GROUPS["product"], f"reassign:{n}"))
        assert "logistics" in tg.api.texts_to(2009)[-1]  # asks for department and reason
        await tg.send(message_update(zhang, "logistics 运输途中损坏"))
        (case,) = await world.all(Case)
        assert (case.department, case.status.value) == ("logistics", "assigned")
        assert any(n in text for text in tg.api.texts_to(GROUPS["logistics"]))


async def test_a_video_note_or_sticker_is_answered_that_only_text_and_photos_are_read(
    world: World,
) -> None:
    async with running(world, "webhook") as tg:
        await tg.send(message_update(CUSTOMER, "电视机屏幕有坏点"))
        question = tg.api.texts_to(1001)[-1]
        for content in (
            {"video_note": {"file_id": "n1", "file_unique_id": "n", "length": 240, "duration": 3}},
            {
                "sticker": {
                    "file_id": "s1",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            {"location": {"latitude": 31.2, "longitude": 121.5}},
        ):
            update = message_update(CUSTOMER)
            del update["message"]["text"]
            update["message"].update(content)
            await tg.send(update)
            assert "只能读懂文字、图片和文件" in tg.api.texts_to(1001)[-1]
        # The question still stands: the next answer is taken where the story was.
        await tg.send(button_update(CUSTOMER, 1001, "category:product_quality"))
        assert tg.api.texts_to(1001)[-1] != question
        assert not await world.all(Case)
