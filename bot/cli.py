"""The `complaintdesk` command: set up, run, inspect cases, report."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from bot.app import App, build_app, configure_logging, prepare, serve
from bot.backup import BackupError, back_up, bring_up_to_date, restore
from bot.channels.console import ConsolePlayer
from bot.config import EXAMPLE_CONFIG, Config, ConfigError, load_config, report_problems
from bot.config_checks import Problem
from bot.config_warnings import warnings
from bot.console_chat import UnknownStaff, converse, staff_player
from bot.filing_cli import CliFiling, FilingRefused, file_for_customer
from bot.output import data_dir, show
from bot.preflight import outside_problems
from bot.progress import progress
from bot.reviews_import import ImportResult, UnreadableCsv, import_reviews
from bot.views import case_detail, case_table, outbox_view, report_extras, report_tables
from conversations.base.values import CaseStatus, Role, Via, Wanted
from handlers.boundary import perform
from handlers.digest_job import send_due_digests
from handlers.personal_data import Forgotten, export_customer, forget
from handlers.retention import sweep_retention
from handlers.staffing import create_invite
from handlers.typical import export_typical
from handlers.withdraw import NoSuchStaff, activate, deactivate
from notifications.digests import build_digest
from notifications.reports import write_cases_csv, write_csv, write_xlsx
from notifications.supervisor import Unrecoverable
from storage.cases import CaseFilter
from storage.chain_check import chain_breaks
from storage.engine import open_database
from storage.measures import Period
from storage.migrate import migrate
from storage.models import Customer
from storage.retention import RetentionRepository
from storage.timeline_chain import Break
from storage.uow import UnitOfWork, unit_of_work

console = Console()
log = logging.getLogger(__name__)
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
JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document (for scripts) instead."
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
        config = load_config(path)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    # main() knew only the environment (issue 17), nor the phone regions (issue 15)
    configure_logging(config.logging.level, config.policy.privacy.phone_regions)
    return config


def _reachable(path: Path) -> Config:
    """The configuration, refused also when its database cannot be reached."""
    config = _load(path)
    problems = asyncio.run(outside_problems(config))
    if problems:
        raise click.ClickException(report_problems(path, problems))
    return config


def _checked(path: Path) -> tuple[Config, list[Problem]]:
    """The configuration `run` can live with, and its warnings; `check-config` and `run`
    refuse the same things with the same words (issue 11)."""
    config = _reachable(path)
    return config, warnings(config)


def _unrecoverable(error: BaseException) -> Unrecoverable | None:
    """The fault that stopped the desk, also from inside a task group's exception group."""
    if isinstance(error, Unrecoverable):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _unrecoverable(inner)
            if found is not None:
                return found
    return None


def _serve(app: App) -> None:
    """Serve until stopped; a fault no restart can fix ends with its message, exit 1."""
    try:
        asyncio.run(serve(app))
    except Exception as error:
        fatal = _unrecoverable(error)
        if fatal is None:
            raise
        raise click.ClickException(str(fatal)) from None


@click.group()
# The installed distribution's metadata, so the version is set once, in pyproject.toml.
@click.version_option(package_name="complaintdesk")
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
    asyncio.run(_migrate(_reachable(config_path)))


@main.command("migrate")
@CONFIG_OPTION
def migrate_command(config_path: Path) -> None:
    """Create or upgrade the database schema."""
    asyncio.run(_migrate(_reachable(config_path)))


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
    """Validate a configuration file, and reach its database, without starting anything."""
    config, warned = _checked(file or config_path)
    for problem in warned:
        click.echo(f"warning: {problem}")
    policy = config.policy
    console.print(
        f"OK: {len(policy.departments)} departments, {len(policy.categories)} categories, "
        f"grades {', '.join(policy.grading.grades)}, time zone {policy.calendar.timezone}"
        f"{f'; {len(warned)} warning(s) above' if warned else ''}.",
        markup=False,
    )


