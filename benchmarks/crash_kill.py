"""Kill the real `complaintdesk run` with SIGKILL again and again while customers file,
then prove nothing accepted was lost (issue 11). Prints the run's figures.

    .venv/bin/python -m benchmarks.crash_kill --backend sqlite --customers 30 --kills 10
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from tests.crash.run import Plan, crash_run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--customers", type=int, default=30)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--max-life", type=float, default=3.0, help="seconds a life may serve")
    parser.add_argument("--stall", type=float, default=180.0, help="give up after this idle")
    parser.add_argument("--keep", type=Path, help="keep the config, database and log here")
    args = parser.parse_args()
    plan = Plan(args.backend, args.customers, args.kills, args.seed, args.max_life, args.stall)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        outcome = asyncio.run(crash_run(plan, args.keep))
    else:
        with tempfile.TemporaryDirectory() as directory:
            outcome = asyncio.run(crash_run(plan, Path(directory)))
    print(outcome.figures())
    for failure in outcome.proof.failures:
        print("FAIL", failure)
    return 1 if outcome.proof.failures else 0


if __name__ == "__main__":
    sys.exit(main())
