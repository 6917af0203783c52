"""The shipped example with a few edits, and `complaintdesk` run on it as an operator would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from bot.config import EXAMPLE_CONFIG

# The shape @BotFather hands out: the bot's id, a colon, 35 URL-safe characters.
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # WeChat's documented example
CLOSED_PORT_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/test"  # nothing listens on 1


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory with no COMPLAINTDESK_ variables leaking in from the shell."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE__URL", "TELEGRAM__TOKEN", "TELEGRAM__API_BASE", "CONFIG"):
        monkeypatch.delenv(f"COMPLAINTDESK_{name}", raising=False)
    return tmp_path


def variant(directory: Path, *edits: tuple[str, str]) -> Path:
    """The example with each `old` replaced (once) by `new`; `old` must be there."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = directory / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def with_telegram(*keys: str) -> tuple[str, str]:
    """An edit that sets keys in the example's (empty) [telegram] section."""
    return "[telegram]\n", "[telegram]\n" + "".join(f"{key}\n" for key in keys)


def before_policy(section: str) -> tuple[str, str]:
    return "[policy]\n", f"{section}\n\n[policy]\n"


def check(path: Path) -> Result:
    return CliRunner().invoke(main, ["check-config", str(path)])


def refusal(path: Path) -> str:
    """check-config's answer to a configuration it must refuse (exit 1, no traceback)."""
    result = check(path)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.output


def line_for(output: str, key: str) -> str:
    """The one line that names `key`, without its indentation."""
    lines = [line.strip() for line in output.splitlines() if line.strip().startswith(f"{key}:")]
    assert lines, output
    return lines[0]
