"""Operator commands of issue 15: customers export|erase, cases verify, retention run,
and `cases show` recorded on the timeline (SQLite, a fresh directory)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import load_config
from bot.config_warnings import warnings
from bot.wechat.senders import WeComRobotSender
from notifications.senders import Outgoing
from storage.engine import open_database
from tests.fakes.clock import FakeClock
from tests.fakes.world import World

URL = "sqlite+aiosqlite:///complaintdesk.db"
WECOM = (
    '\n[wecom]\ncorp_id = "corp"\ncorp_secret = "s"\nagent_id = 1\ntoken = "t"\n'
    f'encoding_aes_key = "{"a" * 43}"\n'
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLAINTDESK_DATABASE__URL", raising=False)
    CliRunner().invoke(main, ["init"], catch_exceptions=False)
    return tmp_path


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


async def seed() -> str:
    db = open_database(URL)
    world = World.make(db, FakeClock())
    case = await world.file(await world.customer(), description="Kettle leaks, call 王芳")
    await db.dispose()
    return case.number


def rows(sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect("complaintdesk.db") as connection:
        return connection.execute(sql).fetchall()


def test_customers_export_then_erase_with_an_open_case(workdir: Path) -> None:
    number = asyncio.run(seed())
    exported = json.loads(invoke("customers", "export", "--phone", "13812345678"))
    assert exported["name"] == "王芳" and exported["cases"][0]["number"] == number
    assert exported["cases"][0]["description"] == "Kettle leaks, call 王芳"
    erased = invoke("customers", "erase", "--chat", "console:cust-1", "--yes")
    assert "erased once they close" in erased  # the case is still open
    assert rows("SELECT action, actor FROM audit_log ORDER BY id") == [
        ("customer_export", "operator"),
        ("customer_erasure_pending", "operator"),
    ]
    assert "王芳" not in str(rows("SELECT * FROM audit_log"))
    missing = invoke("customers", "export", "--id", "99", code=1)
    assert "no such customer" in missing


def test_cases_verify_finds_nothing_then_names_an_altered_event(workdir: Path) -> None:
    number = asyncio.run(seed())
    assert "every timeline is as written" in invoke("cases", "verify")
    with sqlite3.connect("complaintdesk.db") as connection:
        connection.execute("DROP TRIGGER case_events_no_update")
        connection.execute("UPDATE case_events SET kind = 'closed' WHERE id = 2")
    found = invoke("cases", "verify", code=1)
    assert f"{number}: event 2: content does not match its hash" in found


def test_cases_show_is_recorded_and_retention_run_reports(workdir: Path) -> None:
    number = asyncio.run(seed())
    invoke("cases", "show", number)
    assert rows("SELECT kind, data FROM case_events ORDER BY id")[-1] == (
        "viewed",
        '{"by": "operator"}',
    )
    assert "Nothing was due." in invoke("retention", "run")
    assert "every timeline is as written" in invoke("cases", "verify")


def test_outbox_never_prints_a_robot_key(workdir: Path) -> None:
    config = workdir / "complaintdesk.toml"
    config.write_text(
        config.read_text() + WECOM + '[wecom.robots]\nproduct-robot = "ROBOT-KEY-NAMED"\n',
        encoding="utf-8",
    )
    with sqlite3.connect("complaintdesk.db") as connection:
        for chat in ("product-robot", "RAW-ROBOT-KEY-123"):
            connection.execute(
                "INSERT INTO outbox (channel, chat_id, payload, status, attempts, not_before,"
                " created_at, parts_sent) VALUES ('wecom_robot', ?, '{}', 'parked', 1,"
                " '2026-11-30 00:00:00', '2026-11-30 00:00:00', 0)",
                (chat,),
            )
    shown = invoke("outbox") + invoke("outbox", "--json")
    assert "product-robot" in shown
    assert "ROBOT-KEY" not in shown and "RAW-ROBOT-KEY-123" not in shown
    assert "name it in [wecom.robots]" in shown


async def test_a_named_robot_is_sent_with_its_configured_key() -> None:
    posted: list[str] = []

    class Api:
        base = "https://wecom.invalid"

        async def post_plain(self, url: str, body: dict[str, object]) -> dict[str, object]:
            posted.append(url)
            return {}

    sender = WeComRobotSender(Api(), {"product-robot": "KEY-1"})  # type: ignore[arg-type]
    await sender.deliver(Outgoing(chat_id="product-robot", text="新案件"))
    assert posted == ["https://wecom.invalid/cgi-bin/webhook/send?key=KEY-1"]


def test_check_config_warns_of_a_robot_chat_given_as_its_key(workdir: Path) -> None:
    config = workdir / "complaintdesk.toml"
    text = config.read_text(encoding="utf-8").replace(
        'chats = { console = "product" }',
        'chats = { console = "product", wecom_robot = "RAW-KEY" }',
    )
    config.write_text(text + WECOM + '[wecom.robots]\nlogistics-robot = "K"\n', encoding="utf-8")
    warned = [str(problem) for problem in warnings(load_config(config))]
    assert [line for line in warned if "[wecom.robots]" in line] == [
        "policy.departments.1.chats.wecom_robot: this names no robot of [wecom.robots], so it "
        "is taken as a webhook key and stored with every alert: add the key under "
        "[wecom.robots] with a name and give the name here"
    ]
