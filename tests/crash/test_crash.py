"""The real `complaintdesk run`, killed with SIGKILL while customers file, loses nothing.

A CI-sized run of tests/crash/run.py (the full one is benchmarks/crash_kill.py): every
update the fake Bot API saw acknowledged was processed exactly once, every customer has
exactly one case with their story, every outbox message arrived at least once and at
most once more per kill, and the case numbers have no gap and no repeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crash.run import Plan, crash_run


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_killing_the_desk_at_random_moments_loses_no_accepted_update(
    backend: str, tmp_path: Path
) -> None:
    outcome = await crash_run(
        Plan(backend, customers=8, kills=3, seed=7, max_life=2.0, stall=45), tmp_path
    )
    print(outcome.figures())
    assert outcome.proof.failures == [], "\n".join([outcome.figures(), *outcome.proof.failures])
    assert all(c.number for c in outcome.customers)  # every filing reached its receipt
    assert outcome.exit_code == 0  # the last life stopped cleanly on SIGTERM
