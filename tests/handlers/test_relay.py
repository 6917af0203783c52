"""Staff and customer talk through the case (issue 13), through `dispatch` on both
databases: /reply, canned answers, files, a reply to the bot's message or in the case's
topic, who may write; and the customer's words, files and answers reaching the handler."""

from __future__ import annotations

import itertools

from sqlalchemy import delete, select, update

from conversations import relays
from conversations.base.i18n import translation
from conversations.base.messages import Inbound, Media
from conversations.base.policy import Language
from conversations.base.values import CaseStatus, EventKind, Purpose
from conversations.wording import refusal
from handlers.customer import attach
from handlers.desk import Desk
from handlers.dispatch import Inbox, dispatch
from notifications.senders import Outgoing
from storage.models import (
    Attachment,
    Case,
    CaseEvent,
    Customer,
    Identity,
    MessageRef,
    OutboxMessage,
    Staff,
)
from storage.uow import unit_of_work
from tests.fakes.chat import Chat, deliver, file_complaint
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World, enrol

ZH = translation(Language.ZH_HANS)
EN = translation(Language.EN)
_updates = itertools.count(1)


async def desk_with(world: World, shared: RecordingSender) -> tuple[Chat, Chat, str]:
    """A customer with a filed product case, its handler 李雷 who took it; the number."""
    customer = Chat(world, "u1", name="王芳", sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    number = await file_complaint(world, customer, "电水壶漏水")
    await handler.press(f"take:{number}")
    return customer, handler, number


async def written(
    world: World,
    shared: RecordingSender,
    sender_id: str,
    chat_id: str,
    text: str,
    *,
    quoted: str | None = None,
    is_group: bool = False,
    media: tuple[Media, ...] = (),
) -> list[Outgoing]:
    """A message with what `Chat` cannot send (a Telegram reply, a group topic); what was
    delivered because of it."""
    before = len(shared.sent)
    inbound = Inbound(
        channel="console",
        update_id=f"relay-{next(_updates)}",
        chat_id=chat_id,
        sender_id=sender_id,
        received_at=world.clock.now(),
        text=text,
        media=media,
        is_group=is_group,
        quoted=quoted,
    )
    await dispatch(Inbox(world.db, world.desk), inbound)
    await deliver(world, shared)
    return shared.sent[before:]


def to(messages: list[Outgoing], chat: str) -> list[Outgoing]:
    return [m for m in messages if m.chat_id == chat]


async def event_rows(world: World, kind: EventKind) -> list[CaseEvent]:
    return [e for e in await world.all(CaseEvent) if e.kind == kind]


async def test_reply_reaches_the_customer_introduced_and_on_the_timeline(world: World) -> None:
    shared = RecordingSender()
    _, handler, number = await desk_with(world, shared)
    answered = await handler.send(f"/reply {number} 快递员今天下午三点给您打电话")
    assert [m.text for m in answered] == [relays.sent_to_customer(ZH, number, 0)]
    (got,) = [m for m in shared.sent[-2:] if m.chat_id == "u1"]
    assert got.text == relays.from_desk(ZH, number, "快递员今天下午三点给您打电话")
    assert "工作人员" in got.text and number in got.text
    (event,) = await event_rows(world, EventKind.STAFF_REPLIED)
    assert event.customer_visible
    assert event.data["text"] == "快递员今天下午三点给您打电话" and event.data["files"] == []
    (lilei,) = [s for s in await world.all(Staff) if s.name == "李雷"]
    assert event.actor_id == lilei.id


async def test_the_customer_sees_the_message_on_their_case_timeline(world: World) -> None:
    """Their /case view names it in their words, never the raw kind."""
    shared = RecordingSender()
    customer, handler, number = await desk_with(world, shared)
    await handler.send(f"/reply {number} 快递员今天下午三点给您打电话")
    (view,) = await customer.send(number)  # the number alone shows the case
    assert ZH.gettext("We sent you a message") in view.text
    assert "我们给您发了消息" in view.text and "staff_replied" not in view.text


async def test_canned_answer_is_filled_in_the_customers_language(world: World) -> None:
    shared = RecordingSender()
    customer = Chat(world, "u1", name="Wang Fang", language="en", sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    number = await file_complaint(world, customer, "My kettle leaks from the bottom")
    await handler.press(f"take:{number}")
    answered = await handler.send(f"/reply {number} #Photo")
    assert answered[0].text == relays.sent_to_customer(ZH, number, 0)
    (photo,) = [a for a in world.desk.policy.canned if a.key == "photo"]
    expected = photo.render(Language.EN, name="Wang Fang", number=number, due="-")
    assert customer.said()[-1] == relays.from_desk(EN, number, expected)
    assert "Dear Wang Fang" in customer.said()[-1] and "{" not in customer.said()[-1]
    (event,) = await event_rows(world, EventKind.STAFF_REPLIED)
    assert event.data["canned"] == "photo"


async def test_canned_answer_without_a_name_or_with_a_due_time(world: World) -> None:
    """{name} becomes the polite form; {due} the next due time in the customer's words."""
    shared = RecordingSender()
    customer = Chat(world, "u1", name="王芳", sender=shared)
    handler = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=shared)
    await customer.send("快递一直没有送到")
    for button in ("category:delivery", "skip:details", "wanted:replacement", "confirm:submit"):
        await customer.press(button)
    number = (await world.only(Case)).number
    async with unit_of_work(world.db) as uow:  # her name unknown after all
        await uow.session.execute(update(Customer).values(name=None))
    await handler.send(f"/reply {number} #tracing")
    text = customer.said()[-1]
    assert "尊敬的顾客您好" in text and number in text and "{" not in text
    due = text.split("会在")[1].split("前告诉您结果")[0]
    assert due and due != "-" and due != relays.soon(ZH)  # the propose step's due time


async def test_canned_list_and_an_unknown_key_lists_the_valid_ones(world: World) -> None:
    shared = RecordingSender()
    _, handler, number = await desk_with(world, shared)
    everything = (await handler.send("/canned"))[0].text
    assert all(f"#{key}" in everything for key in ("photo", "courier", "tracing"))
    for_case = (await handler.send(f"/canned {number}"))[0].text
    assert "#photo" in for_case and "#courier" in for_case and "#tracing" not in for_case
    assert "麻烦您拍一张" in for_case  # the first line, in the reader's language
    refused = await handler.send(f"/reply {number} #tracing")
    keys = "#photo, #courier"
    params = {"wanted": "tracing", "number": number, "keys": keys}
    assert refused[0].text == refusal(ZH, "canned.unknown", params)
    assert await event_rows(world, EventKind.STAFF_REPLIED) == []


async def test_a_photo_captioned_reply_goes_with_its_file_and_is_kept(world: World) -> None:
    shared = RecordingSender()
    _, handler, number = await desk_with(world, shared)
    photo = Media("photo", "tg-photo-9")
    answered = await handler.send(f"/reply {number} 这是给您换的新水壶", media=(photo,))
    assert answered[0].text == relays.sent_to_customer(ZH, number, 1)
    got = [m for m in shared.sent if m.chat_id == "u1"][-1]
    assert "这是给您换的新水壶" in got.text
    assert [(a.kind, a.channel, a.ref) for a in got.media] == [("photo", "console", "tg-photo-9")]
    (kept,) = await world.all(Attachment)
    (lilei,) = [s for s in await world.all(Staff) if s.name == "李雷"]
    assert (kept.staff_id, kept.file_ref, kept.media_kind) == (lilei.id, "tg-photo-9", "photo")
    (event,) = await event_rows(world, EventKind.STAFF_REPLIED)
    assert event.data["files"] == ["photo"]


async def test_writing_is_refused_to_others_and_on_a_closed_or_unknown_case(world: World) -> None:
    shared = RecordingSender()
    _, handler, number = await desk_with(world, shared)
    other = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=shared)
    colleague = Chat(world, await enrol(world, "王工", "product"), sender=shared)
    lead = Chat(world, await enrol(world, "产品主管", "product", "lead"), sender=shared)
    refused = await other.send(f"/reply {number} 您好")
    params = {"number": number, "department": "技术/产品部"}  # its name, not its key
    assert refused[0].text == refusal(ZH, "access.department", params)
    refused = await colleague.send(f"/reply {number} 您好")
    assert refused[0].text == refusal(ZH, "access.not_handler", {"number": number})
    assert (await lead.send(f"/reply {number} 主管跟进"))[0].text == relays.sent_to_customer(
        ZH, number, 0
    )
    refused = await handler.send("/reply TS209901-9999 您好")
    assert refused[0].text == refusal(ZH, "case.not_found", {})
    refused = await handler.send(f"/reply {number} " + "长" * 4001)
    assert refused[0].text == refusal(ZH, "input.too_long", {"limit": 4000})
    async with unit_of_work(world.db) as uow:
        await uow.session.execute(update(Case).values(status=CaseStatus.CLOSED))
    refused = await handler.send(f"/reply {number} 还有一件事")
    assert refused[0].text == refusal(ZH, "relay.case_closed", {"number": number})
    assert len(await event_rows(world, EventKind.STAFF_REPLIED)) == 1  # the lead's only


