"""Staff file a complaint for the customer (seed 001 首问负责制, issue 13), on both
databases: numbered, graded, routed and timed like any case; the receiver owns it until
the department takes it; the receipt reaches the customer's chat or the receiver."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import select, update

from conversations import notices
from conversations.base.i18n import translation
from conversations.base.messages import Inbound, Media
from conversations.base.policy import Language
from conversations.base.values import ActorKind, CaseStatus, EventKind, Wanted
from conversations.intents import FileCase
from conversations.staff_filing import call_customer, filed, handed_over
from handlers.actors import Actor
from handlers.common import due_words
from handlers.dispatch import Inbox, dispatch
from handlers.refusals import Refusal
from handlers.staff_file import Received, file_on_behalf
from handlers.take import take
from storage.models import (
    Attachment,
    Case,
    CaseEvent,
    Customer,
    Deadline,
    Identity,
    OutboxMessage,
    Staff,
)
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.world import World, enrol

STORY = "电话投诉：电水壶底部漏水，想换新"
PHONE = "13812345678"
_ids = itertools.count(1)


def complaint(**fields: Any) -> FileCase:
    base: dict[str, Any] = {
        "kind": "complaint",
        "category": "product_quality",
        "description": STORY,
        "wanted": Wanted.REPLACEMENT,
        "name": "王芳",
        "phone": PHONE,
    }
    return FileCase(**{**base, **fields})


async def receiver(world: World) -> tuple[Actor, str]:
    """韩梅梅 of customer service, on the roster with a console chat."""
    account = await enrol(world, "韩梅梅", "service")
    staff = await world.only(Staff)
    return Actor(ActorKind.STAFF, staff.id, staff.name, staff.role, staff.department), account


async def file(world: World, actor: Actor, via: str = "phone", **fields: Any) -> Received:
    return await world.act(file_on_behalf, actor, via, complaint(**fields), "console")


async def events(world: World, case: Case) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        rows = await uow.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
        return list(rows)

    return await world.read(query)


async def clocks(world: World, case: Case) -> list[tuple[str, int, Any]]:
    async def query(uow: UnitOfWork) -> list[tuple[str, int, Any]]:
        rows = await uow.session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)
        )
        return [(d.step, d.escalation_level, d.due_at) for d in rows]

    return await world.read(query)


async def test_a_phone_complaint_gets_a_number_an_owner_and_the_normal_clocks(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    received = await file(world, actor)
    case = received.case
    assert case.number.startswith(world.desk.policy.case_prefix)
    assert (case.channel, case.source, case.status) == ("phone", "phone", CaseStatus.ASSIGNED)
    assert case.received_by_id == case.handler_id == actor.id
    assert case.department == "product"
    kinds = [e.kind for e in await events(world, case)]
    assert kinds == [EventKind.FILED, EventKind.ROUTED, EventKind.RECEIVED_BY_STAFF]
    last = (await events(world, case))[-1]
    assert last.data == {"via": "phone", "staff": "韩梅梅"} and not last.customer_visible
    # the same clocks as a customer's own filing at the same moment
    customer = await world.customer("李四", "13900001111")
    own = await world.file(customer)
    assert [(s, lv) for s, lv, _ in await clocks(world, case)] == [
        (s, lv) for s, lv, _ in await clocks(world, own)
    ]
    assert [d for *_, d in await clocks(world, case)] == [d for *_, d in await clocks(world, own)]
    card = (await world.queued_texts("product"))[0]
    assert case.number in card and "138****5678" in card and PHONE not in card
    # the card, redrawn at once, says who holds it for the customer until the department
    # takes it over (not "waiting to be taken · 韩梅梅"), in the desk's language
    t = translation(world.desk.policy.default_language)
    header = t.gettext("Received by {handler} for the customer · waiting for the department")
    cards = [text for text in await world.queued_texts("product") if case.number in text]
    assert cards[-1].startswith(header.format(handler="韩梅梅"))


async def test_the_customer_is_new_with_no_chat_and_the_receipt_goes_to_the_receiver(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    received = await file(world, actor)
    customer = await world.only(Customer)
    assert (customer.name, customer.phone) == ("王芳", PHONE)
    assert [i for i in await world.all(Identity) if i.customer_id is not None] == []
    assert not received.messaged
    case = received.case
    due = (await clocks(world, case))[0][2]
    t = translation(Language.ZH_HANS)
    when = due_words(world.desk, Language.ZH_HANS, due)
    assert received.receipt == notices.case_received(t, case.number, when)
    # the receipt was queued to nobody: only the department card (and no managers' alert)
    assert {row.chat_id for row in await world.all(OutboxMessage)} == {"product"}


async def test_the_same_phone_with_a_telegram_chat_gets_the_receipt_there(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    async with unit_of_work(world.db) as uow:
        other = Customer(name="王芳", phone=PHONE, created_at=world.clock.now())
        known = Customer(name="王小芳", phone=PHONE, language="en", created_at=world.clock.now())
        uow.session.add_all([other, known])
        await uow.session.flush()
        uow.session.add(
            Identity(
                channel="telegram",
                external_id="1001",
                customer_id=known.id,
                created_at=world.clock.now(),
            )
        )
    received = await file(world, actor, name="-")
    assert received.messaged and received.case.customer_id == known.id
    assert len(await world.all(Customer)) == 2  # nobody new
    (receipt,) = await world.queued_texts("1001")
    assert received.case.number in receipt and receipt == received.receipt
    assert "Your case number is" in receipt  # in the customer's own language
    assert (await world.read(lambda uow: uow.session.get(Customer, known.id))).name == "王小芳"


async def test_department_staff_take_it_over_and_the_receiver_is_told(world: World) -> None:
    actor, account = await receiver(world)
    received = await file(world, actor)
    li = await world.staff("李雷", "product")
    taken = await world.act(take, li, received.case.number)
    assert (taken.handler_id, taken.received_by_id) == (li.id, actor.id)
    assert taken.status is CaseStatus.ACKNOWLEDGED
    t = translation(world.desk.policy.default_language)
    assert "李雷" in (await world.queued_texts("product"))[-1].split("\n")[0]
    received = t.gettext("Received by {handler} for the customer · waiting for the department")
    assert not (await world.queued_texts("product"))[-1].startswith(received[:4])
    assert handed_over(t, taken.number, "李雷") in await world.queued_texts(account)
    # the customer has no chat: the status change reaches nobody, and nothing fails
    chats = {row.chat_id for row in await world.all(OutboxMessage)}
    assert chats == {"product", account}


async def test_the_receiver_cannot_take_another_departments_case_but_keeps_it(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    received = await file(world, actor)
    with pytest.raises(Refusal) as refused:
        await world.act(take, actor, received.case.number)
    assert refused.value.key == "access.department"
    assert (await world.only(Case)).handler_id == actor.id


async def test_a_customer_cannot_file_for_someone(world: World) -> None:
    customer = await world.customer()
    with pytest.raises(Refusal) as refused:
        await file(world, customer)
    assert refused.value.key == "access.staff_only" and await world.all(Case) == []


async def test_inactive_staff_are_refused(world: World) -> None:
    actor, _ = await receiver(world)
    async with unit_of_work(world.db) as uow:
        await uow.session.execute(update(Staff).values(active=False))
    with pytest.raises(Refusal) as refused:
        await file(world, actor)
    assert refused.value.key == "access.withdrawn" and await world.all(Case) == []


@pytest.mark.parametrize(
    ("via", "fields", "key"),
    [
        ("fax", {}, "staff_file.via"),
        ("phone", {"phone": "12345"}, "staff_file.contact"),
        ("phone", {"phone": "wang@example.com"}, "staff_file.contact"),
        ("email", {"phone": "a" * 30 + "@example.com"}, "staff_file.contact"),
        ("letter", {"name": "1"}, "staff_file.name"),
        ("letter", {"name": "王" * 101}, "staff_file.name"),
        ("phone", {"category": "weather"}, "file.unknown_category"),
        ("phone", {"description": " "}, "file.empty_description"),
    ],
)
async def test_bad_input_is_refused_and_files_nothing(
    world: World, via: str, fields: dict[str, Any], key: str
) -> None:
    actor, _ = await receiver(world)
    with pytest.raises(Refusal) as refused:
        await file(world, actor, via, **fields)
    assert refused.value.key == key
    assert await world.all(Case) == [] and await world.all(Customer) == []


async def test_an_email_complaint_keeps_the_address_and_an_anonymous_letter_no_contact(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    by_email = await file(world, actor, "email", phone="wang@example.com", name="Wang Fang")
    letter = await file(world, actor, "letter", phone="-", name="-", order_ref="L-1")
    people = {c.id: (c.name, c.phone) for c in await world.all(Customer)}
    assert people[by_email.case.customer_id] == ("Wang Fang", "wang@example.com")
    assert people[letter.case.customer_id] == (None, None)
    assert (by_email.case.channel, letter.case.channel) == ("email", "letter")


async def test_a_customer_known_by_phone_who_stays_anonymous_is_named_to_no_staff(
    world: World,
) -> None:
    """A name of "-" files the case anonymously: her stored name from an earlier call
    stays on her record (her own data) but this case shows it to nobody."""
    actor, _ = await receiver(world)
    named = await file(world, actor)
    unnamed = await file(world, actor, name="-", description="又打来电话：底座也烫手")
    assert unnamed.case.customer_id == named.case.customer_id
    assert (named.case.anonymous, unnamed.case.anonymous) == (False, True)
    customer = await world.only(Customer)
    assert customer.name == "王芳"  # kept for her, not shown on the anonymous case


# -- through dispatch, as a staff member's chat ---------------------------------------


async def say(world: World, sender: str, text: str = "", button: str | None = None) -> list[str]:
    inbound = Inbound(
        channel="console",
        update_id=f"staff-file-{next(_ids)}",
        chat_id=sender,
        sender_id=sender,
        received_at=world.clock.now(),
        text=text,
        button=button,
        sender_name="someone",
    )
    return [reply.text for reply in await dispatch(Inbox(world.db, world.desk), inbound)]


async def test_the_dialogue_files_and_shows_the_receipt_to_read_out(world: World) -> None:
    account = await enrol(world, "韩梅梅", "service")
    await say(world, account, "/file")
    await say(world, account, button="via:counter")
    await say(world, account, "王芳")
    await say(world, account, PHONE)
    await say(world, account, button="category:delivery")
    await say(world, account, "昨天的订单 A123456 没有送到")
    await say(world, account, button="wanted:explanation")
    (answer,) = await say(world, account, button="confirm:submit")
    case = await world.only(Case)
    assert case.channel == "counter" and case.order_ref == "A123456"
    due = (await clocks(world, case))[0][2]
    t = translation(Language.ZH_HANS)
    receipt = notices.case_received(t, case.number, due_words(world.desk, Language.ZH_HANS, due))
    assert answer == filed(t, case.number, receipt)
    assert "没有" in answer and case.number in answer
    (mine,) = await say(world, account, "/mine")  # the receiver's own open work
    assert case.number in mine


async def test_a_customer_sending_file_gets_no_staff_dialogue(world: World) -> None:
    await say(world, "cust-1", "/start")
    answers = await say(world, "cust-1", "/file")
    t = translation(Language.ZH_HANS)
    asked = t.gettext("Filing a complaint for a customer. How did it reach you?")
    assert asked not in answers
    await say(world, "cust-1", button="via:phone")
    assert await world.all(Case) == []


# -- later in the case ----------------------------------------------------------------


async def test_later_notices_reach_the_chat_of_the_customer_known_by_phone(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    async with unit_of_work(world.db) as uow:
        known = Customer(name="王芳", phone=PHONE, created_at=world.clock.now())
        uow.session.add(known)
        await uow.session.flush()
        uow.session.add(
            Identity(
                channel="telegram",
                external_id="1001",
                customer_id=known.id,
                created_at=world.clock.now(),
            )
        )
    received = await file(world, actor)
    li = await world.staff("李雷", "product")
    await world.act(take, li, received.case.number)
    receipt, update = await world.queued_texts("1001")
    assert received.case.number in receipt and received.case.number in update


async def test_a_customer_without_a_chat_is_told_through_whoever_owns_the_case(
    world: World,
) -> None:
    actor, _ = await receiver(world)
    received = await file(world, actor)
    li_chat = await enrol(world, "李雷", "product")
    li = next(s for s in await world.all(Staff) if s.name == "李雷")
    li_actor = Actor(ActorKind.STAFF, li.id, li.name, li.role, li.department)
    await world.act(take, li_actor, received.case.number)
    (told,) = await world.queued_texts(li_chat)
    t = translation(world.desk.policy.default_language)
    status = notices.status_changed(
        t, received.case.number, t.gettext("a specialist is now handling it")
    )
    assert told == call_customer(t, received.case.number, status)


async def test_photos_of_a_letter_are_kept_with_the_case_as_the_customers(world: World) -> None:
    actor, _ = await receiver(world)
    letter = Media("photo", "tg-file-1", "2026/11/letter.jpg", 2048, "letter.jpg")
    received = await file(world, actor, "letter", media=(letter,))
    (kept,) = await world.all(Attachment)
    assert (kept.case_id, kept.file_ref, kept.stored_path) == (
        received.case.id,
        "tg-file-1",
        "2026/11/letter.jpg",
    )
    assert kept.staff_id is None  # the customer's material, not a message from staff