@main.command()
@CONFIG_OPTION
def run(config_path: Path) -> None:
    """Serve every configured channel, the outbox and the schedules.

    With no messaging platform configured, the console channel runs instead, so a fresh
    clone can be tried at once."""
    config, warned = _checked(config_path)
    for problem in warned:
        log.warning("config_warning key=%s problem=%r", problem.key, problem.message)
    app = build_app(config)
    with contextlib.suppress(KeyboardInterrupt):
        if app.dispatcher.senders:
            _serve(app)
        else:
            log.warning(
                "no_platform_channels fix='set telegram.token (or "
                "COMPLAINTDESK_TELEGRAM__TOKEN); see README' running=console"
            )
            player = ConsolePlayer("console-user", None, None)
            _run(app, lambda app: _converse(app, player, data_dir(app.config, config_path)))


@main.command()
@CONFIG_OPTION
@click.option("--as-staff", "staff_name", help="Play this staff member instead of a customer.")
@click.option(
    "--as",
    "user",
    default="console-user",
    show_default=True,
    help="Customer id to play (each id is a different customer).",
)
@click.option(
    "--language",
    type=click.Choice(["zh_Hans", "zh_Hant", "en"]),
    help="The language the player's app reports (default: the desk's).",
)
def chat(config_path: Path, staff_name: str | None, user: str, language: str | None) -> None:
    """Talk to the desk in this terminal (or pipe a script into it)."""
    app = build_app(_load(config_path))

    async def play(app: App) -> None:
        await prepare(app)
        if staff_name is None:
            player = ConsolePlayer(user, None, language)
        else:
            try:
                player = await staff_player(app, staff_name, language)
            except UnknownStaff:
                msg = (
                    f"no staff member named {staff_name!r}: add them under [[policy.staff]] "
                    "in the config, or register with `complaintdesk staff invite`"
                )
                raise click.ClickException(msg) from None
        await converse(app, player, sys.stdin, sys.stdout, data_dir(app.config, config_path))

    with contextlib.suppress(KeyboardInterrupt):
        _run(app, play)


async def _converse(app: App, player: ConsolePlayer, files: Path) -> None:
    await prepare(app)
    await converse(app, player, sys.stdin, sys.stdout, files)


@main.command()
@CONFIG_OPTION
@click.option(
    "--now",
    "right_now",
    is_flag=True,
    help="Build today's digest now, whatever the hour (the default; kept for scripts).",
)
@click.option(
    "--send",
    is_flag=True,
    help="Queue it to the recipients (once a day each) instead of printing it.",
)
@click.option(
    "--chart",
    "--out",
    "chart",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to save the chart [default: digest-DAY.png in the data directory].",
)
def digest(config_path: Path, right_now: bool, send: bool, chart: Path | None) -> None:
    """Today's digest for managers: print it here, or send it."""
    app = build_app(_load(config_path))

    async def make(app: App) -> tuple[str, bytes | None]:
        await prepare(app)
        if send:
            async with unit_of_work(app.db) as uow:
                count = await send_due_digests(uow, app.desk, force=True)
            while await app.dispatcher.deliver_round():
                pass
            return f"Queued for {count} recipient(s) not yet served today.", None
        async with unit_of_work(app.db, readonly=True) as uow:
            content = await build_digest(uow.session, app.config.policy, app.desk.clock.now())
        return content.text, content.chart

    text, picture = _run(app, make)
    if picture is not None:
        today = app.desk.clock.now().astimezone(app.desk.calendar.zone).date()
        chart = chart or data_dir(app.config, config_path) / f"digest-{today}.png"
        chart.parent.mkdir(parents=True, exist_ok=True)
        chart.write_bytes(picture)
        text += f"\n\nChart: {chart}"
    console.print(text)


@main.command()
@CONFIG_OPTION
@click.option("--retry", "retry_ids", multiple=True, type=int, help="Retry this parked message.")
@click.option("--retry-all", is_flag=True, help="Retry every parked message.")
@JSON_OPTION
def outbox(config_path: Path, retry_ids: tuple[int, ...], retry_all: bool, as_json: bool) -> None:
    """The delivery backlog and parked messages; put parked ones back in line."""
    app = build_app(_load(config_path))
    view = _run(app, lambda app: outbox_view(app, list(retry_ids), retry_all))
    show(console, view, as_json=as_json)


@main.group()
def reviews() -> None:
    """Bad reviews from online platforms, handled as cases."""


