"""The full fuzz run (issue 11): generated hostile input through `dispatch` and through
the Telegram adapter (real aiogram against the fake Bot API on 127.0.0.1).

    .venv/bin/python benchmarks/fuzz.py --count 20000 --seed 7 [--backend sqlite|postgresql]
        [--telegram-share 0.25]

`--count` inputs in all: `--telegram-share` of them as Telegram updates, the rest as
`Inbound`s straight into `dispatch`. Prints, for each path, the inputs by kind, the private
inputs and how many were answered, errors by kind, texts rendered with live HTML and the
elapsed time; exits 1 if anything went wrong. The same seed gives the same inputs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/ and tests/ importable

from benchmarks.backends import fresh_database
from tests.fakes.clock import FakeClock
from tests.fakes.fuzz import dispatch_fuzz
from tests.fakes.fuzz_telegram import telegram_fuzz
from tests.fakes.world import World


async def main(count: int, seed: int, backend: str, share: float) -> int:
    by_telegram = round(count * share)
    failures = 0
    async with fresh_database(backend) as db:
        world = World.make(db, FakeClock())
        tally = await dispatch_fuzz(world, seed, count - by_telegram)
        print(tally.report(f"dispatch ({backend}, seed {seed})"), flush=True)
        failures += tally.failures
    async with fresh_database(backend) as db:
        world = World.make(db, FakeClock())
        tally = await telegram_fuzz(world, seed, by_telegram)
        print(tally.report(f"telegram ({backend}, seed {seed})"), flush=True)
        failures += tally.failures
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--telegram-share", type=float, default=0.25)
    parser.add_argument("--tracebacks", action="store_true", help="print each error logged")
    options = parser.parse_args()
    if options.tracebacks:
        logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)  # errors are counted; see --tracebacks
    sys.exit(
        asyncio.run(main(options.count, options.seed, options.backend, options.telegram_share))
    )
