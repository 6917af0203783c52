"""`complaintdesk cases show` lists a case's files with where the file store keeps them
(issue 13), as text and as JSON (SQLite, a fresh directory)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.config import load_config
from bot.files import FileStore
from storage.engine import open_database
from storage.models import Attachment
from storage.uow import unit_of_work
from tests.bot.test_cli import invoke, workdir
from tests.fakes.clock import FakeClock
from tests.fakes.world import World

__all__ = ["workdir"]  # the fixture, shared with test_cli
PHOTO = b"\xff\xd8\xff\xe0 a kettle's wet base"


async def seed(store: FileStore) -> str:
    """A case with the customer's stored photo, a staff document and a file kept only
    as a platform id."""
    db = open_database("sqlite+aiosqlite:///complaintdesk.db")
    world = World.make(db, FakeClock())
    case = await world.file(await world.customer())
    handler = await world.staff("李雷", case.department)
    stored = await store.keep(PHOTO, "photo", "leak.jpg")
    async with unit_of_work(db) as uow:
        for fields in (
            {
                "channel": "wechat",
                "file_ref": "media-42",
                "media_kind": "photo",
                "stored_path": stored.path,
                "size_bytes": stored.size,
                "file_name": "leak.jpg",
            },
            {
                "channel": "telegram",
                "file_ref": "BQAC",
                "media_kind": "document",
                "file_name": "invoice.pdf",
                "staff_id": handler.id,
            },
        ):
            uow.session.add(Attachment(case_id=case.id, created_at=world.clock.now(), **fields))
    await db.dispose()
    return case.number


def test_cases_show_lists_each_file_and_its_stored_path(workdir: Path) -> None:
    invoke("init")
    store = FileStore.for_config(load_config(workdir / "complaintdesk.toml"))
    number = asyncio.run(seed(store))
    full = store.path_of(next(iter(store.root.rglob("*.jpg"))).relative_to(store.root).as_posix())
    assert full is not None and full.read_bytes() == PHOTO

    shown = invoke("cases", "show", number)
    assert "Files" in shown and "leak.jpg" in shown and "invoice.pdf" in shown
    assert "staff 李雷" in shown and "customer" in shown
    relative = full.relative_to(store.root).as_posix()
    assert f"│ 1 │ {relative} │" in shown  # whole, on its own line
    assert str(store.root) in "".join(shown.split())  # the title may fold the folder

    data = json.loads(invoke("cases", "show", number, "--json"))
    photo, document = data["attachments"]
    assert photo["file"] == str(full) and photo["stored_path"].startswith("attachments/")
    assert (photo["kind"], photo["from"], photo["size_bytes"]) == ("photo", "customer", len(PHOTO))
    assert (document["file"], document["stored_path"], document["from"]) == (
        None,
        None,
        "staff 李雷",
    )


def test_a_case_without_files_shows_no_files_table(workdir: Path) -> None:
    invoke("init")

    async def plain() -> str:
        db = open_database("sqlite+aiosqlite:///complaintdesk.db")
        case = await World.make(db, FakeClock()).file(await World.make(db, FakeClock()).customer())
        await db.dispose()
        return case.number

    number = asyncio.run(plain())
    assert "Files" not in invoke("cases", "show", number)
    assert json.loads(invoke("cases", "show", number, "--json"))["attachments"] == []
