"""Lengths are checked at the edge, the same on both databases (issue 11): what a person
can type is refused politely with its limit (or cut where cutting is harmless, as a
display name) before it reaches a column; a long story is kept whole or refused clearly."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from storage.models import Case, CorrectiveAction, Customer, Review
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol


async def review_with(world: World, details: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    service = Chat(world, await enrol(world, "韩梅梅", "service"), language="en")
    await service.send("/badreview")
    await service.press("platform:dianping")
    await service.press("category:product_quality")
    with caplog.at_level(logging.ERROR):
        replies = await service.send(details)
    assert "dispatch_failed" not in caplog.text
    return [r.text for r in replies]


async def test_a_review_link_over_500_characters_is_refused_with_the_limit(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    link = "https://dp.example/r/" + "9" * 490
    said = await review_with(world, f"小李子\n1\n{link}\n蛋糕里有头发", caplog)
    assert said == ["Please keep it under 500 characters."]
    assert await world.all(Review) == []


async def test_a_199_character_reviewer_name_is_refused_with_the_limit(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    said = await review_with(world, f"{'王' * 199}\n1\n-\n蛋糕里有头发", caplog)
    assert said == ["Please keep it under 120 characters."]
    assert await world.all(Review) == []


async def test_a_reviewer_name_at_the_limit_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    await review_with(world, f"{'王' * 120}\n1\n-\n蛋糕里有头发", caplog)
    (review,) = await world.all(Review)
    assert review.reviewer == "王" * 120


async def test_a_corrective_action_owner_over_200_characters_is_refused(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), language="en")
    await handler.send(f"/take {number}")
    await handler.send(f"/valid {number} 批次缺陷 | 来料不良")
    with caplog.at_level(logging.ERROR):
        (reply,) = await handler.send(
            f"/capa {number} 原因 | 纠正 | 预防 | {'张' * 201} | 2099-01-01"
        )
    assert reply.text == "Please keep it under 200 characters."
    assert "dispatch_failed" not in caplog.text
    assert await world.all(CorrectiveAction) == []


async def test_a_long_display_name_is_cut_to_its_column(world: World) -> None:
    await Chat(world, "u1", name="名" * 500 + "\x00").send("/start")
    (customer,) = await world.all(Customer)
    assert customer.name == "名" * 200


async def test_a_10000_character_story_is_filed_whole(world: World) -> None:
    story = "水壶漏水。" * 2000
    customer = Chat(world, "u1", name="王芳")
    await file_complaint(world, customer, story)
    assert (await world.only(Case)).description == story


async def test_a_10000_character_story_from_someone_with_an_open_case_is_kept_whole(
    world: World,
) -> None:
    customer = Chat(world, "u1", name="王芳")
    await file_complaint(world, customer)
    story = "包装也破了。" * 1666 + "破"
    assert len(story) <= 10_000
    await file_complaint(world, customer, story)

    async def newest(uow: UnitOfWork) -> str:
        found = await uow.session.scalar(select(Case.description).order_by(Case.id.desc()))
        assert found is not None
        return found

    assert await world.read(newest) == story


async def test_a_story_over_10000_characters_is_refused_with_the_limit(world: World) -> None:
    customer = Chat(world, "u1", name="王芳", language="en")
    (refused, menu) = await customer.send("x" * 10_001)
    assert "10000 characters at most" in refused.text
    assert menu.choices and await world.all(Case) == []