@reviews.command("import")
@CONFIG_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def reviews_import(config_path: Path, file: Path) -> None:
    """Import reviews from a CSV file (see README for the columns)."""
    app = build_app(_load(config_path))

    async def run_import(app: App) -> ImportResult:
        await prepare(app)
        with progress(console, "Importing reviews") as advance:
            return await import_reviews(app, file, advance)

    try:
        result = _run(app, run_import)
    except UnreadableCsv as error:
        raise click.ClickException(f"{file}: {error}") from None
    console.print(f"Read {file} as {result.encoding}.", markup=False)
    console.print(
        f"Imported {len(result.imported)} review(s); "
        f"{len(result.duplicates)} already imported; {len(result.bad)} bad row(s)."
    )
    for line, reason in result.bad:
        console.print(f"  line {line}: {reason}")
    for line, number in result.duplicates:
        console.print(f"  line {line}: already imported as {number}")


@main.group()
def staff() -> None:
    """Manage staff."""


@staff.command("invite")
@CONFIG_OPTION
@click.option("--department", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="staff", show_default=True
)
def staff_invite(config_path: Path, department: str, role: str) -> None:
    """Create a one-time code; the new staff member sends `/register CODE` to the bot."""
    app = build_app(_load(config_path))
    try:
        app.config.policy.department(department)
    except KeyError:
        known = ", ".join(d.key for d in app.config.policy.departments)
        raise click.BadParameter(
            f"unknown department; known: {known}", param_hint="--department"
        ) from None

    async def make(app: App) -> str:
        await prepare(app)
        async with unit_of_work(app.db) as uow:
            return await create_invite(uow, app.desk, department, Role(role))

    code = _run(app, make)
    console.print(f"Invitation code: {code}\nThe new member sends: /register {code}")


@staff.command("deactivate")
@CONFIG_OPTION
@click.argument("name", nargs=-1, required=True)
def staff_deactivate(config_path: Path, name: tuple[str, ...]) -> None:
    """Withdraw NAME's access at once (`NAME #id` when two share it); their open cases
    are listed to their department's leads and group for /assign."""
    _staff_access(config_path, " ".join(name), deactivate, "inactive: access withdrawn")


@staff.command("activate")
@CONFIG_OPTION
@click.argument("name", nargs=-1, required=True)
def staff_activate(config_path: Path, name: tuple[str, ...]) -> None:
    """Give NAME their access back (undoes `staff deactivate`)."""
    _staff_access(config_path, " ".join(name), activate, "active")


def _staff_access(
    config_path: Path, name: str, change: Callable[..., Awaitable[Any]], state: str
) -> None:
    app = build_app(_load(config_path))

    async def work(app: App) -> Any:
        await prepare(app)
        async with unit_of_work(app.db) as uow:
            return await change(uow, app.desk, name)

    try:
        person = _run(app, work)
    except NoSuchStaff as error:
        raise click.ClickException(str(error)) from None
    console.print(f"{person.name} #{person.id} ({person.department}, {person.role}): {state}")


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
@JSON_OPTION
def cases_list(
    config_path: Path,
    status: str | None,
    grade: str | None,
    department: str | None,
    overdue: bool,
    limit: int,
    as_json: bool,
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
    show(console, _run(app, lambda app: case_table(app, wanted)), as_json=as_json)


@cases.command("show")
@CONFIG_OPTION
@click.argument("number")
@click.option(
    "--reveal", is_flag=True, help="Show a confidential filer (recorded on the timeline)."
)
@JSON_OPTION
def cases_show(config_path: Path, number: str, reveal: bool, as_json: bool) -> None:
    """One case's fields and its full timeline."""
    app = build_app(_load(config_path))
    found = _run(app, lambda app: case_detail(app, number, reveal=reveal))
    if found is None:
        raise click.ClickException(f"no case numbered {number}")
    show(console, found, as_json=as_json)


@cases.command("file")
@CONFIG_OPTION
@click.option("--via", required=True, type=click.Choice([v.value for v in Via]))
@click.option("--name", default="-", show_default=True, help="The customer's name (- anonymous).")
@click.option("--phone", default="-", show_default=True, help="Mobile (or email with --via email).")
@click.option("--category", required=True, help="A category key, e.g. product_quality.")
@click.option("--description", required=True, help="What happened, as the customer told it.")
@click.option("--wants", type=click.Choice([w.value for w in Wanted]))
@click.option("--order", help="Order or product number.")
@click.option("--staff", help="Who took it: they own the case until the department takes it.")
def cases_file(config_path: Path, **given: Any) -> None:
    """File a complaint taken by phone, at the counter, by letter or by email for the
    customer (first-contact ownership); print the receipt."""
    app = build_app(_load(config_path))
    try:
        lines = _run(app, lambda app: file_for_customer(app, CliFiling(**given)))
    except FilingRefused as error:
        raise click.ClickException(str(error)) from None
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)  # a receipt read out whole


