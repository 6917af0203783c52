"""Outbox delivery: order per chat, cards edited in place, failures retried or parked."""

from __future__ import annotations

from sqlalchemy import select

from conversations.base.values import OutboxStatus, Role
from handlers.take import take
from notifications.dispatcher import Dispatcher
from notifications.senders import SendFailed
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World


async def drain(dispatcher: Dispatcher) -> None:
    while await dispatcher.deliver_round():
        pass


async def rows(world: World) -> list[OutboxMessage]:
    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return await world.read(query)


async def test_filing_queues_customer_receipt_and_department_card(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    sender = RecordingSender()
    await drain(Dispatcher(world.db, {"console": sender}, world.clock))
    receipt = sender.texts_to(f"cust-{buyer.id}")
    assert len(receipt) == 1 and case.number in receipt[0]
    assert "14:00" in receipt[0]  # filed 10:00 Shanghai + 4 working hours, said in words
    card = sender.texts_to("product")
    assert len(card) == 1 and "138****5678" in card[0] and "13812345678" not in card[0]
    assert [c["action"] for c in sender.sent[-1].choices] == [
        f"take:{case.number}",
        f"details:{case.number}",
        f"reassign:{case.number}",
    ]


async def test_card_is_edited_in_place_when_the_case_is_taken(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    sender = RecordingSender()
    dispatcher = Dispatcher(world.db, {"console": sender}, world.clock)
    await drain(dispatcher)
    handler = await world.staff("李雷", "product", Role.STAFF)
    await world.act(take, handler, case.number)
    await drain(dispatcher)
    cards = [m for m in sender.sent if m.chat_id == "product"]
    assert [c.edit_of for c in cards] == [None, "m2"]
    assert "李雷" in cards[1].text


async def test_messages_to_one_chat_go_in_the_order_written(world: World) -> None:
    buyer = await world.customer()
    numbers = [(await world.file(buyer, order_ref=f"O{i}")).number for i in range(5)]
    sender = RecordingSender()
    await drain(Dispatcher(world.db, {"console": sender}, world.clock))
    receipts = sender.texts_to(f"cust-{buyer.id}")
    assert [next(n for n in numbers if n in text) for text in receipts] == numbers


async def test_transient_failure_waits_then_retries_and_order_holds(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer, order_ref="A")
    await world.file(buyer, order_ref="B")
    sender = RecordingSender(failures=[SendFailed("429", permanent=False, retry_after=30)])
    dispatcher = Dispatcher(world.db, {"console": sender}, world.clock)
    await drain(dispatcher)
    assert sender.texts_to(f"cust-{buyer.id}") == []  # the head waits; the next waits behind
    world.clock.advance(seconds=31)
    await drain(dispatcher)
    receipts = sender.texts_to(f"cust-{buyer.id}")
    assert len(receipts) == 2 and "0001" in receipts[0] and "0002" in receipts[1]


async def test_permanent_failure_is_parked_with_its_reason(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer)
    sender = RecordingSender(failures=[SendFailed("bot was blocked", permanent=True)])
    await drain(Dispatcher(world.db, {"console": sender}, world.clock))
    stored = await rows(world)
    parked = [r for r in stored if r.status is OutboxStatus.PARKED]
    assert len(parked) == 1 and parked[0].error == "bot was blocked"
    assert {r.status for r in stored if r.id != parked[0].id} == {OutboxStatus.SENT}


async def test_channels_without_a_sender_are_left_pending(world: World) -> None:
    buyer = await world.customer()
    await world.file(buyer)
    await drain(Dispatcher(world.db, {"telegram": RecordingSender("telegram")}, world.clock))
    assert {r.status for r in await rows(world)} == {OutboxStatus.PENDING}
