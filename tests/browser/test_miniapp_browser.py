"""The Mini App in a real headless Chromium (issue 16): staff open a case from signed
initData, see the timeline and the photo, take it and add a note; a manager opens the
dashboard and approves; forged initData, another department and a customer are refused.
Screenshots of both pages in Telegram's light and dark themes are written on the way.

Chromium and chromedriver are Debian's packages (.ci/run installs them); without them
these tests skip, saying so. Selenium calls block, so they run in a thread while the
server answers on this test's event loop."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from aiohttp import web

from bot.miniapp.routes import routes
from conversations.base.values import CaseStatus
from storage.models import Case, OutboxMessage
from storage.uow import unit_of_work
from tests.fakes.miniapp import CUSTOMER, MANAGER, OTHER, STAFF, MiniDesk, init_data, mini_desk
from tests.fakes.servers import serve_locally
from tests.fakes.world import World

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
        "chromium-driver; .ci/run installs them)",
    ),
    pytest.mark.parametrize("db", ["sqlite"], indirect=True),  # the browser, not the SQL
]
LIGHT = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f1f1f1",
}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}
T = TypeVar("T")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=420,900",
        # telegram-web-app.js is not fetched: the page must work from the URL fragment
        # alone, and no request leaves this machine.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER or ""), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: COMPLAINTDESK_SCREENSHOTS if set, else the test's tmp dir."""
    folder = Path(os.environ.get("COMPLAINTDESK_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def served(world: World) -> AsyncIterator[tuple[MiniDesk, str]]:
    desk = await mini_desk(world)
    server = web.Application()
    server.add_routes(routes(desk.mini))
    runner, url = await serve_locally(server)
    try:
        yield desk, url
    finally:
        await runner.cleanup()


async def run(call: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(call, *args)


async def until(browser: Any, script: str, seconds: float = 10) -> Any:
    """Poll a JavaScript expression until it is truthy."""
    async with asyncio.timeout(seconds):
        # the browser has no event to await: poll it
        while not (value := await run(browser.execute_script, f"return {script}")):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return value


def fragment(desk: MiniDesk, user: int, theme: dict[str, str], data: str | None = None) -> str:
    signed = data if data is not None else init_data(user, desk.world.clock.now())
    return f"#tgWebAppData={quote(signed)}&tgWebAppThemeParams={quote(json.dumps(theme))}"


async def open_page(browser: Any, url: str) -> None:
    await run(browser.get, "about:blank")
    await run(browser.get, url)


async def submit(browser: Any, action: str, text: str | None = None) -> None:
    if text is not None:
        await run(
            browser.execute_script,
            "document.getElementById(arguments[0]).value = arguments[1]",
            f"text-{action}",
            text,
        )
    await run(browser.execute_script, f"document.getElementById('do-{action}').click()")


async def test_staff_take_the_case_and_add_a_note_from_the_page(
    browser: Any, served: tuple[MiniDesk, str], shots: Path
) -> None:
    desk, url = served
    page = f"{url}/app/case/{desk.number}"
    await open_page(browser, page + fragment(desk, STAFF, LIGHT))
    await until(browser, "document.body.dataset.ready === 'yes'")
    await until(browser, "document.querySelector('img.photo')?.dataset.loaded === 'yes'")
    await submit(browser, "take")
    await until(browser, "document.getElementById('handler').textContent.includes('李雷')")
    await submit(browser, "note", "Asked the warehouse for the batch number.")
    await until(browser, "document.getElementById('timeline').textContent.includes('batch')")
    cards = [m for m in await desk.world.all(OutboxMessage) if m.purpose == "card"]
    assert "李雷" in str(cards[-1].payload["text"])  # the group card is edited
    await run(browser.save_screenshot, str(shots / "case-light.png"))
    await open_page(browser, page + fragment(desk, STAFF, DARK))
    await until(browser, "document.body.dataset.ready === 'yes'")
    assert (
        await run(browser.execute_script, "return document.documentElement.dataset.theme") == "dark"
    )
    await run(browser.save_screenshot, str(shots / "case-dark.png"))


async def test_a_manager_approves_from_the_dashboard(
    browser: Any, served: tuple[MiniDesk, str], shots: Path
) -> None:
    desk, url = served
    async with unit_of_work(desk.world.db) as uow:
        case = await uow.session.get(Case, 1)
        assert case is not None
        case.severity, case.status, case.solution = (
            "important",
            CaseStatus.SOLUTION_PROPOSED,
            "A new kettle, delivered tomorrow.",
        )
    board = f"{url}/app/dashboard"
    await open_page(browser, board + fragment(desk, MANAGER, DARK))
    await until(browser, "document.body.dataset.ready === 'yes'")
    await until(browser, "document.querySelector('img.chart')?.dataset.loaded === 'yes'", 30)
    await run(browser.save_screenshot, str(shots / "dashboard-dark.png"))
    await open_page(browser, board + fragment(desk, MANAGER, LIGHT))
    await until(browser, "document.querySelector('img.chart')?.dataset.loaded === 'yes'", 30)
    await run(browser.save_screenshot, str(shots / "dashboard-light.png"))
    await run(browser.execute_script, f"document.getElementById('approve-{desk.number}').click()")
    await until(browser, f"!document.getElementById('approve-{desk.number}')")
    assert (await desk.world.only(Case)).status is CaseStatus.APPROVED


async def test_forged_init_data_another_department_and_a_customer_are_refused(
    browser: Any, served: tuple[MiniDesk, str]
) -> None:
    desk, url = served
    page = f"{url}/app/case/{desk.number}"
    forged = init_data(STAFF, desk.world.clock.now()).replace("hash=", "hash=00")
    await open_page(browser, page + fragment(desk, STAFF, LIGHT, forged))
    await until(browser, "!document.getElementById('signed-out').hidden")
    for user in (OTHER, CUSTOMER):
        await open_page(browser, page + fragment(desk, user, LIGHT))
        await until(browser, "!document.getElementById('message').hidden")
        shown = await run(browser.execute_script, "return document.body.textContent")
        assert "138" not in shown and "kettle" not in shown
