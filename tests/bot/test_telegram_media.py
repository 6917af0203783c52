"""Files both ways on Telegram (issue 13), through the real aiogram client and the fake
Bot API: a customer's photos, documents and voice notes are downloaded into the desk's
file store and attached to the case; an oversize file is refused politely with the limit
and nothing else is lost; a resent update stores nothing twice; files to a customer go
by file id when they came from Telegram and are uploaded from the store otherwise, the
text as their caption when it fits (both backends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.files import MEGABYTE, FileStore
from storage.models import Attachment, Case
from tests.bot.telegram_harness import Telegram, running
from tests.fakes.telegram_api import button_update, file_update, message_update, user
from tests.fakes.world import World
from tests.notifications.rows import queue

CUSTOMER = user(1001, "王芳")
JPEG = b"\xff\xd8\xff\xe0" + b"kettle" * 200
PDF = b"%PDF-1.4 receipt for the kettle"
OGG = b"OggS voice note"


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def finish_filing(tg: Telegram) -> None:
    """Category, no details, what they want, submit: the rest of the filing dialogue."""
    for data in ("category:product_quality", "skip:details", "wanted:replacement"):
        await tg.send(button_update(CUSTOMER, 1001, data))
    if "称呼" in tg.api.texts_to(1001)[-1]:  # asked when the story began with no words
        await tg.send(message_update(CUSTOMER, "王芳"))
    await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))


async def test_a_customers_photo_and_document_are_kept_in_the_store_and_attached(
    world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    async with running(world, "webhook", files=store) as tg:
        tg.api.files.update({"ph-1": JPEG, "doc-1": PDF})
        await tg.send(file_update(CUSTOMER, "photo", "ph-1", caption="水壶漏水，想换新"))
        await finish_filing(tg)
        case = await world.only(Case)
        await tg.send(
            file_update(CUSTOMER, "document", "doc-1", caption="这是发票", name="发票.pdf")
        )
        await tg.send(button_update(CUSTOMER, 1001, f"append:{case.number}"))

    photo, document = sorted(await world.all(Attachment), key=lambda a: a.id)
    assert (photo.case_id, photo.media_kind, photo.file_ref) == (case.id, "photo", "ph-1")
    assert (document.media_kind, document.file_name) == ("document", "发票.pdf")
    for attachment, content in ((photo, JPEG), (document, PDF)):
        path = store.path_of(attachment.stored_path)
        assert path is not None and path.read_bytes() == content
        assert attachment.size_bytes == len(content)
    assert document.stored_path is not None and document.stored_path.endswith(".pdf")


async def test_an_oversize_file_is_refused_with_the_limit_and_the_words_still_count(
    world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files", max_file_mb=1)
    async with running(world, "webhook", files=store) as tg:
        tg.api.files["big"] = b"x" * (MEGABYTE + 1)
        await tg.send(
            file_update(CUSTOMER, "document", "big", caption="水壶漏水", size=MEGABYTE + 1)
        )
        refusal, question = tg.api.texts_to(1001)[-2:]
        assert "太大" in refusal and "1 MB" in refusal
        assert "哪一类" in question or "类" in question  # the filing goes on with the words
        # A size Telegram did not state in the update is checked on getFile.
        tg.api.files["big2"] = b"y" * (MEGABYTE + 2)
        await tg.send(file_update(CUSTOMER, "document", "big2", name="合同.pdf"))
        assert "1 MB" in tg.api.texts_to(1001)[-1]
        await finish_filing(tg)
        assert not any(call.method == "download" for call in tg.api.calls)

    case = await world.only(Case)
    assert case.description == "水壶漏水"
    assert await world.all(Attachment) == [] and stored_files(tmp_path / "files") == []


async def test_a_resent_update_stores_nothing_twice(world: World, tmp_path: Path) -> None:
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        tg.api.files["ph-1"] = JPEG
        update = file_update(CUSTOMER, "photo", "ph-1", caption="水壶漏水，想换新")
        await tg.send(update)
        await tg.send(update)  # a webhook retry, a restart during polling
        await finish_filing(tg)

    (attachment,) = await world.all(Attachment)
    assert stored_files(tmp_path / "files") == [tmp_path / "files" / str(attachment.stored_path)]


async def test_a_voice_note_is_kept_not_called_unreadable(world: World, tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    async with running(world, "polling", files=store) as tg:
        tg.api.files["vo-1"] = OGG
        await tg.send(file_update(CUSTOMER, "voice", "vo-1"))
        assert "只能读懂" not in tg.api.texts_to(1001)[-1]
        await tg.send(message_update(CUSTOMER, "水壶漏水，语音里说了"))
        await finish_filing(tg)

    (voice,) = await world.all(Attachment)
    assert voice.media_kind == "voice"
    path = store.path_of(voice.stored_path)
    assert path is not None and path.read_bytes() == OGG and path.suffix == ".ogg"


async def test_a_failed_download_keeps_the_file_id(world: World, tmp_path: Path) -> None:
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        tg.api.files["ph-1"] = JPEG
        tg.api.fail_downloads = 1
        await tg.send(file_update(CUSTOMER, "photo", "ph-1", caption="水壶漏水，想换新"))
        await finish_filing(tg)

    (photo,) = await world.all(Attachment)
    assert (photo.file_ref, photo.stored_path) == ("ph-1", None)


def media(kind: str, channel: str, ref: str = "", path: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "channel": channel, "ref": ref, "path": path, "name": None}


async def test_a_staff_photo_goes_by_file_id_or_uploaded_from_the_store(
    world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    wechat_photo = store.save(b"\x89PNG from wechat", "photo", "wx.png")
    async with running(world, "webhook", files=store) as tg:
        tg.api.files["staff-ph"] = JPEG
        await queue(
            world.db,
            world.clock.now(),
            ["1001", "1001"],
            "telegram",
            [
                {"text": "已寄出新水壶", "media": [media("photo", "telegram", "staff-ph")]},
                {"text": "维修单", "media": [media("photo", "wechat", "wx-1", wechat_photo.path)]},
            ],
        )
        await tg.drain()
        by_id, uploaded = tg.api.sent("sendPhoto", 1001)
        assert (by_id["photo"], by_id["caption"]) == ("staff-ph", "已寄出新水壶")
        assert uploaded["photo"]["content"] == b"\x89PNG from wechat"
        assert uploaded["caption"] == "维修单"
        assert tg.api.texts_to(1001) == []  # the texts went as captions


async def test_a_caption_over_1024_characters_goes_as_file_then_text(
    world: World, tmp_path: Path
) -> None:
    long_text = "已为您安排上门更换。" * 120  # 1,200 characters
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        tg.api.files["staff-doc"] = PDF
        payload = {"text": long_text, "media": [media("document", "telegram", "staff-doc")]}
        await queue(world.db, world.clock.now(), ["1001"], "telegram", [payload])
        await tg.drain()
        assert tg.api.files_to(1001, "sendDocument") == [(None, PDF)]
        assert tg.api.texts_to(1001) == [long_text]
        methods = [c.method for c in tg.api.calls if c.method.startswith("send")]
        assert methods == ["sendDocument", "sendMessage"]  # the file first


async def test_a_file_neither_known_nor_stored_leaves_a_line_and_the_text(
    world: World, tmp_path: Path
) -> None:
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        gone = media("photo", "wechat", "wx-9", "attachments/ab/" + "0" * 64 + ".jpg")
        payload = {"text": "请看照片", "media": [gone | {"name": "坏点.jpg"}]}
        await queue(world.db, world.clock.now(), ["1001"], "telegram", [payload])
        await tg.drain()
        (text,) = tg.api.texts_to(1001)
        assert "请看照片" in text and "坏点.jpg" in text and "无法" in text
        assert tg.api.sent("sendPhoto") == []


async def test_a_file_id_telegram_no_longer_knows_is_uploaded_from_the_store(
    world: World, tmp_path: Path
) -> None:
    store = FileStore(tmp_path / "files")
    kept = store.save(JPEG, "photo")
    async with running(world, "webhook", files=store) as tg:
        payload = {"text": "照片", "media": [media("photo", "telegram", "old-token-id", kept.path)]}
        await queue(world.db, world.clock.now(), ["1001"], "telegram", [payload])
        await tg.drain()
        assert tg.api.files_to(1001, "sendPhoto") == [("照片", JPEG)]


async def test_a_file_id_telegram_refuses_with_no_stored_copy_still_sends_the_text(
    world: World, tmp_path: Path
) -> None:
    async with running(world, "webhook", files=FileStore(tmp_path / "files")) as tg:
        payload = {"text": "新水壶的照片", "media": [media("photo", "telegram", "expired-id")]}
        await queue(world.db, world.clock.now(), ["1001"], "telegram", [payload])
        await tg.drain()
        (text,) = tg.api.texts_to(1001)
        assert "新水壶的照片" in text and "无法附上" in text
