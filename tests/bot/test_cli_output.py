"""What operator commands print for a script or a pipe: JSON that parses, tables whose
headers are whole, no progress bar; the digest's defaults (issue 17)."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from click.testing import CliRunner
from rich.console import Console

from bot.cli import main
from bot.progress import progress
from tests.bot.test_cli import invoke, seed, workdir

__all__ = ["workdir"]  # the fixture, shared with test_cli
URL = "sqlite+aiosqlite:///complaintdesk.db"


def test_piped_tables_show_every_header_whole(workdir: Path) -> None:
    invoke("init")
    asyncio.run(seed(URL))
    listed = invoke("cases", "list")
    for header in ("Number", "Status", "Category", "Department", "Handler", "Next due"):
        assert header in listed
    reported = invoke("report", "--month", "2026-11")
    for header in ("Received", "Overdue", "Satisfied", "Resolved", "Resolve", "p90"):  # may wrap
        assert header in reported
    assert "…" not in listed + reported


def test_listings_print_one_json_document_with_the_tables_fields(workdir: Path) -> None:
    invoke("init")
    number = asyncio.run(seed(URL))
    listed = json.loads(invoke("cases", "list", "--json"))
    assert len(listed) == 2 and {c["status"] for c in listed} == {"assigned"}
    first = next(c for c in listed if c["number"] == number)
    assert first["filed"].endswith("+08:00") and first["department"] == "product"
    assert set(first) == {
        "number",
        "status",
        "grade",
        "category",
        "department",
        "handler",
        "filed",
        "next_due",
    }
    shown = json.loads(invoke("cases", "show", number, "--json"))
    assert shown["case"]["number"] == number and shown["case"]["status"] == "assigned"
    assert "Kettle leaks" in shown["case"]["description"]
    assert [step["what"] for step in shown["timeline"]][:2] == ["filed", "routed"]
    report = json.loads(invoke("report", "--month", "2026-11", "--json"))
    overall = report["sections"][0]
    assert overall["dimension"] == "overall" and overall["rows"][0]["received"] == 2
    assert report["from"].startswith("2026-11-01T00:00:00+08:00")
    outbox = json.loads(invoke("outbox", "--json"))
    assert outbox["parked"] == [] and set(outbox["counts"]) >= {"pending", "parked"}


def test_progress_bars_only_on_a_terminal() -> None:
    screen, pipe = io.StringIO(), io.StringIO()
    for stream, terminal in ((screen, True), (pipe, False)):
        console = Console(file=stream, force_terminal=terminal, width=80)
        with progress(console, "Importing reviews") as advance:
            advance(1, 2)
            console.print("tick")  # the live display redraws around a print
    assert "Importing reviews" in screen.getvalue()
    assert pipe.getvalue() == "tick\n"


def test_reviews_import_json_free_output_names_the_encoding_and_has_no_bar(
    workdir: Path,
) -> None:
    invoke("init")
    (workdir / "r.csv").write_bytes(
        "platform,reviewer,rating,text\ndianping,小王,1,太难吃\n".encode("gbk")
    )
    printed = invoke("reviews", "import", "r.csv")
    assert "Read r.csv as gb18030." in printed and "Imported 1 review(s)" in printed
    assert "Importing reviews" not in printed
    (workdir / "bad.csv").write_bytes(b"platform,reviewer\n\xff\xfe\x80\x80\n")
    refused = CliRunner().invoke(main, ["reviews", "import", "bad.csv"])
    assert refused.exit_code == 1 and "neither UTF-8 nor GB18030/GBK" in refused.output
    assert "Traceback" not in refused.output and "UnicodeDecodeError" not in refused.output


def test_digest_defaults_to_today_and_keeps_its_chart_out_of_the_working_dir(
    workdir: Path,
) -> None:
    invoke("init")
    printed = invoke("digest")
    assert "Chart: " in printed
    written = list((workdir / "complaintdesk-files").glob("digest-*.png"))
    assert len(written) == 1 and written[0].read_bytes().startswith(b"\x89PNG")
    assert not list(workdir.glob("*.png"))
    invoke("digest", "--now", "--out", "charts/today.png")
    assert (workdir / "charts" / "today.png").exists()


def test_export_typical_without_out_writes_to_the_data_directory(workdir: Path) -> None:
    invoke("init")
    printed = invoke("cases", "export-typical")
    written = workdir / "complaintdesk-files" / "typical-cases.json"
    assert "Wrote 0 typical case(s)" in printed
    assert json.loads(written.read_text(encoding="utf-8")) == []
    assert not (workdir / "typical-cases.json").exists()


def test_the_data_directory_comes_from_the_config_when_set(workdir: Path) -> None:
    invoke("init")
    config = workdir / "complaintdesk.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + '\n[paths]\ndata_dir = "exports"\n', encoding="utf-8")
    invoke("cases", "export-typical")
    assert (workdir / "exports" / "typical-cases.json").exists()
    assert not (workdir / "complaintdesk-files").exists()
