"""A platform window with few sends left (WeChat: 5 in 48 h) gets a chat's queued texts
as one message, so none is parked for want of a send (issue 11)."""

from __future__ import annotations

from typing import Any

from conversations.base.values import OutboxStatus
from notifications.dispatcher import Dispatcher
from notifications.senders import ChannelLimits
from tests.fakes.senders import WindowedSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue, stored

SURVEY = [{"label": "满意", "action": "rate:5"}, {"label": "不满意", "action": "rate:1"}]


async def test_texts_beyond_the_window_go_as_one_message_with_the_last_buttons(
    world: World,
) -> None:
    payloads: list[dict[str, Any]] = [
        {"text": "已受理", "choices": [{"label": "补充", "action": "add"}]},
        {"text": "处理中"},
        {"text": "已解决"},
        {"text": "请评价", "choices": SURVEY},
        {"text": "to someone else"},
    ]
    ids = await queue(world.db, world.clock.now(), ["wx1"] * 4 + ["wx2"], "windowed", payloads)
    sender = WindowedSender(window={"wx1": 2})
    await drain(Dispatcher(world.db, {"windowed": sender}, world.clock), world.clock)
    (combined,) = [m for m in sender.sent if m.chat_id == "wx1"]
    assert combined.text == "已受理\n\n处理中\n\n已解决\n\n请评价"
    assert combined.choices == SURVEY
    assert sender.window == {"wx1": 1}  # one send spent, one left for what comes next
    rows = await stored(world.db)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert [r.error for r in rows[1:4]] == [
        f"merged into #{ids[0]} (the chat's window had few sends left)"
    ] * 3
    assert sender.texts_to("wx2") == ["to someone else"]


async def test_texts_within_the_window_go_one_by_one(world: World) -> None:
    await queue(world.db, world.clock.now(), ["wx1"] * 3, "windowed")
    sender = WindowedSender(window={"wx1": 3})
    await drain(Dispatcher(world.db, {"windowed": sender}, world.clock), world.clock)
    assert sender.texts_to("wx1") == ["wx1#0", "wx1#1", "wx1#2"]


async def test_a_picture_ends_what_is_combined_so_order_holds(world: World) -> None:
    payloads = [{"text": "a"}, {"text": "b"}, {"text": "chart", "image": "iVBORw0KGgo="}]
    await queue(world.db, world.clock.now(), ["wx1"] * 3, "windowed", payloads)
    sender = WindowedSender(window={"wx1": 2})
    await drain(Dispatcher(world.db, {"windowed": sender}, world.clock), world.clock)
    assert sender.texts_to("wx1") == ["a\n\nb", "chart"]
    assert sender.sent[-1].image is not None and sender.window == {"wx1": 0}


async def test_combining_stops_before_the_platform_size_and_the_rest_go_next(
    world: World,
) -> None:
    texts = ["一" * 10, "二" * 10, "三" * 10, "四" * 10]
    payloads: list[dict[str, Any]] = [{"text": t} for t in texts]
    await queue(world.db, world.clock.now(), ["wx1"] * 4, "windowed", payloads)
    limits = ChannelLimits(max_text=25)  # characters: this sender measures none itself
    sender = WindowedSender(window={"wx1": 2}, limits=limits)
    await drain(Dispatcher(world.db, {"windowed": sender}, world.clock), world.clock)
    assert sender.texts_to("wx1") == [
        "一" * 10 + "\n\n" + "二" * 10,
        "三" * 10 + "\n\n" + "四" * 10,
    ]
    assert {r.status for r in await stored(world.db)} == {OutboxStatus.SENT}
