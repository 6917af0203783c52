"""The operator commands, run as a user would on a fresh directory (SQLite)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli import main
from storage.engine import open_database
from tests.fakes.clock import FakeClock
from tests.fakes.world import World


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLAINTDESK_DATABASE__URL", raising=False)
    return tmp_path


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


async def seed(url: str) -> str:
    db = open_database(url)
    world = World.make(db, FakeClock())
    buyer = await world.customer()
    case = await world.file(buyer, description="Kettle leaks <b>badly</b>")
    await world.file(buyer, category="delivery", order_ref="SF-1")
    await db.dispose()
    return case.number


def test_init_writes_config_and_database_then_keeps_them(workdir: Path) -> None:
    assert "Wrote complaintdesk.toml" in invoke("init")
    assert (workdir / "complaintdesk.db").exists()
    assert "keeping it" in invoke("init")
    assert "OK: 8 departments" in invoke("check-config", "complaintdesk.toml")


def test_check_config_reports_the_bad_key(workdir: Path) -> None:
    invoke("init")
    config = workdir / "complaintdesk.toml"
    config.write_text(config.read_text().replace('"Asia/Shanghai"', '"Mars/Base"'))
    result = CliRunner().invoke(main, ["check-config", str(config)])
    assert result.exit_code == 1
    assert "policy.calendar.timezone: unknown time zone 'Mars/Base'" in result.output


def test_cases_list_show_and_report(workdir: Path) -> None:
    invoke("init")
    number = asyncio.run(seed("sqlite+aiosqlite:///complaintdesk.db"))
    assert number in invoke("cases", "list", "--department", "product")
    assert "(0 case" not in invoke("cases", "list", "--status", "assigned")
    shown = invoke("cases", "show", number.lower())
    assert "Timeline" in shown and "routed" in shown and "Kettle leaks" in shown
    missing = CliRunner().invoke(main, ["cases", "show", "TS209901-0001"])
    assert missing.exit_code == 1 and "no case numbered" in missing.output

    invoke(
        "report", "--from", "2026-11-01", "--to", "2026-11-30", "--csv", "r.csv", "--xlsx", "r.xlsx"
    )
    lines = (workdir / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("overall,all,All cases,1,2,2,")
    book = load_workbook(workdir / "r.xlsx")
    assert book.sheetnames == ["overall", "department", "category", "handler"]
    assert book["department"].max_row == 3  # header + product + logistics


def test_report_refuses_a_backwards_period(workdir: Path) -> None:
    invoke("init")
    result = CliRunner().invoke(main, ["report", "--from", "2026-11-30", "--to", "2026-11-01"])
    assert result.exit_code == 2 and "--to is before --from" in result.output


def test_run_without_channels_idles_and_says_what_to_configure(workdir: Path) -> None:
    invoke("init")
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    seen = ""
    while "serving" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGINT)
    seen += process.communicate(timeout=30)[1]
    assert "no_channels_configured" in seen and "telegram.token" in seen
    assert process.returncode == 0
    assert "Traceback" not in seen
