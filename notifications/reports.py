"""Period reports: measures per department, category and handler, as CSV or Excel."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.measures import Dimension, Measures
from storage.reviews import PlatformMeasures
from storage.trends import CaseLine

COLUMNS = [
    "dimension",
    "key",
    "name",
    "rank",
    "received",
    "open",
    "overdue",
    "closed",
    "timeliness",
    "satisfaction",
    "mean_score",
    "resolution_rate",
    "repeat_rate",
    "ack_mean_h",
    "ack_p90_h",
    "resolve_mean_h",
    "resolve_p90_h",
]


@dataclass(frozen=True)
class ReportSection:
    dimension: Dimension
    rows: Sequence[Measures]
    names: dict[str, str]


def ranking(rows: Iterable[Measures]) -> list[Measures]:
    """Best first: timeliness, then satisfaction, then fewer overdue (POLICY §7)."""
    return sorted(
        rows, key=lambda m: (-(m.timeliness or 0), -(m.satisfaction or 0), m.overdue, m.key)
    )


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def _ratio(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def table(section: ReportSection) -> list[list[object]]:
    ranked = {m.key: place for place, m in enumerate(ranking(section.rows), start=1)}
    return [
        [
            section.dimension.value,
            m.key,
            section.names.get(m.key, m.key),
            ranked[m.key],
            m.received,
            m.open,
            m.overdue,
            m.closed,
            _ratio(m.timeliness),
            _ratio(m.satisfaction),
            _ratio(m.mean_score),
            _ratio(m.resolution_rate),
            _ratio(m.repeat_rate),
            _hours(m.ack_mean_s),
            _hours(m.ack_p90_s),
            _hours(m.resolve_mean_s),
            _hours(m.resolve_p90_s),
        ]
        for m in section.rows
    ]


def write_csv(path: Path, sections: Sequence[ReportSection]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for section in sections:
            writer.writerows(table(section))


CASE_COLUMNS = [
    "number",
    "kind",
    "category",
    "grade",
    "status",
    "department",
    "handler",
    "filed",
    "closed",
    "solved",
    "reopened",
]


def case_rows(cases: Sequence[CaseLine], zone: ZoneInfo) -> list[list[object]]:
    def when(instant: datetime | None) -> str:
        return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M") if instant else ""

    return [
        [
            c.number,
            c.kind,
            c.category,
            c.severity,
            c.status,
            c.department,
            c.handler,
            when(c.created_at),
            when(c.closed_at),
            "" if c.solved is None else c.solved,
            c.reopened,
        ]
        for c in cases
    ]


def write_cases_csv(path: Path, cases: Sequence[CaseLine], zone: ZoneInfo) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_COLUMNS)
        writer.writerows(case_rows(cases, zone))


def write_xlsx(
    path: Path,
    sections: Sequence[ReportSection],
    cases: Sequence[CaseLine] = (),
    zone: ZoneInfo | None = None,
    chart: bytes | None = None,
    platforms: Sequence[PlatformMeasures] = (),
) -> None:
    """One sheet per dimension; with a case list and a chart when given (monthly report)."""
    from openpyxl import Workbook  # ~10 MB: loaded by an Excel export only (issue 18)
    from openpyxl.drawing.image import Image

    book = Workbook(write_only=False)
    book.remove(book.active)
    for section in sections:
        sheet = book.create_sheet(section.dimension.value)
        sheet.append(COLUMNS)
        for row in table(section):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    if cases and zone is not None:
        sheet = book.create_sheet("cases")
        sheet.append(CASE_COLUMNS)
        for row in case_rows(cases, zone):
            sheet.append(row)
        sheet.freeze_panes = "A2"
    if platforms:
        sheet = book.create_sheet("reviews")
        sheet.append(["platform", "reviews", "closed", "review_updated", "repeat_rate"])
        for platform in platforms:
            rate = platform.repeat_rate
            sheet.append(
                [
                    platform.platform,
                    platform.received,
                    platform.closed,
                    platform.updated,
                    round(rate, 4) if rate is not None else None,
                ]
            )
    if chart is not None:
        book.create_sheet("chart").add_image(Image(BytesIO(chart)), "A1")
    book.save(path)
