"""One bad row never stops the outbox: faults are parked with their name, transient
failures back off with jitter and give up after a cap, a 429 delays only its chat."""

from __future__ import annotations

import logging
import random

import pytest
from sqlalchemy import delete

from conversations.base.values import OutboxStatus
from notifications.dispatcher import Dispatcher
from notifications.outcomes import Retries
from notifications.senders import Delivered, Outgoing, SendFailed
from notifications.supervisor import Unrecoverable
from storage.models import OutboxMessage
from storage.outbox import OutboxRepository
from storage.uow import unit_of_work
from tests.fakes.senders import RecordingSender, drain
from tests.fakes.world import World
from tests.notifications.rows import queue, stored


async def test_an_unexpected_error_parks_only_its_row_and_the_next_row_is_sent(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "my phone is 13812345678"
    await queue(world.db, world.clock.now(), ["a", "b"], "console", [{"text": secret}] * 2)
    sender = RecordingSender(failures=[KeyError("choices")])
    with caplog.at_level(logging.INFO):
        assert await Dispatcher(world.db, {"console": sender}, world.clock).deliver_round() == 2
    first, second = await stored(world.db)
    assert first.status is OutboxStatus.PARKED and first.error == "KeyError: 'choices'"
    assert second.status is OutboxStatus.SENT and [m.chat_id for m in sender.sent] == ["b"]
    faults = [r.getMessage() for r in caplog.records if "outbox_fault" in r.getMessage()]
    assert faults == [f"outbox_fault id={first.id} case=None channel=console error=KeyError"]
    assert secret not in caplog.text


async def test_an_unmapped_timeout_is_parked_and_the_chat_goes_on(world: World) -> None:
    await queue(world.db, world.clock.now(), ["a", "a"], "console")
    sender = RecordingSender(failures=[TimeoutError("read timed out")])
    await drain(Dispatcher(world.db, {"console": sender}, world.clock), world.clock)
    first, second = await stored(world.db)
    assert (first.status, first.error) == (OutboxStatus.PARKED, "TimeoutError: read timed out")
    assert second.status is OutboxStatus.SENT and [m.text for m in sender.sent] == ["a#1"]


async def test_unrecoverable_stops_the_dispatcher(world: World) -> None:
    await queue(world.db, world.clock.now(), ["a"], "console")
    sender = RecordingSender(failures=[Unrecoverable("token revoked")])
    with pytest.raises(Unrecoverable):
        await Dispatcher(world.db, {"console": sender}, world.clock).deliver_round()


async def test_a_result_that_cannot_be_recorded_leaves_the_round_going(world: World) -> None:
    ids = await queue(world.db, world.clock.now(), ["a", "b"], "console")

    class PurgedWhileSending(RecordingSender):
        """An operator deletes the row while it is on its way: recording it fails."""

        async def deliver(self, message: Outgoing) -> Delivered:
            if message.chat_id == "a":
                async with unit_of_work(world.db) as uow:
                    await uow.session.execute(
                        delete(OutboxMessage).where(OutboxMessage.id == ids[0])
                    )
            return await super().deliver(message)

    sender = PurgedWhileSending()
    assert await Dispatcher(world.db, {"console": sender}, world.clock).deliver_round() == 2
    (left,) = await stored(world.db)
    assert left.chat_id == "b" and left.status is OutboxStatus.SENT


async def test_transient_failures_wait_longer_each_time_and_park_after_max_attempts(
    world: World,
) -> None:
    await queue(world.db, world.clock.now(), ["a"], "console")
    failures: list[Exception] = [SendFailed("server error", permanent=False) for _ in range(4)]
    sender = RecordingSender(failures=failures)
    dispatcher = Dispatcher(
        world.db, {"console": sender}, world.clock, max_attempts=4, rng=random.Random(7)
    )
    waits = []
    for _ in range(3):
        before = world.clock.now()
        await dispatcher.deliver_round()
        (row,) = await stored(world.db)
        assert row.status is OutboxStatus.PENDING
        waits.append(row.not_before - before)
        world.clock.set(row.not_before)
    for attempt, wait in enumerate(waits, start=1):  # 2 s doubling, jittered into [half, full]
        full = Retries().first * 2 ** (attempt - 1)
        assert full / 2 <= wait <= full
    await dispatcher.deliver_round()
    (row,) = await stored(world.db)
    assert row.status is OutboxStatus.PARKED and row.attempts == 4
    assert row.error == "gave up after 4 attempts: server error"


async def test_jitter_spreads_chats_that_failed_together(world: World) -> None:
    await queue(world.db, world.clock.now(), [f"u{i}" for i in range(6)], "console")
    failures: list[Exception] = [SendFailed("down", permanent=False) for _ in range(6)]
    await Dispatcher(
        world.db, {"console": RecordingSender(failures=failures)}, world.clock
    ).deliver_round()
    assert len({row.not_before for row in await stored(world.db)}) == 6


async def test_a_429_delays_only_its_chat_and_is_not_counted_toward_the_cap(
    world: World,
) -> None:
    await queue(world.db, world.clock.now(), ["a", "b", "a"], "console")

    class Busy(RecordingSender):
        """Chat a is told to wait three times (Telegram's 429 is per chat)."""

        waits = 3

        async def deliver(self, message: Outgoing) -> Delivered:
            if message.chat_id == "a" and self.waits:
                self.waits -= 1
                raise SendFailed("429", permanent=False, retry_after=5)
            return await super().deliver(message)

    sender = Busy()
    dispatcher = Dispatcher(world.db, {"console": sender}, world.clock, max_attempts=2)
    await dispatcher.deliver_round()  # a's head: 429; b goes on at once
    await dispatcher.deliver_round()
    assert [m.text for m in sender.sent] == ["b#1"]
    for _ in range(2):  # told to wait twice more: still not given up
        world.clock.advance(seconds=5)
        await dispatcher.deliver_round()
    world.clock.advance(seconds=5)
    await drain(dispatcher, world.clock)
    assert [m.text for m in sender.sent] == ["b#1", "a#0", "a#2"]


async def test_a_retried_parked_message_gets_its_attempts_anew(world: World) -> None:
    await queue(world.db, world.clock.now(), ["a"], "console")
    failures: list[Exception] = [SendFailed("down", permanent=False)]
    sender = RecordingSender(failures=failures)
    dispatcher = Dispatcher(world.db, {"console": sender}, world.clock, max_attempts=1)
    await dispatcher.deliver_round()
    assert (await stored(world.db))[0].status is OutboxStatus.PARKED
    async with unit_of_work(world.db) as uow:
        await OutboxRepository(uow.session).retry_parked(world.clock.now())
    sender.failures.append(SendFailed("down", permanent=False))
    await dispatcher.deliver_round()
    (row,) = await stored(world.db)
    assert row.status is OutboxStatus.PARKED and row.attempts == 1
