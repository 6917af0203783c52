"""build_app gives the Telegram channel and sender the desk's file store (issue 13)."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_app
from bot.config import Config
from bot.telegram.sender import TelegramSender
from conversations.base.policy import Language
from tests.fakes.policy import test_policy as policy_for_tests


async def test_the_telegram_channel_and_sender_keep_files_in_the_data_directory(
    tmp_path: Path,
) -> None:
    policy = policy_for_tests().model_copy(update={"default_language": Language.EN})
    config = Config(
        policy=policy,
        database={"url": f"sqlite+aiosqlite:///{tmp_path}/desk.db"},
        telegram={"token": "123:TEST"},
        paths={"data_dir": str(tmp_path / "files"), "max_file_mb": 5},
    )
    app = build_app(config)
    try:
        assert app.telegram is not None and app.telegram.downloads is not None
        store = app.telegram.downloads.files
        assert (store.root, store.max_file_mb) == (tmp_path / "files", 5)
        sender = app.dispatcher.senders["telegram"]
        assert isinstance(sender, TelegramSender)
        assert sender.media.files is not None and sender.media.files.root == store.root
        assert sender.media.language is Language.EN
    finally:
        await app.telegram.bot.session.close() if app.telegram else None
        await app.db.engine.dispose()


async def test_the_file_sweep_runs_with_the_housekeeping(tmp_path: Path) -> None:
    from bot.app import supervise

    config = Config(
        policy=policy_for_tests(),
        database={"url": f"sqlite+aiosqlite:///{tmp_path}/desk.db"},
        paths={"data_dir": str(tmp_path / "files")},
    )
    app = build_app(config)
    try:
        names = [loop.name for loop in supervise(app).health()]
        assert "sweep:sweep_files" in names
    finally:
        await app.db.engine.dispose()
