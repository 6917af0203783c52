"""How operator commands print: tables that wrap instead of cutting when piped, and one
JSON document for scripts (issue 17)."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console
from sqlalchemy.engine import make_url

from bot.config import Config
from bot.views import View

# Rich assumes 80 columns without a terminal, and the report's 13 columns cut their
# headers there ("ov…"); a pipe or file has no width, so give tables room.
PIPED_WIDTH = 120


def show(console: Console, view: View, *, as_json: bool) -> None:
    """The view as one JSON document on stdout, or as tables sized for where they go."""
    if as_json:
        click.echo(json.dumps(view.data, ensure_ascii=False, indent=2, default=_plain))
        return
    if not console.is_terminal:  # print(width=) can only narrow: a console of its own
        width = int(os.environ.get("COLUMNS") or PIPED_WIDTH)
        console = Console(file=console.file, width=width, no_color=console.no_color)
    for table in view.tables:
        console.print(table, crop=False)


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def data_dir(config: Config, config_path: Path) -> Path:
    """Where files the desk writes go unless told: `[paths] data_dir` (relative to the
    config file), else beside the SQLite database, or beside the config file for a server
    database; never just the working directory."""
    if config.paths.data_dir:
        return config_path.resolve().parent / Path(config.paths.data_dir).expanduser()
    url = make_url(config.database.url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        base = Path(str(url.database)).resolve().parent
    else:
        base = config_path.resolve().parent
    return base / "complaintdesk-files"