async def test_an_untaken_case_may_be_answered_by_its_department(world: World) -> None:
    shared = RecordingSender()
    customer = Chat(world, "u1", name="王芳", sender=shared)
    colleague = Chat(world, await enrol(world, "王工", "product"), sender=shared)
    number = await file_complaint(world, customer, "电水壶漏水")
    await colleague.send(f"/reply {number} 已收到，我们马上安排")
    assert "已收到，我们马上安排" in customer.said()[-1]


async def test_a_customer_without_a_chat_is_not_written_to(world: World) -> None:
    shared = RecordingSender()
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    buyer = await world.customer()
    async with unit_of_work(world.db) as uow:  # no chat with the desk at all
        await uow.session.execute(delete(Identity).where(Identity.customer_id == buyer.id))
    case = await world.file(buyer, channel="phone")  # taken by phone
    refused = await handler.send(f"/reply {case.number} 您好")
    assert refused[0].text == refusal(ZH, "relay.no_chat", {"number": case.number})


async def test_a_telegram_reply_to_the_bots_message_reaches_its_customer(world: World) -> None:
    shared = RecordingSender()
    customer, handler, number = await desk_with(world, shared)
    await customer.press(f"add:{number}")
    await customer.send("水壶底部有裂缝")
    async with unit_of_work(world.db, readonly=True) as uow:
        told = await uow.session.scalar(
            select(OutboxMessage.platform_message_id).where(
                OutboxMessage.chat_id == handler.chat_id, OutboxMessage.case_id.is_not(None)
            )
        )
    assert told is not None
    sent = await written(world, shared, handler.sender_id, handler.chat_id, "明天上门", quoted=told)
    assert relays.from_desk(ZH, number, "明天上门") in [m.text for m in to(sent, "u1")]
    assert [m.text for m in to(sent, handler.chat_id)] == [relays.sent_to_customer(ZH, number, 0)]
    sent = await written(world, shared, handler.sender_id, handler.chat_id, "你好", quoted="m999")
    assert [m.text for m in sent] == [refusal(ZH, "relay.not_a_case", {})]


