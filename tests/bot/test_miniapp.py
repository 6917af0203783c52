"""The Mini App's API, server side (issue 16): who may read and act, through which proof,
with contacts masked and every action going through the chat's use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.miniapp.auth import signin_token
from bot.miniapp.routes import routes
from conversations.base.values import CaseStatus
from storage.models import Case, CaseEvent, OutboxMessage
from storage.uow import unit_of_work
from tests.fakes.miniapp import (
    CUSTOMER,
    MANAGER,
    OTHER,
    OTHER_BOT_TOKEN,
    PHOTO,
    STAFF,
    MiniDesk,
    init_data,
    mini_desk,
)
from tests.fakes.world import World


@pytest.fixture
async def desk(world: World) -> MiniDesk:
    return await mini_desk(world)


@pytest.fixture
async def client(desk: MiniDesk) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    server = web.Application()
    server.add_routes(routes(desk.mini))
    async with TestClient(TestServer(server, host="127.0.0.1")) as client:
        yield client


def signed(desk: MiniDesk, user: int, **options: object) -> dict[str, str]:
    return {"Authorization": "tma " + init_data(user, desk.world.clock.now(), **options)}  # type: ignore[arg-type]


async def events(desk: MiniDesk, kind: str) -> list[CaseEvent]:
    return [e for e in await desk.world.all(CaseEvent) if e.kind == kind]


async def the_case(desk: MiniDesk) -> Case:
    return await desk.world.only(Case)


async def test_staff_open_the_case_with_signed_init_data_contact_masked_and_view_recorded(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    response = await client.get(f"/app/api/case/{desk.number}", headers=signed(desk, STAFF))
    page = await response.text()
    assert response.status == 200
    assert desk.number in page
    assert "138****5678" in page and "13812345678" not in page
    assert f"/app/api/file/{desk.photo_id}" in page
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert len(await events(desk, "viewed")) == 1


@pytest.mark.parametrize(
    "proof",
    ["forged", "expired", "other bot", "none"],
)
async def test_forged_expired_other_bots_or_missing_init_data_is_refused(
    desk: MiniDesk, client: TestClient[web.Request, web.Application], proof: str
) -> None:
    now = desk.world.clock.now()
    data = {
        "forged": init_data(STAFF, now).replace("user=", "user=%7B%22id%22%3A1003%7D&x="),
        "expired": init_data(STAFF, now - timedelta(hours=2)),
        "other bot": init_data(STAFF, now, token=OTHER_BOT_TOKEN),
        "none": "",
    }[proof]
    headers = {"Authorization": f"tma {data}"} if data else {}
    response = await client.get(f"/app/api/case/{desk.number}", headers=headers)
    assert response.status == 401
    assert desk.number not in await response.text()
    assert await events(desk, "viewed") == []


@pytest.mark.parametrize("user", [OTHER, CUSTOMER])
async def test_another_department_and_a_customer_see_nothing(
    desk: MiniDesk, client: TestClient[web.Request, web.Application], user: int
) -> None:
    page = await client.get(f"/app/api/case/{desk.number}", headers=signed(desk, user))
    photo = await client.get(f"/app/api/file/{desk.photo_id}", headers=signed(desk, user))
    assert (page.status, photo.status) == (403, 403)
    assert "138" not in await page.text()
    assert desk.files.fetched == []
    assert await events(desk, "viewed") == []


async def test_the_photo_comes_through_our_server_for_those_who_may_open_the_case(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    response = await client.get(f"/app/api/file/{desk.photo_id}", headers=signed(desk, STAFF))
    assert response.status == 200
    assert await response.read() == PHOTO
    assert desk.files.fetched == ["photo-file-id"]


async def test_take_and_note_go_through_the_use_cases_and_a_second_take_is_refused(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    url = f"/app/api/case/{desk.number}"
    taken = await client.post(f"{url}/take", headers=signed(desk, STAFF))
    assert taken.status == 200
    noted = await client.post(
        f"{url}/note", headers=signed(desk, STAFF), data={"text": "Called the warehouse."}
    )
    assert noted.status == 200
    case = await the_case(desk)
    assert case.status is CaseStatus.ACKNOWLEDGED
    cards = [m for m in await desk.world.all(OutboxMessage) if m.purpose == "card"]
    assert len(cards) == 2  # filed, then edited to show who took it
    assert "李雷" in str(cards[-1].payload["text"])
    assert desk.woken == ["wake", "wake"]
    page = await (await client.get(url, headers=signed(desk, STAFF))).text()
    assert "Called the warehouse." in page
    again = await client.post(f"{url}/take", headers=signed(desk, MANAGER))
    assert again.status == 409
    assert "李雷" in (await again.json())["message"]


async def test_an_empty_note_is_refused_in_the_readers_words(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    response = await client.post(
        f"/app/api/case/{desk.number}/note", headers=signed(desk, STAFF), data={"text": " "}
    )
    assert response.status == 409
    assert (await response.json())["message"] == "Please send some text."
    assert await events(desk, "note") == []


async def test_the_manager_sees_the_dashboard_and_approves_a_waiting_solution(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    await client.post(f"/app/api/case/{desk.number}/take", headers=signed(desk, STAFF))
    async with unit_of_work(desk.world.db) as uow:
        case = await uow.session.scalar(select(Case))
        assert case is not None
        case.severity, case.status = "important", CaseStatus.INVESTIGATING
    url = f"/app/api/case/{desk.number}"
    proposed = await client.post(
        f"{url}/propose", headers=signed(desk, STAFF), data={"text": "A new kettle."}
    )
    assert proposed.status == 200
    staff_view = await client.get("/app/api/dashboard", headers=signed(desk, STAFF))
    assert staff_view.status == 403
    board = await client.get("/app/api/dashboard", headers=signed(desk, MANAGER))
    assert board.status == 200
    assert f'id="approve-{desk.number}"' in await board.text()
    assert (await client.post(f"{url}/approve", headers=signed(desk, STAFF))).status == 403
    assert (await client.post(f"{url}/approve", headers=signed(desk, MANAGER))).status == 200
    assert (await the_case(desk)).status is CaseStatus.APPROVED
    board = await client.get("/app/api/dashboard", headers=signed(desk, MANAGER))
    assert f'id="approve-{desk.number}"' not in await board.text()


async def test_only_a_manager_reveals_the_contact_and_the_reveal_is_recorded(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    url = f"/app/api/case/{desk.number}/reveal"
    refused = await client.post(url, headers=signed(desk, STAFF))
    assert refused.status == 403
    shown = await client.post(url, headers=signed(desk, MANAGER))
    assert "13812345678" in await shown.text()
    assert len(await events(desk, "identity_revealed")) == 1


async def test_a_sign_in_link_works_once_and_its_session_posts_need_the_csrf_token(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    sent = await client.post("/app/api/signin-link", headers=signed(desk, STAFF))
    assert sent.status == 200
    (text,) = [
        m.payload["text"] for m in await desk.world.all(OutboxMessage) if m.chat_id == str(STAFF)
    ]
    path = str(text).split("https://desk.example.com", 1)[1]
    first = await client.get(path, allow_redirects=False)
    assert first.status == 303
    cookie = first.cookies["cd_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    second = await client.get(path, allow_redirects=False)
    assert second.status == 403
    assert cookie["secure"]  # the configured url is https
    session = {"Cookie": f"cd_session={cookie.value}"}  # the test client speaks plain http
    page = await client.get(f"/app/api/case/{desk.number}", headers=session)
    assert page.status == 200
    csrf = (await page.text()).split('data-csrf="', 1)[1].split('"', 1)[0]
    url = f"/app/api/case/{desk.number}/take"
    assert (await client.post(url, headers=session)).status == 403
    assert (await client.post(url, headers=session | {"X-CSRF-Token": "wrong"})).status == 403
    assert (await client.post(url, headers=session | {"X-CSRF-Token": csrf})).status == 200


async def test_a_link_for_one_person_cannot_be_altered_to_another(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    token = signin_token(desk.mini.signer, 1, desk.world.clock.now() + timedelta(minutes=5))
    forged = token.replace("link-1-", "link-3-", 1)
    response = await client.get(f"/app/signin/{forged}", allow_redirects=False)
    assert response.status == 403
    assert "cd_session" not in response.cookies


async def test_the_page_offers_a_sign_in_link_inside_telegram_only(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    page = await client.get(f"/app/api/case/{desk.number}", headers=signed(desk, STAFF))
    assert 'id="do-signin"' in await page.text()
    unsigned = await client.post("/app/api/signin-link")
    assert unsigned.status == 401
    assert [m for m in await desk.world.all(OutboxMessage) if m.chat_id == str(STAFF)] == []


async def test_the_shell_pages_hold_no_data_and_no_inline_script(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    for path in (f"/app/case/{desk.number}", "/app/dashboard", "/app/start"):
        response = await client.get(path)
        html = await response.text()
        assert response.status == 200
        assert (
            "script-src 'self' https://telegram.org;" in response.headers["Content-Security-Policy"]
        )
        assert html.count("<script") == html.count("<script src=") == 2
        assert "138" not in html and "kettle" not in html
    script = await client.get("/app/static/app.js")
    assert script.status == 200


async def test_the_dashboard_shows_each_grade_in_the_readers_language_most_serious_first(
    desk: MiniDesk, client: TestClient[web.Request, web.Application]
) -> None:
    world = desk.world
    serious = await world.file(await world.customer("陳先生", "13900001111"))
    async with unit_of_work(world.db) as uow:
        stored = await uow.session.get(Case, serious.id)
        assert stored is not None
        stored.severity = "major"
    board = await client.get(
        "/app/api/dashboard", headers=signed(desk, MANAGER, language="zh-hant")
    )
    page = await board.text()
    section = page.split("<h2>按等級</h2>")[1].split("<h2>")[0]
    rows = [row.split("</th>")[0] for row in section.split("<tr><th>")[2:]]
    assert rows == ["重大", "一般"]
    assert section.count("<td>1</td><td>1</td>") == 2  # each: received 1, open 1
