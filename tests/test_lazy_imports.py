"""A Telegram-only desk serves without matplotlib, openpyxl, wechatpy or the WeChat adapters
loaded (issue 18: ~68 MB unused); a chart or an Excel file still loads what it needs.

Each check runs in a fresh interpreter, since this test process has long imported them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("matplotlib", "numpy", "openpyxl", "wechatpy", "bot.wechat")
REPOSITORY = Path(__file__).resolve().parent.parent

# `complaintdesk run`'s path: the CLI module, the config, build_app, serve; against a fake
# Bot API in the child itself, until one customer message has been answered. The clock is
# a working morning before the digest's hour: drawing the day's digest chart is a use of
# matplotlib (the other test), not what this one is about.
SERVE = """
import asyncio, json, os, sys
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.fakes.clock import FakeClock
from tests.fakes.telegram_api import FakeBotAPI, message_update, user

async def main():
    api = FakeBotAPI()
    await api.start()
    os.environ.update({
        "COMPLAINTDESK_TELEGRAM__TOKEN": "123:LAZY",
        "COMPLAINTDESK_TELEGRAM__API_BASE": api.url,
        "COMPLAINTDESK_DATABASE__URL": f"sqlite+aiosqlite:///{sys.argv[1]}/desk.db",
        "COMPLAINTDESK_WEB__PORT": "0",
    })
    from bot import cli
    from bot.app import build_app, serve
    from bot.config import EXAMPLE_CONFIG

    config, _ = await asyncio.to_thread(cli._checked, EXAMPLE_CONFIG)  # run's own check
    app = build_app(config, FakeClock(datetime(2026, 12, 1, 7, tzinfo=ZoneInfo("Asia/Shanghai"))))
    serving = asyncio.ensure_future(serve(app))
    async with asyncio.timeout(60):
        await api.wait_for(lambda: any(c.method == "getUpdates" for c in api.calls))
        api.push(message_update(user(4242), "/start"))
        await api.wait_for(lambda: bool(api.sent("sendMessage", 4242)))
    serving.cancel()
    await asyncio.gather(serving, return_exceptions=True)
    await api.stop()
    print(json.dumps({"senders": sorted(app.dispatcher.senders), "loaded": loaded()}))

asyncio.run(main())
"""


def _child(code: str, *args: str) -> dict[str, object]:
    """Run `code` in a fresh interpreter, with `loaded()` naming the heavy modules it has."""
    prelude = f"import sys\ndef loaded():\n    return [m for m in {HEAVY!r} if m in sys.modules]\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code, *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_a_telegram_only_desk_serves_without_charts_excel_or_wechat(tmp_path: Path) -> None:
    found = _child(SERVE, str(tmp_path))
    assert found["senders"] == ["telegram"]  # it did serve Telegram, and only Telegram
    assert found["loaded"] == []


def test_drawing_a_chart_and_writing_excel_still_load_their_libraries(tmp_path: Path) -> None:
    code = """
import json, sys
from datetime import date, timedelta
from pathlib import Path

from bot import cli  # everything `complaintdesk digest` and `report` have loaded
from notifications.charts import trend_png
from notifications.reports import write_xlsx

before = loaded()
days = [date(2026, 11, 1) + timedelta(days=n) for n in range(3)]
png = trend_png(days, [1, 2, 3], [0, 1, 2], [0, 0, 1])
write_xlsx(Path(sys.argv[1]) / "report.xlsx", [], chart=png)
print(json.dumps({"before": before, "png": png[:4] == b"\\x89PNG", "loaded": loaded()}))
"""
    found = _child(code, str(tmp_path))
    assert found["before"] == []
    assert found["png"] is True
    assert found["loaded"] == ["matplotlib", "numpy", "openpyxl"]
    assert (tmp_path / "report.xlsx").stat().st_size > 0
