"""The fuzz test (issue 11): seeded hostile input through `dispatch` and through the
Telegram adapter (real aiogram, fake Bot API), 1,500 inputs on each database: no
unhandled error, every private input answered, nothing rendered as live HTML. The full
run is `benchmarks/fuzz.py --count 20000 --seed N`."""

from __future__ import annotations

import logging

import pytest

from tests.fakes.fuzz import dispatch_fuzz
from tests.fakes.fuzz_telegram import telegram_fuzz
from tests.fakes.world import World

SEED = 20261130
DISPATCH_COUNT, TELEGRAM_COUNT = 1200, 300


async def test_fuzzed_input_through_dispatch_is_answered_without_a_single_failure(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        tally = await dispatch_fuzz(world, SEED, DISPATCH_COUNT)
    assert "dispatch_failed" not in caplog.text
    assert tally.failures == 0, tally.report("dispatch")
    assert tally.inputs == DISPATCH_COUNT and tally.answered == tally.private > 1000


async def test_fuzzed_telegram_updates_are_answered_and_rendered_inert(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        tally = await telegram_fuzz(world, SEED, TELEGRAM_COUNT)
    assert "dispatch_failed" not in caplog.text
    assert tally.failures == 0, tally.report("telegram")
    assert tally.inputs == TELEGRAM_COUNT and tally.answered == tally.private > 200


def test_the_same_seed_gives_the_same_inputs() -> None:
    from tests.fakes.fuzz_inputs import Inputs, Known

    def sample(seed: int) -> list[object]:
        inputs, known = Inputs(seed), Known(numbers=["TS202611-0001"])
        return [
            (inputs.text(), inputs.command(known, True), inputs.button(known)) for _ in range(200)
        ]

    assert sample(5) == sample(5) and sample(5) != sample(6)
