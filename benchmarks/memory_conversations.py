"""Process memory of a Telegram-only desk serving, with 100,000 open conversations stored
(issue 18: target <= 150 MB RSS), beside references measured in the same run.

Each figure comes from a fresh interpreter: the references (a bare interpreter; aiogram and
SQLAlchemy imported) and the desk assembled and served as `complaintdesk run` does, against
a fake Bot API, until one customer's /start is answered and the first sweeps have run. The
desk runs twice: on a working morning before the digest's hour, and after it, when the
day's digest chart has been drawn (matplotlib loaded). Prints figures; asserts nothing.

    python benchmarks/memory_conversations.py [--conversations 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from sqlalchemy import insert

from conversations.filing import FilingStep
from conversations.state import Flow
from storage.engine import open_database
from storage.migrate import migrate
from storage.models import Conversation

REPOSITORY = Path(__file__).resolve().parent.parent
CHUNK = 10_000
TARGET_MB = 150
HEAVY = ("matplotlib", "numpy", "openpyxl", "wechatpy", "bot.wechat")

MEASURE = f"""
import json, resource, sys
def memory():
    status = dict(
        line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line
    )
    return {{
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "vmrss_mb": int(status["VmRSS"].split()[0]) / 1024,
        "vmhwm_mb": int(status["VmHWM"].split()[0]) / 1024,
        "heavy": [m for m in {HEAVY!r} if m in sys.modules],
    }}
"""
BARE = MEASURE + "print(json.dumps(memory()))\n"
LIBRARIES = (
    MEASURE
    + "import aiogram, aiohttp, aiosqlite, sqlalchemy.ext.asyncio, pydantic\n"
    + "print(json.dumps(memory()))\n"
)
DESK = (
    MEASURE
    + """
import asyncio, os
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.fakes.clock import FakeClock
from tests.fakes.telegram_api import FakeBotAPI, message_update, user

async def main(database, hour):
    api = FakeBotAPI()
    await api.start()
    os.environ.update({
        "COMPLAINTDESK_TELEGRAM__TOKEN": "123:MEMORY",
        "COMPLAINTDESK_TELEGRAM__API_BASE": api.url,
        "COMPLAINTDESK_DATABASE__URL": f"sqlite+aiosqlite:///{database}",
        "COMPLAINTDESK_WEB__PORT": "0",
        "COMPLAINTDESK_LOGGING__LEVEL": "WARNING",
    })
    from bot import cli
    from bot.app import build_app, serve
    from bot.config import EXAMPLE_CONFIG

    config, _ = await asyncio.to_thread(cli._checked, EXAMPLE_CONFIG)
    clock = FakeClock(datetime(2026, 12, 1, hour, tzinfo=ZoneInfo("Asia/Shanghai")))
    app = build_app(config, clock)
    serving = asyncio.ensure_future(serve(app))
    async with asyncio.timeout(120):
        await api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls))
        api.push(message_update(user(4242), "/start"))
        await api.wait_for(lambda: bool(api.sent("sendMessage", 4242)))
        await asyncio.sleep(3)  # the first round of every sweep
    figures = memory()
    serving.cancel()
    await asyncio.gather(serving, return_exceptions=True)
    await api.stop()
    print(json.dumps(figures))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""
)


async def fill(path: Path, count: int) -> float:
    """`count` customers in the middle of filing, inserted in chunks; seconds taken."""
    db = open_database(f"sqlite+aiosqlite:///{path}")
    started = time.perf_counter()
    try:
        await migrate(db)
        now = datetime(2026, 11, 30, 23, tzinfo=UTC)
        later = datetime(2099, 1, 1, tzinfo=UTC)  # open throughout the run
        data = {"kind": "complaint", "category": "product_quality"}
        async with db.engine.begin() as connection:
            for first in range(0, count, CHUNK):
                rows = [
                    {
                        "channel": "telegram",
                        "chat_id": str(10_000_000 + n),
                        "flow": Flow.FILING.value,
                        "step": FilingStep.DESCRIPTION.value,
                        "data": data,
                        "last_options": None,
                        "expires_at": later,
                        "updated_at": now,
                    }
                    for n in range(first, min(first + CHUNK, count))
                ]
                await connection.execute(insert(Conversation), rows)
    finally:
        await db.dispose()
    return time.perf_counter() - started


def child(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def line(name: str, figures: dict[str, object]) -> str:
    heavy = ", ".join(str(m) for m in figures["heavy"]) or "-"  # type: ignore[attr-defined]
    rss, hwm, maxrss = figures["vmrss_mb"], figures["vmhwm_mb"], figures["maxrss_mb"]
    return f"{name:<50} {rss:>8.1f} {hwm:>8.1f} {maxrss:>9.1f}   heavy: {heavy}"


def desk(database: Path, hour: int) -> dict[str, object]:
    """One desk run on its own copy of the data (a run's update ids would be duplicates
    to the next run, which then answers nothing)."""
    copy = database.with_name(f"desk-{hour}.db")
    shutil.copy(database, copy)
    return child(DESK, str(copy), str(hour))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    count = parser.parse_args().conversations
    with TemporaryDirectory() as folder:
        database = Path(folder) / "memory.db"
        seconds = asyncio.run(fill(database, count))
        print(f"{count:,} open conversations inserted in {seconds:.1f} s (SQLite)")
        # ru_maxrss counts the parent's pages the child held between fork and exec;
        # VmHWM is the peak of the child's own program.
        print(f"{'process (MB)':<50} {'VmRSS':>8} {'VmHWM':>8} {'ru_maxrss':>9}")
        print(line("reference: bare interpreter", child(BARE)))
        print(line("reference: aiogram + SQLAlchemy + aiohttp imported", child(LIBRARIES)))
        morning = desk(database, 7)
        print(line("desk serving Telegram, before the digest hour", morning))
        after = desk(database, 9)
        print(line("desk serving Telegram, after drawing the digest", after))
        print(f"target: <= {TARGET_MB} MB RSS serving Telegram (issue 18)")


if __name__ == "__main__":
    main()
