"""Delivery under limits, across restarts and with two dispatchers (both backends)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from sqlalchemy import select

from conversations.base.values import OutboxStatus
from notifications.dispatcher import LEASE, SENDER_LEASE, Dispatcher
from notifications.senders import Delivered, Outgoing
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.fakes.clock import FakeClock
from tests.fakes.senders import LimitCheckingSender, RecordingSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue


async def statuses(world: World) -> Counter[OutboxStatus]:
    async def query(uow: UnitOfWork) -> Counter[OutboxStatus]:
        return Counter(await uow.session.scalars(select(OutboxMessage.status)))

    return await world.read(query)


async def test_limits_are_never_exceeded_and_everything_arrives(world: World) -> None:
    chats = ["-100"] * 45 + ["-200"] * 25 + [f"user{i}" for i in range(40)] + ["user0"] * 5
    await queue(world.db, world.clock.now(), chats)
    sender = LimitCheckingSender(world.clock)
    await drain(Dispatcher(world.db, {"limited": sender}, world.clock), world.clock)
    assert sender.violations == 0
    assert len(sender.sends) == len(chats)
    assert await statuses(world) == Counter({OutboxStatus.SENT: len(chats)})
    # 45 messages to one group at 20 a minute cannot take less than two minutes.
    group = [at for chat, at in sender.sends if chat == "-100"]
    assert (group[-1] - group[0]).total_seconds() >= 120  # type: ignore[operator]
    # Order per chat holds throughout the pacing.
    texts = [t for t in sender.delivered_ids if t.startswith("user0#")]
    assert texts == sorted(texts, key=lambda t: int(t.split("#")[1]))


async def test_a_crash_between_send_and_record_loses_nothing(world: World) -> None:
    await queue(world.db, world.clock.now(), ["user1", "user1"], channel="console")

    class CrashAfterSending(RecordingSender):
        async def deliver(self, message: Outgoing) -> Delivered:
            await super().deliver(message)
            raise asyncio.CancelledError  # the process dies before recording the send

    crashing = CrashAfterSending()
    with contextlib.suppress(asyncio.CancelledError):
        await Dispatcher(world.db, {"console": crashing}, world.clock, holder="h:1").deliver_round()
    assert len(crashing.sent) == 1
    restarted = RecordingSender()
    dispatcher = Dispatcher(world.db, {"console": restarted}, world.clock, holder="h:2")
    assert await dispatcher.deliver_round() == 0  # the dead process's sender lease still runs
    # Within seconds, not after its 2-minute claim: taking the channel over voids the
    # claims of the process that held it (issue 11).
    world.clock.advance(seconds=SENDER_LEASE.total_seconds() + 1)
    assert SENDER_LEASE.total_seconds() + 1 < LEASE.total_seconds() / 10
    await drain(dispatcher, world.clock)
    assert [m.text for m in restarted.sent] == ["user1#0", "user1#1"]  # again, then on
    assert await statuses(world) == Counter({OutboxStatus.SENT: 2})


async def test_two_dispatchers_on_one_database_send_each_message_once(
    world: World, reopen: object
) -> None:
    """Even two dispatchers sending on one channel at once (two in one process, or two
    processes while a sender lease changes hands) never send a row twice."""
    chats = [f"user{i % 30}" for i in range(300)]
    await queue(world.db, world.clock.now(), chats, channel="console")
    other_db = reopen()  # type: ignore[operator]
    shared = RecordingSender()
    first = Dispatcher(world.db, {"console": shared}, world.clock)
    second = Dispatcher(other_db, {"console": shared}, world.clock)

    async def run(dispatcher: Dispatcher) -> None:
        for _ in range(100):
            if not await dispatcher.deliver_round(batch=7):
                break

    await asyncio.gather(run(first), run(second), run(first), run(second))
    await drain(first, world.clock)
    texts = [m.text for m in shared.sent]
    assert sorted(texts) == sorted(f"{chat}#{i}" for i, chat in enumerate(chats))  # each once
    for chat in {f"user{i}" for i in range(30)}:
        mine = [int(t.split("#")[1]) for t in texts if t.startswith(f"{chat}#")]
        assert mine == sorted(mine)  # order per chat, across both dispatchers
    await other_db.dispose()


async def test_an_unpaced_channel_is_not_slowed(world: World) -> None:
    clock = FakeClock(world.clock.now())
    await queue(world.db, clock.now(), ["a", "b", "c"], channel="console")
    sender = RecordingSender()
    dispatcher = Dispatcher(world.db, {"console": sender}, clock)
    assert await dispatcher.deliver_round() == 3 and dispatcher.paced_until is None


async def test_one_process_at_a_time_sends_on_a_channel_so_limits_hold(
    world: World, reopen: object
) -> None:
    """Each process keeps the limits only for what it sends; the platform counts both.
    The sender lease makes one of them send; the other takes over when it stops or dies."""
    await queue(world.db, world.clock.now(), ["-100"] * 30 + [f"user{i}" for i in range(30)])
    other_db = reopen()  # type: ignore[operator]
    platform = LimitCheckingSender(world.clock)  # one bot: it sees both processes' sends
    first = Dispatcher(world.db, {"limited": platform}, world.clock, holder="host-a:1")
    second = Dispatcher(other_db, {"limited": platform}, world.clock, holder="host-b:2")
    assert await first.deliver_round() > 0
    assert await second.deliver_round() == 0 and second.leading == set()
    for _ in range(10):  # both keep trying for a while: only the holder sends
        await first.deliver_round()
        await second.deliver_round()
        world.clock.advance(seconds=3)
    assert platform.violations == 0 and len(platform.sends) < 60

    await first.step_down()  # a clean stop hands the channel over at once
    await drain(second, world.clock)
    assert len(platform.sends) == 60 and platform.violations == 0
    assert second.leading == {"limited"}

    await queue(world.db, world.clock.now(), ["user1"])
    assert await first.deliver_round() == 0  # the second holds it now
    world.clock.advance(seconds=SENDER_LEASE.total_seconds() + 1)  # the second died
    assert await first.deliver_round() == 1
    await other_db.dispose()
