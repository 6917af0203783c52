"""Forged and out-of-order button data gets a polite answer and changes nothing (issue 11):
buttons for other people's cases, malformed payloads, unknown actions, a customer
pressing a staff button, a staff button pressed by another department."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from storage.models import Case, CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol

STALE = "That button is not available here (any more)."


async def event_count(world: World) -> int:
    async def query(uow: UnitOfWork) -> int:
        return len(list(await uow.session.scalars(select(CaseEvent.id))))

    return await world.read(query)


@pytest.mark.parametrize(
    "data", ["take:{n}", "approve:{n}", "nosuch:{n}", "take", ":", "new:story"]
)
async def test_a_customer_pressing_a_staff_or_unknown_button_is_told_and_nothing_happens(
    world: World, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    customer = Chat(world, "u1", name="王芳", language="en")
    number = await file_complaint(world, customer)
    before = await event_count(world)
    with caplog.at_level(logging.ERROR):
        (reply,) = await customer.press(data.format(n=number))
    assert reply.text == STALE and reply.choices  # and the menu, to go on from
    assert await event_count(world) == before and "dispatch_failed" not in caplog.text


@pytest.mark.parametrize("data", ["accept:{n}", "case:{n}"])
async def test_a_button_for_someone_elses_case_is_refused_as_not_found(
    world: World, data: str
) -> None:
    owner = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, owner)
    other = Chat(world, "u2", name="李四", language="en")
    await other.send("/start")
    before = await event_count(world)
    replies = await other.press(data.format(n=number))
    assert [r.text for r in replies] == [
        "We could not find that case among yours. Please check the number."
    ]
    assert await event_count(world) == before


@pytest.mark.parametrize("data", ["take:", "take", "nosuch:{n}", "::", "details"])
async def test_a_malformed_staff_button_is_answered_with_help(world: World, data: str) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), language="en")
    stale, guide = await handler.press(data.format(n=number))
    assert stale.text == STALE and guide.text.startswith("Commands:")


async def test_a_take_button_pressed_in_another_departments_group_is_refused(
    world: World,
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    courier = await enrol(world, "物流小刘", "logistics")
    group = Chat(world, courier, chat_id="logistics", is_group=True, language="en")
    (refused,) = await group.press(f"take:{number}")
    assert not refused.text.startswith("Done")
    (case,) = await world.all(Case)
    assert case.handler_id is None
