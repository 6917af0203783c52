"""Staff commands parse their arguments (issue 11): trailing words are part of the text
where a command has one, and otherwise get the command's usage; never a crash."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from storage.models import Case, CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol

NUMBER_ONLY = ["take", "approve", "implement", "review", "close", "case"]


async def events(world: World) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        return list(await uow.session.scalars(select(CaseEvent).order_by(CaseEvent.id)))

    return await world.read(query)


async def case(world: World, number: str) -> Case:
    async def query(uow: UnitOfWork) -> Case:
        found = await uow.session.scalar(select(Case).where(Case.number == number))
        assert found is not None
        return found

    return await world.read(query)


@pytest.mark.parametrize("command", NUMBER_ONLY)
async def test_a_number_only_command_with_trailing_words_answers_its_usage(
    world: World, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    lead = Chat(world, await enrol(world, "赵经理", "product", "manager"), language="en")
    before = len(await events(world))
    with caplog.at_level(logging.ERROR):
        replies = await lead.send(f"/{command} {number} now please")
    assert [r.text for r in replies] == [
        f"/{command} takes only the case number, e.g. /{command} {number}"
    ]
    assert len(await events(world)) == before
    assert "dispatch_failed" not in caplog.text


async def test_take_with_trailing_words_takes_nothing_and_take_alone_still_takes(
    world: World,
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), language="en")
    await handler.send(f"/take {number} now")
    assert (await case(world, number)).handler_id is None
    (done,) = await handler.send(f"/take {number}")
    assert done.text.startswith(f"Done. Case {number}")
    assert (await case(world, number)).handler_id is not None


async def test_extra_words_are_part_of_the_text_of_a_command_that_has_one(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), language="en")
    await handler.send(f"/take {number}")
    await handler.send(f"/note {number} called   the store, they will   check")
    notes = [e for e in await events(world) if e.kind == "note"]
    assert [n.data["text"] for n in notes] == ["called the store, they will check"]


async def test_reassign_takes_the_department_word_then_the_reason_text(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    lead = Chat(world, await enrol(world, "赵组长", "product", "lead"), language="en")
    (reply,) = await lead.send(f"/reassign {number} logistics it was the courier, not us")
    assert reply.text.startswith(f"Done. Case {number}")
    assert (await case(world, number)).department == "logistics"
