"""Console sessions in a row: every line of each is answered, and none leaves a console
sender lease behind (a session holds none: real `complaintdesk chat` processes, SQLite)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from storage.engine import open_database
from storage.models import Lease


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLAINTDESK_DATABASE__URL", raising=False)
    return tmp_path


def chat(script: str) -> str:
    """One `complaintdesk chat` session fed `script`; its transcript."""
    process = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "chat"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.returncode == 0, process.stderr
    return process.stdout


def unanswered(transcript: str) -> list[str]:
    """The typed lines no `bot>` answer followed before the next typed line."""
    missed, last = [], None
    for line in transcript.splitlines():
        if line.startswith("you> "):
            if last is not None:
                missed.append(last)
            last = line
        elif line.startswith("bot> "):
            last = None
    return missed + ([last] if last is not None else [])


async def console_lease_held(url: str) -> bool:
    """Whether a console sender lease still runs (it would silence the next session)."""
    db = open_database(url)
    try:
        async with db.sessions() as session:
            lease = await session.scalar(select(Lease).where(Lease.name == "send:console"))
    finally:
        await db.dispose()
    if lease is None:
        return False
    until = lease.until.replace(tzinfo=UTC) if lease.until.tzinfo is None else lease.until
    return until > datetime.now(UTC)


def test_two_console_sessions_in_a_row_both_answer_every_line(workdir: Path) -> None:
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    script = "你好\n/help\n你好\n"
    first = chat(script)
    assert first.count("you> ") == 3 and unanswered(first) == []
    url = f"sqlite+aiosqlite:///{workdir / 'complaintdesk.db'}"
    assert not asyncio.run(console_lease_held(url))
    second = chat(script)  # the same customer again: the same lines, none a duplicate
    assert second.count("you> ") == 3 and unanswered(second) == []


async def test_ctrl_c_while_waiting_for_a_line_ends_the_session_and_leaves_no_lease(
    workdir: Path,
) -> None:
    initialised = await asyncio.to_thread(CliRunner().invoke, main, ["init"])
    assert initialised.exit_code == 0
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "chat",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write("你好\n".encode())
        await process.stdin.drain()
        async with asyncio.timeout(120):
            while not (await process.stdout.readline()).startswith(b"bot> "):
                pass
            process.send_signal(signal.SIGINT)  # the terminal stays open: no end of input
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    url = f"sqlite+aiosqlite:///{workdir / 'complaintdesk.db'}"
    assert not await console_lease_held(url)
