"""Structured logs (issue 17): JSON lines a collector parses, with no personal data."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import logs
from bot.app import configure_logging
from bot.cli import main
from bot.config import ConfigError, load_config
from handlers import dispatch as dispatch_module
from handlers.identify import identify
from handlers.overdue import FireDeadline
from notifications.watcher import Watcher
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World

NAME = "赵小明"
PHONE = "13987654321"
DIGITS = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def restored_root() -> Iterator[logging.Logger]:
    """The root logger's handlers and level as they were (pytest's own handlers too)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def json_lines(restored_root: logging.Logger) -> io.StringIO:
    """Every record of the run as the JSON handler writes it, at DEBUG (the most said)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logs.install(logging.DEBUG, handler)
    return stream


async def test_a_whole_filing_logs_json_lines_without_the_customers_name_or_phone(
    world: World, json_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = Chat(world, "cust-77", name=NAME)
    number = await file_complaint(world, customer, f"我是{NAME}，电话{PHONE}，电视机屏幕有坏点")
    await customer.send("还有一件事", update_id="dup-1")
    await customer.send("还有一件事", update_id="dup-1", silent=True)  # a redelivery

    async def failing_once(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(dispatch_module, "identify", identify)
        raise RuntimeError("storage hiccup")

    monkeypatch.setattr(dispatch_module, "identify", failing_once)
    await customer.send(f"{NAME} {PHONE}", update_id="boom-1")  # answered with an apology
    world.clock.advance(days=10)
    await Watcher(world.db, world.clock, FireDeadline(world.desk)).tick()

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert all({"time", "level", "logger", "event"} <= set(line) for line in lines)
    written = json_lines.getvalue()
    assert NAME not in written and PHONE not in written and not DIGITS.search(written)
    events = {line["event"]: line for line in lines}
    assert events["duplicate_update"]["update"] == "dup-1"
    failed = events["dispatch_failed"]
    assert failed["update"] == "boom-1" and failed["channel"] == "console"
    assert failed["exc_type"] == "RuntimeError" and "storage hiccup" in failed["traceback"]
    assert events["deadline_fired"]["case"].isdigit() and number.startswith("TS")


def test_key_value_messages_become_fields_with_quoted_values_and_spaces() -> None:
    message = (
        "no_platform_channels fix='set telegram.token (or X); see README' running=console "
        "problem=\"it's \\\"odd\\\"\" channels=['console', 'telegram'] level=2 restarting"
    )
    assert logs.parse(message) == {
        "event": "no_platform_channels",
        "fix": "set telegram.token (or X); see README",
        "running": "console",
        "problem": 'it\'s "odd"',
        "channels": "['console', 'telegram']",
        "msg_level": "2",  # the record's own level keeps its name
        "detail": "restarting",
    }
    assert logs.parse("Running upgrade 0007 -> 0008") == {
        "event": "message",
        "detail": "Running upgrade 0007 -> 0008",
    }


def test_the_guard_masks_phones_and_withholds_bodies_in_other_libraries_lines() -> None:
    record = logging.LogRecord(
        "aiogram.event", logging.INFO, __file__, 1, "sent text=%s to +44 7700 900123", ("hi",), None
    )
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["event"] == "sent" and line["text"] == "[2 chars withheld]"
    assert "7700 900123" not in json.dumps(line) and line["detail"] == "to 447*****0123"
    shown = logs.TextFormatter().format(record)
    assert "hi" not in shown.split("text=")[1] and "text='[2 chars withheld]'" in shown


def test_the_level_comes_from_the_config_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored_root: logging.Logger
) -> None:
    example = Path(logs.__file__).with_name("config.example.toml").read_text(encoding="utf-8")
    path = tmp_path / "desk.toml"
    path.write_text(example + '\n[logging]\nlevel = "warning"\n', encoding="utf-8")
    monkeypatch.delenv(logs.LEVEL_ENV, raising=False)
    restored_root.handlers.clear()  # as in a real process: only the desk's handler
    configure_logging(load_config(path).logging.level)
    assert restored_root.level == logging.WARNING
    monkeypatch.setenv(logs.LEVEL_ENV, "DEBUG")
    configure_logging(load_config(path).logging.level)
    assert restored_root.level == logging.DEBUG
    configure_logging()  # before any config: the environment alone
    assert restored_root.level == logging.DEBUG
    monkeypatch.setenv(logs.LEVEL_ENV, "loud")
    with pytest.raises(ConfigError, match=r"logging\.level"):
        load_config(path)


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_migrate_and_the_console_demo_print_no_alembic_lines_unless_debug_is_asked(
    level: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored_root: logging.Logger
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLAINTDESK_DATABASE__URL", raising=False)
    monkeypatch.setenv(logs.LEVEL_ENV, level)
    restored_root.handlers.clear()  # as in a real process: only the desk's handler
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    (tmp_path / "complaintdesk.db").unlink()  # migrate builds it again, from nothing
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0, result.output
    demo = CliRunner().invoke(main, ["chat"], input="")  # the console demo migrates too
    assert demo.exit_code == 0, demo.output
    lines = [json.loads(line) for line in (result.stderr + demo.stderr).splitlines()]
    alembic = [line for line in lines if line["logger"].startswith("alembic")]
    if level == "DEBUG":  # the lines exist, and this test would see them
        assert any("Running upgrade" in line["detail"] for line in alembic)
    else:
        assert alembic == [] and "Database is up to date" in result.stdout
