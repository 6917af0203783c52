"""The inbound benchmark runs end to end in its quick mode and prints every figure it
promises (never a time: figures are the benchmark's business, not the tests')."""

from __future__ import annotations

import re

import pytest

from benchmarks import telegram_inbound

LINES = ("floor", "reference", "filing-ref", "desk", "filing-desk")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_the_inbound_benchmark_prints_each_figure(
    backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await telegram_inbound.main(["--quick", "--backend", backend])
    printed = capsys.readouterr().out
    for label in LINES:
        assert re.search(
            rf"^{label} +updates=\d+ updates_per_s=\S+ p50_ms=\S+ p99_ms=\S+$",
            printed,
            re.MULTILINE,
        ), (label, printed)
    assert re.search(r"^desk_to_reference=\S+ desk_to_floor=\S+$", printed, re.MULTILINE)
    committed = re.findall(r"committed cases=(\d+)", printed)
    assert committed == ["16", "16"], printed  # the reference and the desk filed alike
