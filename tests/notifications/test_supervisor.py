"""The supervisor: a loop that dies is restarted with backoff; only Unrecoverable stops."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from notifications.supervisor import Backoff, Beat, Supervisor, Unrecoverable
from tests.fakes.clock import FakeClock


class Waits:
    """The supervisor's sleep: records each restart delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def supervisor(clock: FakeClock, waits: Waits) -> Supervisor:
    return Supervisor(clock, Backoff(first=1.0, cap=60.0, jitter=lambda: 1.0), sleep=waits)


async def test_a_crashing_loop_is_restarted_with_growing_backoff_until_it_runs_well(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, waits = FakeClock(), Waits()
    desk = supervisor(clock, waits)
    attempts = 0
    settled = asyncio.Event()

    async def flaky(beat: Beat) -> None:
        nonlocal attempts
        attempts += 1
        if attempts <= 3:
            raise KeyError("bad row")
        beat()
        settled.set()
        await asyncio.Event().wait()

    health = desk.add("outbox", flaky, timedelta(seconds=30))
    running = asyncio.create_task(desk.run())
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(settled.wait(), 10)
    assert waits.delays == [1.0, 2.0, 4.0]
    assert (health.restarts, health.last_error) == (3, "KeyError")
    assert health.last_round == clock.now() and not health.stuck(clock.now())
    assert "loop_failed name=outbox error=KeyError" in caplog.text
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running


async def test_the_backoff_is_capped_jittered_and_reset_by_a_long_healthy_run() -> None:
    backoff = Backoff(first=1.0, cap=60.0, jitter=lambda: 0.0)
    assert [backoff.delay(n) for n in (1, 2, 7, 30)] == [0.5, 1.0, 30.0, 30.0]
    clock, waits = FakeClock(), Waits()
    desk = supervisor(clock, waits)
    runs = 0

    async def dies(beat: Beat) -> None:
        nonlocal runs
        runs += 1
        if runs == 3:
            clock.advance(minutes=10)  # ran well for a long while before failing
        if runs == 5:
            raise Unrecoverable("stop the test")
        raise RuntimeError("boom")

    desk.add("sweeps", dies, timedelta(minutes=3))
    with pytest.raises(Unrecoverable):
        await desk.run()
    assert waits.delays == [1.0, 2.0, 1.0, 2.0]


async def test_unrecoverable_stops_every_loop_and_keeps_its_message() -> None:
    clock, waits = FakeClock(), Waits()
    desk = supervisor(clock, waits)
    stopped: list[str] = []
    started = asyncio.Event()

    async def steady(beat: Beat) -> None:
        try:
            started.set()
            await asyncio.Event().wait()
        finally:
            stopped.append("steady")

    async def poller(beat: Beat) -> None:
        await started.wait()
        raise Unrecoverable("Telegram refused the token (401): set telegram.token")

    desk.add("outbox", steady, timedelta(seconds=30))
    desk.add("telegram", poller, None)
    with pytest.raises(Unrecoverable, match="refused the token") as raised:
        await asyncio.wait_for(desk.run(), 10)
    assert not isinstance(raised.value, BaseExceptionGroup)
    assert stopped == ["steady"] and waits.delays == []


async def test_a_loop_is_stuck_when_no_round_succeeded_within_its_allowance() -> None:
    clock, waits = FakeClock(), Waits()
    desk = supervisor(clock, waits)
    beats: list[Beat] = []
    started = asyncio.Event()

    async def watcher(beat: Beat) -> None:
        beats.append(beat)
        started.set()
        await asyncio.Event().wait()

    health = desk.add("watcher", watcher, timedelta(minutes=4))
    running = asyncio.create_task(desk.run())
    await asyncio.wait_for(started.wait(), 10)
    clock.advance(minutes=4)
    assert not health.stuck(clock.now())
    clock.advance(seconds=1)
    assert health.stuck(clock.now())  # never a round since it started
    beats[0]()
    assert not health.stuck(clock.now())
    clock.advance(minutes=5)
    assert health.stuck(clock.now())
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
