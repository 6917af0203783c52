"""The desk under test: its config, its own database, and the real `complaintdesk run`
process, started, killed with SIGKILL and stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.config import EXAMPLE_CONFIG
from tests.crash.staff import roster

PG_URL = os.environ.get(
    "COMPLAINTDESK_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TOKEN = "123456789:AAEcrashTestTokenForTheKillTest0000"  # the shape check-config wants
# Each department's Telegram group, and staff who may press its buttons.
GROUPS = {
    "service": -1001,
    "product": -1002,
    "logistics": -1003,
    "aftersales": -1004,
    "finance": -1005,
    "legal": -1006,
    "facilities": -1007,
    "management": -1009,
}
STAFF_IDS = {"李雷": 2001, "韩梅梅": 2002, "张总": 2009}  # the example's, on Telegram too
ROOT = Path(__file__).resolve().parents[2]


def config_text(database_url: str, api_base: str) -> str:
    """The example config with a token, the fake's api_base, a Telegram group per
    department (instead of its console chat), a Telegram account per staff member and a
    member for each department whose cases are taken."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^url = ".*"$', f'url = "{database_url}"', text, count=1)
    text = text.replace("[telegram]\n", f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api_base}"\n')
    for key, chat in GROUPS.items():
        text = text.replace(
            f'chats = {{ console = "{key}" }}', f'chats = {{ telegram = "{chat}" }}'
        )
    for name, user_id in STAFF_IDS.items():
        text = text.replace(
            f'accounts = {{ console = "staff:{name}" }}',
            f'accounts = {{ console = "staff:{name}", telegram = "{user_id}" }}',
        )
    return text + roster() + "\n[web]\nport = 0\n"


@asynccontextmanager
async def fresh_database(backend: str, directory: Path) -> AsyncIterator[str]:
    """A URL to an empty database of its own: a SQLite file, or a PostgreSQL database
    created for this run and dropped after it."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'desk.db'}"
        return
    name = f"cd_crash_{uuid.uuid4().hex[:10]}"
    server = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f"CREATE DATABASE {name}")
        try:
            yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
        finally:
            await connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await connection.close()


@dataclass
class DeskProcess:
    """`complaintdesk run --config FILE`, one life at a time; stderr goes to a log file."""

    config: Path
    log: Path
    process: asyncio.subprocess.Process | None = None
    lives: int = 0

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTDESK_")}
        self.lives += 1
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"\n===== life {self.lives} =====\n")
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from bot.cli import main; main()",
                "run",
                "--config",
                str(self.config),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """SIGKILL: no cleanup of any kind, as a power cut or the OOM killer would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self, grace: float = 30) -> int:
        """SIGTERM, then the exit code (SIGKILL if it does not stop in time)."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                await self.kill()
        assert self.process.returncode is not None
        return self.process.returncode
