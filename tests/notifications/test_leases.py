"""A channel's sender lease: kept while its holder lives (even through a slow send),
taken within seconds when it dies, handed over at once when it stops (issue 11)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from notifications import dispatcher as dispatching
from notifications.dispatcher import SENDER_LEASE, Dispatcher
from notifications.senders import Delivered, Outgoing
from storage.models import Lease
from tests.fakes.senders import RecordingSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue


class SlowSender(RecordingSender):
    """A send that hangs (a platform slow to answer) until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release = asyncio.Event(), asyncio.Event()

    async def deliver(self, message: Outgoing) -> Delivered:
        self.entered.set()
        await self.release.wait()
        return await super().deliver(message)


def test_a_dead_holders_lease_runs_out_within_seconds() -> None:
    assert SENDER_LEASE.total_seconds() <= 10
    assert dispatching.RENEW_EVERY * 3 <= SENDER_LEASE  # two renewals may fail in a row


async def test_the_lease_is_kept_through_a_slow_send_and_handed_over_on_stop(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatching, "RENEW_EVERY", timedelta(milliseconds=20))
    await queue(world.db, world.clock.now(), ["a", "b"], "console")
    slow = SlowSender()
    first = Dispatcher(world.db, {"console": slow}, world.clock, holder="host-a:1")
    running = asyncio.create_task(first.run(poll_seconds=0.05))
    await slow.entered.wait()
    world.clock.advance(seconds=SENDER_LEASE.total_seconds() * 3)  # the send takes long
    async with asyncio.timeout(5):
        # Until the keeper renews beside the hanging send (the table is what we observe).
        while (await world.only(Lease)).until <= world.clock.now():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    other = RecordingSender()
    second = Dispatcher(world.db, {"console": other}, world.clock, holder="host-b:2")
    assert await second.deliver_round() == 0 and other.sent == []
    slow.release.set()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert (await world.only(Lease)).until <= world.clock.now()  # released on the way out
    await drain(second, world.clock)
    sent = [m.text for m in slow.sent + other.sent]
    assert sorted(sent) == ["a#0", "b#1"]  # each once
