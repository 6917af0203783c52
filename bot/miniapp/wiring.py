"""The Mini App's parts from the running app: the bot token that signs initData, the
bot that fetches files, the outbox to wake, the Excel report (issue 16)."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.files import FileStore
from bot.miniapp.files import TelegramFiles
from bot.miniapp.links import Links
from bot.miniapp.readers import MiniApp
from storage.measures import Period

if TYPE_CHECKING:
    from bot.app import App


def mini_app(app: App) -> MiniApp:
    token = app.config.telegram.token
    return MiniApp(
        db=app.db,
        desk=app.desk,
        settings=app.config.miniapp,
        bot_token=token.get_secret_value() if token else None,
        wake=app.dispatcher.wake,
        files=TelegramFiles(app.telegram.bot) if app.telegram is not None else None,
        store=FileStore.for_config(app.config),
        report=lambda period: excel_report(app, period),
        shared_signer=links.signer if isinstance(links := app.desk.miniapp, Links) else None,
    )


async def excel_report(app: App, period: Period) -> bytes:
    """The same workbook as `complaintdesk report --xlsx` for the period."""
    from bot.views import report_extras, report_tables
    from notifications.reports import write_xlsx

    zone = app.desk.calendar.zone
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(seconds=1)).astimezone(zone).date()
    _view, sections = await report_tables(app, period)
    cases, chart, platforms = await report_extras(app, period, first, last)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_xlsx(path, sections, cases, zone, chart, platforms)
        return path.read_bytes()
