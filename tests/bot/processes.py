"""The real `complaintdesk` command in a child process, for tests that stop or kill it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def start_run(config: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`complaintdesk run --config CONFIG`, its stderr (the log) piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "run",
        "--config",
        str(config),
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