@cases.command("verify")
@CONFIG_OPTION
@click.option("--case", "number", help="Check only this case.")
def cases_verify(config_path: Path, number: str | None) -> None:
    """Check every timeline against its hash chain; exit 1 naming each altered event."""
    app = build_app(_load(config_path))

    async def check(app: App) -> tuple[int, list[Break]]:
        async with unit_of_work(app.db, readonly=True) as uow:
            return await chain_breaks(uow.session, number)

    checked, found = _run(app, check)
    for where in found:
        event = f"event {where.event_id}" if where.event_id is not None else "its last hash"
        console.print(f"{where.number}: {event}: {where.reason}")
    if found:
        raise click.ClickException(f"{len(found)} break(s) in {checked} case(s)")
    console.print(f"{checked} case(s) checked; every timeline is as written.")


@cases.command("export-typical")
@CONFIG_OPTION
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The JSON file to write [default: typical-cases.json in the data directory].",
)
def cases_export_typical(config_path: Path, out: Path | None) -> None:
    """Typical cases for staff training, anonymised (no names, contacts, order numbers)."""
    app = build_app(_load(config_path))

    async def export(app: App) -> list[dict[str, object]]:
        async with unit_of_work(app.db, readonly=True) as uow:
            return await export_typical(uow.session)

    # export_typical reports no steps: the bar pulses until the records are in.
    with progress(console, "Exporting typical cases"):
        records = _run(app, export)
    out = out or data_dir(app.config, config_path) / "typical-cases.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"Wrote {len(records)} typical case(s) to {out}")


@main.group()
def customers() -> None:
    """A customer's requests about their data: what is held, and erasure (issue 15)."""


def _who(function: Callable[..., None]) -> Callable[..., None]:
    for option in (
        click.option("--chat", help="channel:account, as in `cases show`'s identities."),
        click.option("--phone", help="The phone number they gave."),
        click.option("--id", "customer_id", type=int, help="The internal customer id."),
    ):
        function = option(function)
    return function


async def _customer_then(
    app: App, who: dict[str, Any], work: Callable[[UnitOfWork, Customer], Awaitable[T]]
) -> T | None:
    async with unit_of_work(app.db) as uow:
        customer = await RetentionRepository(uow.session).customer_by(**who)
        return None if customer is None else await work(uow, customer)


