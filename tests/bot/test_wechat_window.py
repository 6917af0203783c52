"""WeChat's customer-service window (5 messages within 48 h of the customer's last one):
a backed-up outbox still reaches the customer whole, combined, and a message that cannot
go at all is parked with its reason and the case's department is told."""

from __future__ import annotations

from sqlalchemy import select

from bot.wechat.senders import CUSTOM_TEXT_BYTES
from conversations.base.values import OutboxStatus
from notifications.senders import Windowed
from storage.models import Case, Customer, OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.bot.wechat_harness import ROBOTS, WeChat, running
from tests.fakes.senders import drain_all
from tests.fakes.wechat_api import Answer
from tests.fakes.world import World

CUSTOMER = "o-customer-window"
FILING = ("电水壶漏水", "1", "跳过", "2", "王芳", "1")


async def _queue(wx: WeChat, world: World, texts: list[str], template: str | None) -> None:
    """Texts written to the outbox at once, as a busy case does (nothing sent yet)."""
    now = world.clock.now()
    async with unit_of_work(world.db) as uow:
        for text in texts:
            payload = {"text": text, "choices": [], **({"template": template} if template else {})}
            uow.session.add(
                OutboxMessage(
                    channel="wechat",
                    chat_id=CUSTOMER,
                    not_before=now,
                    created_at=now,
                    payload=payload,
                )
            )
    await wx.drain()


async def _rows(world: World) -> list[OutboxMessage]:
    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return await world.read(query)


async def test_eight_queued_messages_reach_the_customer_whole_within_the_window(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.enforce_window = True  # WeChat itself refuses a sixth message
        await wx.customer_says(CUSTOMER, "你好")  # the window opens; the menu takes 1 of 5
        sender = wx.outbox.senders["wechat"]
        assert isinstance(sender, Windowed)
        assert [await sender.sends_left(CUSTOMER) for _ in range(2)] == [4, 4]  # takes none
        updates = [f"进展 {n}：第{n}步已完成" for n in range(1, 9)]
        await _queue(wx, world, updates, template=None)
        received = "\n".join(wx.api.texts_to(CUSTOMER))
        assert [u for u in updates if u not in received] == []  # every word arrived
        assert len(wx.api.sent("/cgi-bin/message/custom/send", CUSTOMER)) <= 5
        assert [r.error for r in await _rows(world) if r.status != OutboxStatus.SENT] == []


async def test_a_message_outside_the_window_without_a_template_is_parked_and_staff_told(
    world: World,
) -> None:
    async with running(world) as wx:
        for line in FILING:
            await wx.customer_says(CUSTOMER, line)
        case = await world.only(Case)
        world.clock.advance(hours=49)  # the window has closed
        await _queue(wx, world, ["您的快递单号是 SF123"], template=None)
        (parked,) = [r for r in await _rows(world) if r.payload["text"] == "您的快递单号是 SF123"]
        assert parked.status == OutboxStatus.PARKED
        assert "window closed" in (parked.error or "") and "no template" in (parked.error or "")
        alert = wx.api.sent("/cgi-bin/webhook/send", ROBOTS["product"])[-1]["markdown"]
        assert case.number in alert["content"] and "无法通过 wechat 联系" in alert["content"]
        customer = await world.only(Customer)
        assert customer.unreachable_since == world.clock.now()
        await wx.customer_says(CUSTOMER, "/cases")  # they write again: reachable again
        assert (await world.only(Customer)).unreachable_since is None


def _bytes(text: str) -> int:
    return len(text.encode())


async def test_combined_texts_stay_within_2048_bytes_and_every_one_arrives_whole(
    world: World,
) -> None:
    async with running(world) as wx:
        wx.api.enforce_window = True
        await wx.customer_says(CUSTOMER, "你好")  # the window opens; the menu takes 1 of 5
        updates = [f"进展 {n}：" + "处理记录" * 50 for n in range(1, 9)]  # ~610 bytes each
        await _queue(wx, world, updates, template=None)
        sent = [m["text"]["content"] for m in wx.api.sent("/cgi-bin/message/custom/send")]
        assert max(_bytes(text) for text in sent) <= CUSTOM_TEXT_BYTES
        assert len(sent) <= 5  # the window still holds every word
        received = "\n".join(sent)
        assert [u for u in updates if u not in received] == []  # none cut or split
        assert {r.status for r in await _rows(world)} == {OutboxStatus.SENT}


async def test_a_text_over_2048_bytes_goes_in_parts_each_within_the_limit(world: World) -> None:
    story = "\n".join(f"第{n}行：" + "水壶底部漏水" * 20 for n in range(1, 15))  # ~5,200 bytes
    async with running(world) as wx:
        wx.api.enforce_window = True
        await wx.customer_says(CUSTOMER, "你好")
        before = len(wx.api.texts_to(CUSTOMER))
        await _queue(wx, world, [story], template=None)
        parts = wx.api.texts_to(CUSTOMER)[before:]
        assert len(parts) == 3 and max(_bytes(part) for part in parts) <= CUSTOM_TEXT_BYTES
        assert "\n".join(parts) == story  # split at line ends: nothing lost or doubled
        (row,) = [r for r in await _rows(world) if r.payload["text"] == story]
        assert (row.status, row.parts_sent) == (OutboxStatus.SENT, 3)


async def test_a_failed_part_is_retried_alone(world: World) -> None:
    story = "漏水" * 1000  # one line of 6,000 bytes: cut inside it, at a character's edge
    async with running(world) as wx:
        await wx.customer_says(CUSTOMER, "你好")
        before = len(wx.api.texts_to(CUSTOMER))
        async with unit_of_work(world.db) as uow:
            uow.session.add(
                OutboxMessage(
                    channel="wechat",
                    chat_id=CUSTOMER,
                    not_before=world.clock.now(),
                    created_at=world.clock.now(),
                    payload={"text": story},
                )
            )
        assert await wx.outbox.deliver_round() == 1  # the first part goes
        wx.api.script.append(Answer(status=500))  # the second meets a server error
        await drain_all(wx.outbox, world.clock)  # the retry waits out its backoff
        parts = wx.api.texts_to(CUSTOMER)[before:]
        assert "".join(parts) == story and len(parts) == 3  # each part once, in order
        assert max(_bytes(part) for part in parts) <= CUSTOM_TEXT_BYTES
