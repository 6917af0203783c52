"""`complaintdesk reviews import FILE.csv`: many bad reviews at once.

Columns (header row): platform, reviewer, rating, text, link, reviewed_at,
category, order_ref; the first four are required (rating may be empty). A bad row is
reported with its line number and skipped; good rows are kept; a review imported before
(same platform and link, or same reviewer, time and text) is not duplicated. The file may
be UTF-8 (with or without the BOM Excel adds) or GB18030/GBK, what Excel writes on a
Chinese Windows (issue 17).
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.app import App
from conversations.intents import LogReview
from handlers.actors import Actor
from handlers.boundary import perform
from handlers.refusals import Refusal
from handlers.reviews import log_review

REQUIRED = ("platform", "reviewer", "rating", "text")
# Tried in order: plain UTF-8 first, since GB18030 would also accept many UTF-8 files'
# bytes as (wrong) Chinese; GB18030 is a superset of GBK and GB2312.
ENCODINGS = ("utf-8", "gb18030")


class UnreadableCsv(Exception):
    """The file is in none of the encodings we read; the message says what to do."""


def decode_csv(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding that read it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8 (BOM)"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    msg = (
        "the file is neither UTF-8 nor GB18030/GBK; in Excel save it as "
        "'CSV UTF-8 (Comma delimited)' and import again"
    )
    raise UnreadableCsv(msg)


class ReviewRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    platform: str = Field(min_length=1)
    reviewer: str = Field(min_length=1, max_length=200)
    rating: int | None = Field(None, ge=1, le=5)
    text: str = Field(min_length=1, max_length=20_000)
    link: str | None = Field(None, max_length=500)
    reviewed_at: datetime | None = None
    category: str = "other"
    order_ref: str | None = Field(None, max_length=200)

    @field_validator("rating", "link", "reviewed_at", "order_ref", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"


async def import_reviews(
    app: App, path: Path, advance: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import every row; `advance(done, total)` is told after each (a progress bar)."""
    text, encoding = decode_csv(await asyncio.to_thread(path.read_bytes))
    result = ImportResult(encoding=encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        result.bad.append((1, f"missing columns: {', '.join(missing)}"))
        return result
    rows = [(reader.line_num, row) for row in reader]
    for done, (line, row) in enumerate(rows, start=1):
        await _import_row(app, line, row, result)
        if advance is not None:
            advance(done, len(rows))
    return result


async def _import_row(app: App, line: int, row: dict[str, str], result: ImportResult) -> None:
    try:
        parsed = ReviewRow.model_validate(row)
    except ValidationError as error:
        problem = error.errors()[0]
        result.bad.append((line, f"{problem['loc'][0]}: {problem['msg']}"))
        return
    zone = app.desk.calendar.zone
    when = parsed.reviewed_at.replace(tzinfo=zone) if parsed.reviewed_at else None
    review = LogReview(
        platform=parsed.platform,
        reviewer=parsed.reviewer,
        text=parsed.text,
        rating=parsed.rating,
        link=parsed.link,
        reviewed_at=when,
        category=parsed.category,
        order_ref=parsed.order_ref,
    )
    try:
        case = await perform(
            app.db,
            lambda uow: log_review(uow, app.desk, Actor.system(), review),
            app.dispatcher.wake,
        )
    except Refusal as refusal:
        target = result.duplicates if refusal.key == "review.duplicate" else result.bad
        target.append((line, refusal.params.get("number") or refusal.key))
        return
    result.imported.append(case.number)
