"""Commands that serve no platform start without importing its client (aiogram alone
takes seconds to import, which every `cases list` or `check-config` paid)."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_no_platform_client_until_a_command_needs_one() -> None:
    probe = "import sys, bot.cli; print(sorted(m for m in ('aiogram',) if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
