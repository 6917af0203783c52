"""A typed number means the option the person sees with that number (issue 11).

Channels without buttons (WeChat, console) show choices numbered 1, 2, 3...; typing a
number must do exactly what pressing that option does, in every flow. Where an option's
label is itself a number (satisfaction scores), the label and its shown number agree, so
a typed "5" is score 5 (it was recorded as 1 and reopened the case)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable

import pytest

from conversations.base.values import CaseStatus
from notifications.senders import Outgoing
from storage.conversations import ConversationRepository
from storage.models import Case, Survey
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World, enrol

Setup = Callable[[World, Chat], Awaitable[None]]
_people = itertools.count(1)


async def at_menu(world: World, chat: Chat) -> None:
    await chat.send("/start")


async def at_category(world: World, chat: Chat) -> None:
    await chat.send("水壶漏水")


async def at_details(world: World, chat: Chat) -> None:
    await at_category(world, chat)
    await chat.press("category:product_quality")


async def at_wanted(world: World, chat: Chat) -> None:
    await at_details(world, chat)
    await chat.press("skip:details")


async def at_confirm(world: World, chat: Chat) -> None:
    await at_wanted(world, chat)
    await chat.press("wanted:refund")


async def at_who(world: World, chat: Chat) -> None:
    await at_confirm(world, chat)
    await chat.press("who:ask")


async def at_phone(world: World, chat: Chat) -> None:
    await at_confirm(world, chat)
    await chat.press("edit:phone")


async def at_language(world: World, chat: Chat) -> None:
    await chat.send("/language")


async def at_open_case_question(world: World, chat: Chat) -> None:
    await file_complaint(world, chat)
    await chat.send("还有一件事：包装也破了")


async def at_review_platform(world: World, chat: Chat) -> None:
    await chat.send("/badreview")


async def at_review_category(world: World, chat: Chat) -> None:
    await at_review_platform(world, chat)
    await chat.send("1")


CUSTOMER_FLOWS: dict[str, Setup] = {
    "menu": at_menu,
    "category": at_category,
    "details": at_details,
    "wanted": at_wanted,
    "confirm": at_confirm,
    "who": at_who,
    "phone": at_phone,
    "language": at_language,
    "open_case_question": at_open_case_question,
}
STAFF_FLOWS: dict[str, Setup] = {
    "review_platform": at_review_platform,
    "review_category": at_review_category,
    "staff_language": at_language,
}


async def person(world: World, staff: bool) -> Chat:
    n = next(_people)
    if staff:
        return Chat(world, await enrol(world, f"客服{n}", "service"), language="en")
    return Chat(world, f"c{n}", name="王芳", language="en", sender=RecordingSender())


def shown(chat: Chat) -> list[dict[str, str]]:
    """The choices of the last message with choices sent to this chat, in shown order."""
    offered = [m for m in chat.sender.sent if m.chat_id == chat.chat_id and m.choices]
    return list(offered[-1].choices)


def comparable(world: World, chat: Chat, replies: list[Outgoing]) -> list[object]:
    """What a person sees, with their own case numbers and ids made alike."""
    same = re.compile(r"[A-Z]{1,6}\d{6}-\d{4,}")
    return [
        (same.sub("N", m.text), [(c["label"], same.sub("N", c["action"])) for c in m.choices])
        for m in replies
    ]


async def state_of(world: World, chat: Chat) -> tuple[str, str, str]:
    async def query(uow: UnitOfWork) -> tuple[str, str, str]:
        row = await ConversationRepository(uow.session).load(chat.channel, chat.chat_id)
        assert row is not None
        data = re.sub(r"[A-Z]{1,6}\d{6}-\d{4,}", "N", repr(sorted(row.data.items())))
        return row.flow, row.step, data

    return await world.read(query)


async def assert_typed_means_shown(world: World, setup: Setup, staff: bool) -> None:
    probe = await person(world, staff)
    await setup(world, probe)
    count = len(shown(probe))
    assert count >= 1
    for number in range(1, count + 1):
        typing, pressing = await person(world, staff), await person(world, staff)
        await setup(world, typing)
        await setup(world, pressing)
        option = shown(pressing)[number - 1]
        typed = await typing.send(str(number))
        pressed = await pressing.press(option["action"])
        assert comparable(world, typing, typed) == comparable(world, pressing, pressed), option
        assert await state_of(world, typing) == await state_of(world, pressing), option


@pytest.mark.parametrize("flow", list(CUSTOMER_FLOWS))
async def test_a_typed_number_does_what_the_customer_sees_numbered_so(
    world: World, flow: str
) -> None:
    await assert_typed_means_shown(world, CUSTOMER_FLOWS[flow], staff=False)


@pytest.mark.parametrize("flow", list(STAFF_FLOWS))
async def test_a_typed_number_does_what_staff_see_numbered_so(world: World, flow: str) -> None:
    await assert_typed_means_shown(world, STAFF_FLOWS[flow], staff=True)


async def at_survey(world: World) -> tuple[Chat, str]:
    """A resolved case whose customer is asked whether it is solved."""
    shared = RecordingSender()
    customer = Chat(world, "u1", name="王芳", sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    service = Chat(world, await enrol(world, "韩梅梅", "service"), sender=shared)
    number = await file_complaint(world, customer)
    await handler.press(f"take:{number}")
    await handler.send(f"/valid {number} 屏幕批次缺陷 | 来料不良")
    await handler.send(f"/propose {number} 上门维修")
    await customer.press(f"accept:{number}")
    await handler.send(f"/resolve {number} 已修好")
    await service.send(f"/review {number}")
    return customer, number


async def test_typing_5_at_the_score_records_5_and_closes_the_case(world: World) -> None:
    customer, number = await at_survey(world)
    solved = [c for c in shown(customer) if c["action"] == f"solved:{number}:yes"]
    await customer.send(str(shown(customer).index(solved[0]) + 1))
    scores = shown(customer)
    assert [c["label"] for c in scores] == [str(n) for n in range(1, len(scores) + 1)]
    await customer.send("5")
    await customer.send("1")  # the comment question's only option: Skip
    survey = await world.only(Survey)
    case = await world.only(Case)
    assert (survey.score, survey.solved) == (5, True)
    assert (case.status, case.reopen_count) == (CaseStatus.CLOSED, 0)


async def test_every_numeric_label_is_its_own_shown_number(world: World) -> None:
    customer, number = await at_survey(world)
    await customer.press(f"solved:{number}:no")
    for position, choice in enumerate(shown(customer), start=1):
        if choice["label"].isdigit():
            assert choice["label"] == str(position)