@customers.command("export")
@CONFIG_OPTION
@_who
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write it here.")
def customers_export(config_path: Path, out: Path | None, **who: Any) -> None:
    """Everything held about one customer, as JSON (recorded on the audit log)."""
    app = build_app(_load(config_path))
    now = app.desk.clock.now()

    async def work(uow: UnitOfWork, customer: Customer) -> dict[str, Any]:
        return await export_customer(uow.session, customer, now)

    found = _run(app, lambda app: _customer_then(app, who, work))
    if found is None:
        raise click.ClickException("no such customer (give --id, --phone or --chat)")
    text = json.dumps(found, ensure_ascii=False, indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote customer {found['customer']}'s data to {out}")


@customers.command("erase")
@CONFIG_OPTION
@_who
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def customers_erase(config_path: Path, yes: bool, **who: Any) -> None:
    """Anonymise a customer's closed cases and erase their name, phone and accounts; open
    cases are anonymised when they close (recorded on the audit log)."""
    if not yes:
        click.confirm("Erase this customer's personal data? This cannot be undone", abort=True)
    app = build_app(_load(config_path))
    now = app.desk.clock.now()

    async def work(uow: UnitOfWork, customer: Customer) -> Forgotten:
        return await forget(uow.session, customer, now, "operator")

    done = _run(app, lambda app: _customer_then(app, who, work))
    if done is None:
        raise click.ClickException("no such customer (give --id, --phone or --chat)")
    console.print(f"Closed cases anonymised: {done.anonymised}")
    if done.erased:
        console.print("Name, phone and chat accounts erased.")
    else:
        console.print(f"Open cases: {done.still_open}; erased once they close (retention sweep).")


@main.group()
def retention() -> None:
    """Keeping personal data no longer than configured ([policy.retention])."""


@retention.command("run")
@CONFIG_OPTION
def retention_run(config_path: Path) -> None:
    """Run the retention sweep now (the desk also runs it every minute)."""
    app = build_app(_load(config_path))
    counts = _run(app, lambda app: perform(app.db, partial(sweep_retention, desk=app.desk)))
    if not counts:
        console.print("Nothing was due.")
    for name, count in sorted(counts.items()):
        console.print(f"{name.replace('_', ' ')}: {count}")


@main.command()
@CONFIG_OPTION
@click.option("--month", type=click.DateTime(["%Y-%m"]), help="A calendar month, YYYY-MM.")
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (business time zone)."
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day, included.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Measures as CSV; the case list goes beside it (NAME-cases.csv).",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Measures, the case list and the trend chart as an Excel workbook.",
)
@JSON_OPTION
def report(
    config_path: Path,
    month: datetime | None,
    start: datetime | None,
    end: datetime | None,
    csv_path: Path | None,
    xlsx_path: Path | None,
    as_json: bool,
) -> None:
    """Measures per department, category and handler for a month or a period."""
    first, last = _days(month, start, end)
    app = build_app(_load(config_path))
    period = _period(app.config, first, last)
    with progress(console, "Computing measures", shown=not as_json) as advance:
        view, sections = _run(app, lambda app: report_tables(app, period, advance))
    show(console, view, as_json=as_json)
    if not (csv_path or xlsx_path):
        return
    with progress(console, "Listing cases and drawing the chart", shown=not as_json):
        app = build_app(_load(config_path))
        cases, chart, platforms = _run(app, lambda app: report_extras(app, period, first, last))
    zone = app.config.policy.calendar.zone

    # With --json, stdout holds the one JSON document; the files written are told on stderr.
    def tell(line: str) -> None:
        if as_json:
            click.echo(line, err=True)
        else:
            console.print(line)

    if csv_path:
        write_csv(csv_path, sections)
        cases_path = csv_path.with_name(f"{csv_path.stem}-cases{csv_path.suffix}")
        write_cases_csv(cases_path, cases, zone)
        tell(f"Wrote {csv_path} and {cases_path}")
    if xlsx_path:
        write_xlsx(xlsx_path, sections, cases, zone, chart, platforms)
        tell(f"Wrote {xlsx_path} ({len(cases)} cases)")


def _days(
    month: datetime | None, start: datetime | None, end: datetime | None
) -> tuple[date, date]:
    if month is not None:
        if start or end:
            raise click.UsageError("give --month, or --from and --to, not both")
        first = month.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    if start is None or end is None:
        raise click.UsageError("give --month YYYY-MM, or --from and --to")
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    return start.date(), end.date()


def _period(config: Config, first: date, last: date) -> Period:
    zone = config.policy.calendar.zone
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return Period(start, end)


@main.command("backup")
@CONFIG_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The backup file to write (SQLite: a database file; PostgreSQL: a pg_dump archive).",
)
def backup_command(config_path: Path, out: Path) -> None:
    """Back up the database; safe while the desk runs."""
    config = _load(config_path)
    try:
        backend = back_up(config.database.url, out)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    console.print(f"Backed up the {backend} database to {out} ({out.stat().st_size} bytes).")


@main.command("restore")
@CONFIG_OPTION
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(
    "--yes", prompt="This replaces everything in the configured database. Go on?"
)
def restore_command(config_path: Path, file: Path) -> None:
    """Replace the database with a backup, then migrate it; stop the desk first."""
    config = _load(config_path)
    try:
        backend = restore(config.database.url, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    asyncio.run(bring_up_to_date(config.database.url))
    console.print(f"Restored the {backend} database from {file}; its schema is up to date.")
