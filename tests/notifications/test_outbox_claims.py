"""A round whose claim fails holds nothing back (issue 18): the chats it picked are free
again, their places in the limits given back, and the next round sends them."""

from __future__ import annotations

import pytest

from notifications.dispatcher import Dispatcher
from storage.outbox import OutboxRepository
from tests.fakes.senders import LimitCheckingSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue


async def test_a_failed_claim_leaves_no_chat_stuck_and_no_place_taken(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    chats = [f"user{n}" for n in range(30)] + ["-100"] * 3
    await queue(world.db, world.clock.now(), chats)
    sender = LimitCheckingSender(world.clock)
    dispatcher = Dispatcher(world.db, {"limited": sender}, world.clock)
    real_claim = OutboxRepository.claim

    async def broken(self: OutboxRepository, *args: object) -> None:
        raise ConnectionError("the database went away mid-claim")

    monkeypatch.setattr(OutboxRepository, "claim", broken)
    with pytest.raises(ConnectionError):
        await dispatcher.deliver_round()
    monkeypatch.setattr(OutboxRepository, "claim", real_claim)
    assert await dispatcher.deliver_round() == 25  # the whole second's allowance, at once
    await drain(dispatcher, world.clock)
    assert sorted(sender.delivered_ids) == sorted(f"{c}#{n}" for n, c in enumerate(chats))
    assert sender.violations == 0
