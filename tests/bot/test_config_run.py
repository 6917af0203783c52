"""`run` refuses what `check-config` refuses, in the same words, and ends on a fault no
restart can fix with its message and exit 1, never a traceback (issue 11)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.config_variants import CLOSED_PORT_PG, TOKEN, isolate, variant, with_telegram
from tests.bot.processes import start_run
from tests.fakes.telegram_api import FakeBotAPI

REPO = Path(__file__).resolve().parents[2]  # the child runs the code under test


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(tmp_path, monkeypatch)


BAD = {
    "telegram chat id": [
        ('chats = { console = "product" }', 'chats = { telegram = "product-group" }')
    ],
    "telegram section without a token": [with_telegram('mode = "polling"')],
    "database unreachable": [
        ('url = "sqlite+aiosqlite:///complaintdesk.db"', f'url = "{CLOSED_PORT_PG}"')
    ],
    "sqlite directory missing": [
        ('url = "sqlite+aiosqlite:///complaintdesk.db"', 'url = "sqlite+aiosqlite:///no/desk.db"')
    ],
}


@pytest.mark.parametrize("edits", list(BAD.values()), ids=list(BAD))
def test_run_refuses_what_check_config_refuses_in_the_same_words(
    here: Path, edits: list[tuple[str, str]]
) -> None:
    path = variant(here, *edits)
    checked = CliRunner().invoke(main, ["check-config", str(path)])
    ran = CliRunner().invoke(main, ["run", "--config", str(path)], input="你好\n")
    assert checked.exit_code == ran.exit_code == 1
    assert ran.output == checked.output
    assert ran.output.startswith(f"Error: {path}: 1 problem(s) in the configuration\n")
    assert "bot>" not in ran.output  # the console was not played instead
    assert not (here / "complaintdesk.db").exists()


async def test_run_ends_on_a_revoked_token_with_its_message_and_exit_1(here: Path) -> None:
    api = FakeBotAPI(refuse_polling=[(401, "Unauthorized")])
    await api.start()
    path = variant(here, with_telegram(f'token = "{TOKEN}"', f'api_base = "{api.url}"'))
    env = {**os.environ, "COMPLAINTDESK_WEB__PORT": "0", "PYTHONPATH": str(REPO)}
    try:
        process = await start_run(path, env)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await api.stop()
    log = stderr.decode()
    assert process.returncode == 1, log
    assert (
        "Error: Telegram refused the bot token (401: Unauthorized); set a valid telegram.token"
        in log
    )
    assert "Traceback" not in log
    # Each warning is logged once, before serving (departments have only console chats).
    # A pipe gets JSON lines (issue 17).
    assert log.count('"event": "config_warning", "key": "policy.departments.0.chats"') == 1


def test_migrate_refuses_a_missing_sqlite_directory_without_a_traceback(here: Path) -> None:
    path = variant(here, *BAD["sqlite directory missing"])
    result = CliRunner().invoke(main, ["migrate", "--config", str(path)])
    assert result.exit_code == 1
    assert f"database.url: the directory {here / 'no'} of the SQLite file does not exist" in (
        result.output
    )
