"""SIGTERM stops `complaintdesk run` cleanly: the sender lease is given up, so a process
started right after it sends at once instead of waiting for the lease to run out."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.config import EXAMPLE_CONFIG
from storage.engine import open_database
from storage.models import Lease
from tests.bot.processes import start_run
from tests.fakes.telegram_api import FakeBotAPI, message_update, user


async def lease_until(url: str) -> datetime:
    db = open_database(url)
    try:
        async with db.sessions() as session:
            lease = await session.scalar(select(Lease).where(Lease.name == "send:telegram"))
    finally:
        await db.dispose()
    assert lease is not None
    return lease.until.replace(tzinfo=UTC) if lease.until.tzinfo is None else lease.until


async def answered(api: FakeBotAPI, chat: int) -> None:
    """A customer says /start; the desk's answer reaches the fake Bot API."""
    api.push(message_update(user(chat), "/start"))
    async with asyncio.timeout(60):  # generous: a slow machine, not the lease, is waited on
        await api.wait_for(lambda: bool(api.sent("sendMessage", chat)))


async def test_sigterm_releases_the_sender_lease_and_a_restart_answers_at_once(
    tmp_path: Path,
) -> None:
    api = FakeBotAPI()
    await api.start()
    config = tmp_path / "desk.toml"
    config.write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    env = {
        **os.environ,
        "COMPLAINTDESK_TELEGRAM__TOKEN": "123:STOP",
        "COMPLAINTDESK_TELEGRAM__API_BASE": api.url,
        "COMPLAINTDESK_DATABASE__URL": url,
        "COMPLAINTDESK_WEB__PORT": "0",
    }
    first = await start_run(config, env)
    try:
        await answered(api, 4242)
        assert await lease_until(url) > datetime.now(UTC)  # held while it runs
        first.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(first.communicate(), 60)
        assert first.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
        assert await lease_until(url) <= datetime.now(UTC)  # given up on the way out

        second = await start_run(config, env)
        try:
            await answered(api, 4343)
        finally:
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, stderr.decode()
    finally:
        if first.returncode is None:
            first.kill()
        await api.stop()
