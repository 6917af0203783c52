"""The Mini App's case page lists a case's files, and its file route serves the file
store's copy only to staff who may open the case (issue 13; both backends)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.files import FileStore
from bot.miniapp.routes import routes
from storage.models import Attachment
from storage.uow import unit_of_work
from tests.fakes.miniapp import (
    CUSTOMER,
    MANAGER,
    OTHER,
    PHOTO,
    STAFF,
    MiniDesk,
    init_data,
    mini_desk,
)
from tests.fakes.world import World

PDF = b"%PDF-1.4 invoice"


@pytest.fixture
async def desk(world: World, tmp_path: Path) -> MiniDesk:
    desk = await mini_desk(world)
    store = FileStore(tmp_path)
    desk.mini = dataclasses.replace(desk.mini, store=store)
    return desk


@pytest.fixture
async def client(desk: MiniDesk) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    server = web.Application()
    server.add_routes(routes(desk.mini))
    async with TestClient(TestServer(server, host="127.0.0.1")) as client:
        yield client


def signed(desk: MiniDesk, user: int, language: str = "en") -> dict[str, str]:
    return {"Authorization": "tma " + init_data(user, desk.world.clock.now(), language=language)}


async def attach(desk: MiniDesk, **fields: object) -> int:
    """One more file on the desk's case; its id."""
    async with unit_of_work(desk.world.db) as uow:
        first = await uow.session.get(Attachment, desk.photo_id)
        assert first is not None
        row = Attachment(
            case_id=first.case_id,
            created_at=desk.world.clock.now(),
            **fields,  # type: ignore[arg-type]
        )
        uow.session.add(row)
        await uow.session.flush()
        return row.id


async def kept_photo(desk: MiniDesk) -> int:
    assert desk.mini.store is not None
    stored = await desk.mini.store.keep(PHOTO, "photo", "leak.png")
    return await attach(
        desk,
        channel="wechat",
        file_ref="media-42",
        media_kind="photo",
        stored_path=stored.path,
        size_bytes=stored.size,
        file_name="leak.png",
    )


async def staff_document(desk: MiniDesk) -> int:
    assert desk.mini.store is not None
    stored = await desk.mini.store.keep(PDF, "document", "invoice.pdf")
    handler = await desk.world.staff("韩梅梅", "service")
    return await attach(
        desk,
        channel="telegram",
        file_ref="BQAC-doc",
        media_kind="document",
        stored_path=stored.path,
        size_bytes=3 * 1024 * 1024 + 200_000,
        file_name="invoice.pdf",
        staff_id=handler.id,
    )


async def test_the_case_page_lists_each_file_its_kind_name_size_and_sender(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    photo = await kept_photo(desk)
    document = await staff_document(desk)
    response = await client.get(f"/app/api/case/{desk.number}", headers=signed(desk, STAFF))
    page = await response.text()
    assert response.status == 200
    assert f'<li data-file="{photo}"><strong>Photo</strong> · leak.png' in page
    assert "sent by the customer" in page
    assert (
        f'<li data-file="{document}"><strong>Document</strong> · invoice.pdf · 3.2 MB · '
        "sent by 韩梅梅</li>"
    ) in page
    assert f'data-src="/app/api/file/{photo}"' in page  # photos inline, through the route
    assert f'data-src="/app/api/file/{document}"' not in page  # a document is listed only
    chinese = await client.get(
        f"/app/api/case/{desk.number}", headers=signed(desk, STAFF, language="zh-hans")
    )
    assert "<strong>照片</strong>" in await chinese.text() and "由客户发送" in await chinese.text()


@pytest.mark.parametrize("user", [STAFF, MANAGER])
async def test_the_stored_photo_is_served_to_staff_who_may_open_the_case(
    desk: MiniDesk, client: TestClient[web.Request, web.Application], user: int
) -> None:
    photo = await kept_photo(desk)
    response = await client.get(f"/app/api/file/{photo}", headers=signed(desk, user))
    assert response.status == 200
    assert await response.read() == PHOTO
    assert response.content_type == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    assert desk.files.fetched == []  # the store's copy, not the platform's


async def test_a_document_is_served_as_a_download_not_shown(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    document = await staff_document(desk)
    response = await client.get(f"/app/api/file/{document}", headers=signed(desk, STAFF))
    assert response.status == 200 and await response.read() == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="invoice.pdf"'


@pytest.mark.parametrize("user", [OTHER, CUSTOMER])
async def test_another_department_and_the_customer_get_no_file(
    desk: MiniDesk, client: TestClient[web.Request, web.Application], user: int
) -> None:
    photo = await kept_photo(desk)
    response = await client.get(f"/app/api/file/{photo}", headers=signed(desk, user))
    assert response.status == 403
    assert PHOTO not in await response.read()
    unsigned = await client.get(f"/app/api/file/{photo}")
    assert unsigned.status == 401


async def test_forged_ids_and_paths_are_refused(
    desk: MiniDesk, client: TestClient[web.Request, web.Application], tmp_path: Path
) -> None:
    secret = tmp_path.parent / "secret.txt"
    secret.write_text("not for the page")
    forged = await attach(
        desk,
        channel="wechat",
        file_ref="x",
        media_kind="photo",
        stored_path="../secret.txt",  # a row altered to point outside the store
    )
    headers = signed(desk, STAFF)
    for path in (
        f"/app/api/file/{forged}",
        "/app/api/file/999999",
        "/app/api/file/..%2F..%2Fsecret.txt",
        "/app/api/file/-1",
        f"/app/api/file/{forged}%2F..%2F..%2Fsecret.txt",
    ):
        response = await client.get(path, headers=headers)
        assert response.status == 404, path
        assert "not for the page" not in await response.text()