async def test_a_message_in_the_cases_topic_goes_to_the_customer_silently(world: World) -> None:
    shared = RecordingSender()
    _, handler, number = await desk_with(world, shared)
    case = await world.only(Case)
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            MessageRef(
                case_id=case.id,
                channel="console",
                chat_id="product",
                purpose=Purpose.TOPIC.value,
                platform_message_id="17",
            )
        )
    sent = await written(
        world, shared, handler.sender_id, "product:17", "我们已寄出", is_group=True
    )
    assert [m.text for m in sent] == [relays.from_desk(ZH, number, "我们已寄出")]
    assert to(sent, "u1") and not to(sent, handler.chat_id)  # the topic shows it
    sent = await written(world, shared, handler.sender_id, "product:99", "闲聊", is_group=True)
    assert sent == []  # another topic of the group: not a case's, left alone
    card = next(r for r in await world.all(OutboxMessage) if r.purpose == Purpose.CARD.value)
    assert card.platform_message_id is not None
    sent = await written(
        world, shared, handler.sender_id, "product", "谁有空？", quoted=card.platform_message_id
    )
    assert sent == []  # a reply to the card in the group is talk among staff, not for her


async def test_the_customers_photo_reaches_the_handler_and_the_cases_topic(world: World) -> None:
    policy = world.desk.policy
    departments = [
        d.model_copy(update={"topics": True}) if d.key == "product" else d
        for d in policy.departments
    ]
    world.desk = Desk.build(policy.model_copy(update={"departments": departments}), world.clock)
    shared = RecordingSender()
    customer, handler, number = await desk_with(world, shared)
    card = next(r for r in await world.all(OutboxMessage) if r.purpose == Purpose.CARD.value)
    assert card.payload["topic"] == {"open": f"{number} · 产品质量"}
    await customer.press(f"add:{number}")
    await customer.send("这是漏水的地方 13812345678", media=(Media("photo", "cust-photo-1"),))
    rows = [r for r in await world.all(OutboxMessage) if "media" in r.payload]
    by_chat = {r.chat_id: r for r in rows}
    assert set(by_chat) == {handler.chat_id, "product"}
    assert by_chat["product"].payload["in_topic"] is True
    assert "in_topic" not in by_chat[handler.chat_id].payload
    for row in rows:
        assert row.payload["media"] == [
            {
                "kind": "photo",
                "channel": "console",
                "ref": "cust-photo-1",
                "path": None,
                "name": None,
            }
        ]
        assert "这是漏水的地方" in row.payload["text"] and "13812345678" not in row.payload["text"]


