"""`complaintdesk run` with a token serves Telegram against the Bot API at api_base."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot.config import EXAMPLE_CONFIG
from tests.bot.processes import start_run
from tests.fakes.telegram_api import FakeBotAPI, message_update, user


async def test_run_serves_a_bot_against_a_local_bot_api_server(tmp_path: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    config = tmp_path / "desk.toml"
    config.write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    env = {
        **os.environ,
        "COMPLAINTDESK_TELEGRAM__TOKEN": "123:RUN",
        "COMPLAINTDESK_TELEGRAM__API_BASE": api.url,
        "COMPLAINTDESK_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        "COMPLAINTDESK_WEB__PORT": "0",
    }
    process = await start_run(config, env)
    try:
        async with asyncio.timeout(60):
            await api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls))
            api.push(message_update(user(4242), "/start"))
            await api.wait_for(lambda: bool(api.sent("sendMessage", 4242)))
        assert "我要投诉" in str(api.sent("sendMessage", 4242)[0]["reply_markup"])
        assert api.sent("setMyCommands")  # the command menu was set
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await api.stop()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    # the story reader's dictionary was loaded before serving, not in the first story's turn
    assert stderr.index(b"story_reader_ready") < stderr.index(b"serving")
