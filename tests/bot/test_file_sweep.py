"""Stored files nothing names any more are deleted after a grace (issue 13, for issue
15's retention and erasure); those an attachment or a waiting message names stay."""

from __future__ import annotations

import os
from pathlib import Path

from bot.file_sweep import SweepFiles
from bot.files import FileStore
from storage.models import Attachment
from storage.uow import unit_of_work
from tests.fakes.world import World
from tests.notifications.rows import queue


def aged(store: FileStore, relative: str, days: float, now: float) -> None:
    os.utime(store.root / relative, (now - days * 86400, now - days * 86400))


async def test_only_files_nothing_names_are_swept_after_the_grace(
    world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    attached, waiting, erased, fresh = (
        store.save(content, "photo").path for content in (b"a", b"w", b"e", b"f")
    )
    leftover = store.root / "attachments" / "ab" / ".part-xyz"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half")
    now = world.clock.now().timestamp()
    for relative in (attached, waiting, erased, "attachments/ab/.part-xyz"):
        aged(store, relative, 3, now)
    aged(store, fresh, 0.5, now)  # within the day's grace
    case = await world.file(await world.customer())
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            Attachment(
                case_id=case.id,
                channel="telegram",
                file_ref="ph-1",
                media_kind="photo",
                created_at=world.clock.now(),
                stored_path=attached,
            )
        )
    media = [{"kind": "photo", "channel": "telegram", "ref": "", "path": waiting, "name": None}]
    await queue(world.db, world.clock.now(), ["1001"], "telegram", [{"text": "x", "media": media}])

    sweep = SweepFiles(store)
    async with unit_of_work(world.db) as uow:
        assert await sweep(uow, world.desk) == 2  # the erased photo and the leftover
    kept = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file()}
    assert kept == {attached, waiting, fresh}

    aged(store, fresh, 3, now)
    async with unit_of_work(world.db) as uow:
        assert await sweep(uow, world.desk) == 0  # not again within the hour
    world.clock.advance(hours=1)
    async with unit_of_work(world.db) as uow:
        assert await sweep(uow, world.desk) == 1


async def test_an_empty_store_is_swept_without_complaint(world: World, tmp_path: Path) -> None:
    async with unit_of_work(world.db) as uow:
        assert await SweepFiles(FileStore(tmp_path / "none"))(uow, world.desk) == 0
