"""The operator commands, run as a user would on a fresh directory (SQLite)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
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

    invoke("report", "--month", "2026-11", "--csv", "r.csv", "--xlsx", "r.xlsx")
    lines = (workdir / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("overall,all,All cases,1,2,2,")
    listed = (workdir / "r-cases.csv").read_text(encoding="utf-8-sig").splitlines()
    assert listed[0].startswith("number,kind,category") and len(listed) == 3
    assert listed[1].startswith(f"{number},complaint,product_quality,general,assigned")
    book = load_workbook(workdir / "r.xlsx")
    assert book.sheetnames == [
        "overall",
        "department",
        "category",
        "grade",
        "handler",
        "cases",
        "chart",
    ]
    assert [row[2] for row in book["grade"].iter_rows(min_row=2, values_only=True)] == ["一般"]
    assert book["department"].max_row == 3  # header + product + logistics
    assert book["cases"].max_row == 3
    assert len(book["chart"]._images) == 1  # the month's trend chart


def test_report_refuses_a_backwards_or_ambiguous_period(workdir: Path) -> None:
    invoke("init")
    result = CliRunner().invoke(main, ["report", "--from", "2026-11-30", "--to", "2026-11-01"])
    assert result.exit_code == 2 and "--to is before --from" in result.output
    both = CliRunner().invoke(main, ["report", "--month", "2026-11", "--from", "2026-11-01"])
    assert both.exit_code == 2 and "not both" in both.output
    neither = CliRunner().invoke(main, ["report"])
    assert neither.exit_code == 2 and "--month YYYY-MM" in neither.output


def test_run_without_a_platform_plays_the_console_channel(workdir: Path) -> None:
    invoke("init")
    process = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        input="你好\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.returncode == 0, process.stderr
    assert "no_platform_channels" in process.stderr and "telegram.token" in process.stderr
    assert "bot> 您好" in process.stdout and "我要投诉" in process.stdout
    assert "Traceback" not in process.stderr


SCRIPTS = {
    "zh_Hans": ("我买的电水壶漏水\n1\n1\n2\n王芳\n1\n", "案件编号"),
    "zh_Hant": ("我買的電水壺漏水\n1\n1\n2\n王芳\n1\n", "案件編號"),
    "en": ("My kettle leaks\n1\n1\n2\nFang Wang\n1\n", "case number"),
}


@pytest.mark.parametrize("language", list(SCRIPTS))
def test_a_scripted_customer_files_a_case_in_each_language(workdir: Path, language: str) -> None:
    invoke("init")
    script, receipt = SCRIPTS[language]
    result = CliRunner().invoke(main, ["chat", "--language", language], input=script)
    assert result.exit_code == 0, result.output
    assert receipt in result.output
    assert "[to product]" in result.output  # the department's alert card, delivered
    number = re.search(r"TS\d{6}-\d{4}", result.output)
    assert number is not None
    shown = invoke("cases", "show", number.group(0))
    assert "Timeline" in shown and "filed" in shown and "routed" in shown


def test_staff_invite_then_play_staff(workdir: Path) -> None:
    invoke("init")
    printed = invoke("staff", "invite", "--department", "product", "--role", "lead")
    code = printed.split("/register ")[1].split()[0]
    joined = CliRunner().invoke(
        main, ["chat", "--as", "li", "--language", "en"], input=f"/register {code}\n/mine\n"
    )
    assert "You are now staff of product" in joined.output
    assert "You have no open cases" in joined.output
    unknown = CliRunner().invoke(main, ["chat", "--as-staff", "Nobody"], input="")
    assert unknown.exit_code == 1 and "no staff member named 'Nobody'" in unknown.output


def test_staff_invite_refuses_an_unknown_department(workdir: Path) -> None:
    invoke("init")
    result = CliRunner().invoke(main, ["staff", "invite", "--department", "marketing"])
    assert result.exit_code == 2 and "known: service" in result.output


def test_outbox_shows_parked_messages_and_retries_them(workdir: Path) -> None:
    invoke("init")

    async def park() -> None:
        from datetime import UTC, datetime, timedelta

        from conversations.base.values import OutboxStatus
        from storage import leases
        from storage.models import OutboxMessage
        from storage.uow import unit_of_work

        db = open_database("sqlite+aiosqlite:///complaintdesk.db")
        now = datetime.now(UTC)
        async with unit_of_work(db) as uow:
            uow.session.add(
                OutboxMessage(
                    channel="telegram",
                    chat_id="42",
                    payload={"text": "x"},
                    status=OutboxStatus.PARKED,
                    error="bot was blocked",
                    not_before=now,
                    created_at=now,
                    attempts=1,
                )
            )
            await leases.hold(uow.session, "send:telegram", "host-a:7", now, timedelta(seconds=30))
        await db.dispose()

    asyncio.run(park())
    shown = invoke("outbox")
    assert "bot was blocked" in shown and "parked 1" in shown
    assert "Sending on telegram: host-a:7" in shown  # which process sends, for operators
    retried = invoke("outbox", "--retry-all")
    assert "retried 1" in retried and "pending 1" in retried and "parked 0" in retried


def test_reviews_import_and_typical_export_commands(workdir: Path) -> None:
    invoke("init")
    (workdir / "r.csv").write_text(
        "platform,reviewer,rating,text\ndianping,小王,1,太难吃\nnowhere,x,1,y\n", encoding="utf-8"
    )
    first = invoke("reviews", "import", "r.csv")
    assert "Imported 1 review(s); 0 already imported; 1 bad row(s)." in first
    assert "line 3: review.platform" in first
    assert "1 already imported" in invoke("reviews", "import", "r.csv")
    assert "Wrote 0 typical case(s)" in invoke("cases", "export-typical", "--out", "t.json")
    assert (workdir / "t.json").read_text(encoding="utf-8").strip() == "[]"


def test_cases_show_hides_a_confidential_filer_unless_revealed(workdir: Path) -> None:
    invoke("init")

    async def file_secretly() -> str:
        db = open_database("sqlite+aiosqlite:///complaintdesk.db")
        world = World.make(db, FakeClock())
        buyer = await world.customer("赵女士", "13800000000")
        story = "我是赵女士，保安收好处，电话 138 0000 0000，zhao@qq.com"
        case = await world.file(buyer, confidential=True, description=story)
        await db.dispose()
        return case.number

    number = asyncio.run(file_secretly())
    hidden = invoke("cases", "show", number)
    assert "赵女士" not in hidden and "confidential" in hidden
    assert "138 0000 0000" not in hidden and "zhao@" not in hidden  # nor in her words (issue 15)
    shown = invoke("cases", "show", number, "--reveal")
    assert "赵女士" in shown and "identity_revealed" in shown and "138 0000 0000" in shown
