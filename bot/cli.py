"""The `complaintdesk` command: set up, run, inspect cases, report."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console

from bot.app import App, build_app, configure_logging, serve
from bot.config import EXAMPLE_CONFIG, Config, ConfigError, load_config
from bot.views import case_detail, case_table, report_tables
from conversations.values import CaseStatus
from notifications.reports import write_csv, write_xlsx
from storage.cases import CaseFilter
from storage.engine import open_database
from storage.measures import Period
from storage.migrate import migrate

console = Console()
T = TypeVar("T")
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default="complaintdesk.toml",
    envvar="COMPLAINTDESK_CONFIG",
    show_default=True,
    help="The TOML configuration file.",
)


def _run(app: App, work: Callable[[App], Awaitable[T]]) -> T:
    """Run one piece of async work against the app, then release its connections."""

    async def go() -> T:
        try:
            return await work(app)
        finally:
            await app.db.dispose()

    return asyncio.run(go())


def _load(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def main() -> None:
    """Complaint Desk: complaint handling inside messaging apps."""
    configure_logging()


@main.command()
@CONFIG_OPTION
def init(config_path: Path) -> None:
    """Write a starter config (if none) and create or upgrade the database."""
    if config_path.exists():
        console.print(f"{config_path} exists; keeping it.")
    else:
        shutil.copy(EXAMPLE_CONFIG, config_path)
        console.print(f"Wrote {config_path} from the example; edit it to suit.")
    asyncio.run(_migrate(_load(config_path)))


@main.command("migrate")
@CONFIG_OPTION
def migrate_command(config_path: Path) -> None:
    """Create or upgrade the database schema."""
    asyncio.run(_migrate(_load(config_path)))


async def _migrate(config: Config) -> None:
    db = open_database(config.database.url)
    try:
        await migrate(db)
    finally:
        await db.dispose()
    console.print(f"Database is up to date ({db.dialect}).")


@main.command("check-config")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@CONFIG_OPTION
def check_config(file: Path | None, config_path: Path) -> None:
    """Validate a configuration file without starting anything."""
    config = _load(file or config_path)
    policy = config.policy
    console.print(
        f"OK: {len(policy.departments)} departments, {len(policy.categories)} categories, "
        f"grades {', '.join(policy.grading.grades)}, time zone {policy.calendar.timezone}."
    )


@main.command()
@CONFIG_OPTION
def run(config_path: Path) -> None:
    """Serve every configured channel, the outbox and the schedules."""
    app = build_app(_load(config_path))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(app))


@main.group()
def cases() -> None:
    """List and show cases."""


@cases.command("list")
@CONFIG_OPTION
@click.option("--status", type=click.Choice([s.value for s in CaseStatus]))
@click.option("--grade", help="Severity grade, e.g. important.")
@click.option("--department")
@click.option("--overdue", is_flag=True, help="Only cases with a missed deadline.")
@click.option("--limit", default=50, show_default=True)
def cases_list(
    config_path: Path,
    status: str | None,
    grade: str | None,
    department: str | None,
    overdue: bool,
    limit: int,
) -> None:
    """Cases, newest first."""
    app = build_app(_load(config_path))
    wanted = CaseFilter(
        status=CaseStatus(status) if status else None,
        severity=grade,
        department=department,
        overdue_at=app.desk.clock.now() if overdue else None,
        limit=limit,
    )
    console.print(_run(app, lambda app: case_table(app, wanted)))


@cases.command("show")
@CONFIG_OPTION
@click.argument("number")
def cases_show(config_path: Path, number: str) -> None:
    """One case's fields and its full timeline."""
    found = _run(build_app(_load(config_path)), lambda app: case_detail(app, number))
    if found is None:
        raise click.ClickException(f"no case numbered {number}")
    for part in found:
        console.print(part)


@main.command()
@CONFIG_OPTION
@click.option(
    "--from",
    "start",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day (business time zone).",
)
@click.option(
    "--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day, included."
)
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False))
def report(
    config_path: Path, start: datetime, end: datetime, csv_path: Path | None, xlsx_path: Path | None
) -> None:
    """Measures per department, category and handler for a period."""
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    app = build_app(_load(config_path))
    period = _period(app.config, start.date(), end.date())
    with console.status("Computing measures..."):
        tables, sections = _run(app, lambda app: report_tables(app, period))
    for rendered in tables:
        console.print(rendered)
    if csv_path:
        write_csv(csv_path, sections)
        console.print(f"Wrote {csv_path}")
    if xlsx_path:
        write_xlsx(xlsx_path, sections)
        console.print(f"Wrote {xlsx_path}")


def _period(config: Config, first: date, last: date) -> Period:
    zone = config.policy.calendar.zone
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return Period(start, end)