async def test_without_topics_the_group_gets_the_customers_words_as_before(world: World) -> None:
    shared = RecordingSender()
    customer, handler, number = await desk_with(world, shared)
    await customer.press(f"add:{number}")
    await customer.send("补充：底部有裂缝")
    rows = [r for r in await world.all(OutboxMessage) if "裂缝" in str(r.payload.get("text"))]
    assert {r.chat_id for r in rows} == {"product", handler.chat_id}
    assert all("in_topic" not in r.payload and "media" not in r.payload for r in rows)
    card = next(r for r in await world.all(OutboxMessage) if r.purpose == Purpose.CARD.value)
    assert "topic" not in card.payload


async def test_the_handler_hears_when_the_customer_accepts_or_refuses(world: World) -> None:
    shared = RecordingSender()
    customer, handler, number = await desk_with(world, shared)
    await handler.send(f"/valid {number} 密封圈缺陷 | 来料不良")
    await handler.send(f"/propose {number} 送您一张优惠券")
    await customer.press(f"refuse:{number}")
    await customer.send("我要换新的")
    refused = relays.customer_refused(ZH, number, "我要换新的")
    assert refused in handler.said()
    assert "客户不接受" in refused and "我要换新的" in refused
    await handler.send(f"/propose {number} 更换新水壶")
    await customer.press(f"accept:{number}")
    accepted = [t for t in handler.said() if t.startswith("客户已接受案件")]
    assert len(accepted) == 1 and number in accepted[0] and "/resolve" in accepted[0]
    assert not any("您" in t and "评价" in t for t in handler.said())


async def test_attach_keeps_the_stored_copy_size_and_name(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    media = Media("document", "ref-1", "ab/abcdef.pdf", 12345, "发票.pdf")
    async with unit_of_work(world.db) as uow:
        attach(uow.session, case, "telegram", [media], world.desk)
    (kept,) = await world.all(Attachment)
    assert (kept.stored_path, kept.size_bytes, kept.file_name) == (
        "ab/abcdef.pdf",
        12345,
        "发票.pdf",
    )
    assert kept.staff_id is None


async def test_files_sent_while_filing_follow_the_card(world: World) -> None:
    """The card carries no files: they follow it to the group (the case's topic)."""
    shared = RecordingSender()
    customer = Chat(world, "u1", name="王芳", sender=shared)
    await customer.send("电水壶漏水，见照片", media=(Media("photo", "filed-1"),))
    for button in ("category:product_quality", "skip:details", "wanted:replacement"):
        await customer.press(button)
    await customer.press("confirm:submit")
    number = (await world.only(Case)).number
    to_group = [r for r in await world.all(OutboxMessage) if r.chat_id == "product"]
    assert [r.purpose for r in to_group] == [Purpose.CARD.value, None]
    files = to_group[1]
    assert files.payload["text"] == relays.filed_with(ZH, number, 1)
    assert [m["ref"] for m in files.payload["media"]] == ["filed-1"]
    assert "in_topic" not in files.payload
