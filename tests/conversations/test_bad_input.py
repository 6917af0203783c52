"""Every filing step given empty, huge, emoji/RTL/control and HTML-looking input gets a
clear reply, and nothing is lost or corrupted (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.conversations import ConversationRepository
from storage.models import Case, Conversation
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat
from tests.fakes.world import World

EMPTY = ""
HUGE = "投诉" * 50_000  # 100 KB of text
WEIRD = "😡 \u202eevil\u202c\x00\x07 水壶 \u200d"
HTML = '<b>bold</b> *md* [x](http://e.com) <script>alert("x")</script> &amp;'
WEIRD_CLEANED = "😡 evil 水壶 \u200d"  # bidi controls go too (issue 14); the joiner stays

# How to reach each step, starting from a fresh chat.
PATHS: dict[str, list[dict[str, str]]] = {
    "category": [{"text": "水壶漏水"}],
    "description": [{"button": "file:complaint"}, {"button": "category:product_quality"}],
    "details": [{"text": "水壶漏水"}, {"button": "category:product_quality"}],
    "wanted": [
        {"text": "水壶漏水"},
        {"button": "category:product_quality"},
        {"button": "skip:details"},
    ],
    "name": [  # asked only from the summary's "Change name" (issue 19)
        {"button": "file:inquiry"},
        {"button": "category:other"},
        {"text": "几点开门?"},
        {"button": "edit:name"},
    ],
    "phone": [
        {"text": "水壶漏水"},
        {"button": "category:product_quality"},
        {"button": "skip:details"},
        {"button": "wanted:refund"},
        {"button": "edit:phone"},
    ],
    "confirm": [
        {"text": "水壶漏水"},
        {"button": "category:product_quality"},
        {"button": "skip:details"},
        {"button": "wanted:refund"},
    ],
}
FREE_TEXT = {"description": "description", "details": "order_ref", "name": "name"}


async def conversation(world: World) -> Conversation | None:
    async def query(uow: UnitOfWork) -> Conversation | None:
        return await ConversationRepository(uow.session).load("console", "u1")

    return await world.read(query)


async def case_count(world: World) -> int:
    async def query(uow: UnitOfWork) -> int:
        return await uow.session.scalar(select(func.count()).select_from(Case)) or 0

    return await world.read(query)


@pytest.mark.parametrize("step", list(PATHS))
@pytest.mark.parametrize(
    "given", [EMPTY, HUGE, WEIRD, HTML], ids=["empty", "huge", "weird", "html"]
)
async def test_bad_input_at_each_step(world: World, step: str, given: str) -> None:
    chat = Chat(world, "u1", language="zh-hans", name=None if step == "name" else "王芳")
    for move in PATHS[step]:
        await chat.send(**move)
    before = await conversation(world)
    assert before is not None and before.step == step
    replies = await chat.send(given)
    assert replies and all(reply.text.strip() for reply in replies)
    after = await conversation(world)
    assert after is not None
    stored = FREE_TEXT.get(step)
    if stored and given in (WEIRD, HTML):
        expected = WEIRD_CLEANED if given == WEIRD else HTML
        assert after.data[stored] == expected  # kept exactly, minus control characters
    else:
        assert after.step == step  # refused: same question again, nothing moved
        assert {k: v for k, v in after.data.items() if k != "history"} == {
            k: v for k, v in before.data.items() if k != "history"
        }
    assert HUGE not in str(after.data)
    assert await case_count(world) == 0


@pytest.mark.parametrize("given", [HUGE, "\x00\x01\x02", "   "], ids=["huge", "controls", "blank"])
async def test_idle_chat_refuses_junk_without_starting_a_case(world: World, given: str) -> None:
    chat = Chat(world, "u1", language="en")
    replies = await chat.send(given)
    assert any("File a complaint" in str(reply.choices) for reply in replies)
    row = await conversation(world)
    assert row is None or row.flow == "idle"
