"""The log sweep (issue 15): a whole customer story and its handling on Telegram (the real
aiogram client, polling and webhook), logged as JSON at DEBUG, holds on no line the
customer's name, phone (however spelt), e-mail, nor the bot token or webhook secret; and
a failed SQL statement's error never shows its bound values (hide_parameters)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import logs
from bot.app import configure_logging
from conversations.base.numbers import digit
from handlers import dispatch as dispatch_module
from handlers.identify import identify
from storage.engine import open_database
from storage.models import Case
from tests.bot import wechat_harness
from tests.bot.telegram_harness import GROUPS, SECRET, running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.wechat_api import DOC_AES_KEY, DOC_TOKEN, WECOM_TOKEN
from tests.fakes.world import World

NAME, PHONE, EMAIL = "赵敏", "13812345678", "zhao.min@qq.com"
TOKEN = "123:TEST"  # the harness's bot token
# The WeChat harness's secrets: AES key, callback tokens, app and corp secrets, robot keys.
WECHAT_SECRETS = (DOC_AES_KEY, DOC_TOKEN, WECOM_TOKEN, "app-secret", "corp-secret")
ROBOT_KEYS = tuple(wechat_harness.ROBOTS.values())
CUSTOMER = user(1001, NAME)
LI, HAN = user(2001, "李雷"), user(2002, "韩梅梅")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Every record of the run as the desk's JSON handler writes it, at DEBUG."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logs.install(logging.DEBUG, handler)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def personal(line: str, secrets: tuple[str, ...] = (TOKEN, SECRET)) -> list[str]:
    digits = "".join(digit(c) or "" for c in line)
    found = [word for word in (NAME, "zhao.min", *secrets) if word in line]
    return found + ([PHONE] if PHONE in digits else [])


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_whole_story_logs_nothing_personal_or_secret(
    world: World, mode: str, json_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(world, mode) as tg:
        story = f"我是{NAME}，水壶漏水。电话 138-1234-5678，邮箱 {EMAIL}"
        await tg.send(message_update(CUSTOMER, story))
        for button in ("category:product_quality", "skip:details", "wanted:replacement"):
            await tg.send(button_update(CUSTOMER, 1001, button))
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        number = (await world.only(Case)).number
        await tg.send(button_update(LI, GROUPS["product"], f"take:{number}", 1))
        await tg.send(button_update(CUSTOMER, 1001, f"add:{number}"))
        added = f"补充：{NAME}，一三八一二三四五六七八，{EMAIL}"
        await tg.send(message_update(CUSTOMER, added, photo="ph-1"))
        await tg.send(message_update(LI, f"/valid {number} 密封圈缺陷 | 来料不良"))
        await tg.send(message_update(LI, f"/propose {number} 送优惠券"))
        await tg.send(button_update(CUSTOMER, 1001, f"refuse:{number}"))
        await tg.send(message_update(CUSTOMER, f"不行，{NAME}要换新，打{PHONE}"))
        await tg.send(message_update(LI, f"/propose {number} 上门换新"))
        await tg.send(button_update(CUSTOMER, 1001, f"accept:{number}"))
        await tg.send(message_update(LI, f"/resolve {number} 已换新"))
        await tg.send(message_update(HAN, f"/review {number}"))
        await tg.send(button_update(CUSTOMER, 1001, f"solved:{number}:yes"))
        await tg.send(button_update(CUSTOMER, 1001, "score:4"))
        await tg.send(message_update(CUSTOMER, f"{NAME}满意，{PHONE}"))
        await tg.send(message_update(LI, f"/case {number}"))  # the full view, to staff only
        assert PHONE in tg.api.texts_to(2001)[-1]  # the story reached the desk in full

        async def failing(*args: object, **kwargs: object) -> object:
            monkeypatch.setattr(dispatch_module, "identify", identify)
            raise RuntimeError(f"cannot read 一三八 1234 5678 or {EMAIL}")  # a library's words

        monkeypatch.setattr(dispatch_module, "identify", failing)
        await tg.send(message_update(CUSTOMER, "还有一件事"))  # answered with an apology
    lines = json_lines.getvalue().splitlines()
    assert any(json.loads(line)["event"] == "dispatch_failed" for line in lines)
    assert len(lines) >= 20 and all(json.loads(line)["event"] for line in lines)
    assert {json.loads(line)["logger"] for line in lines} >= {"aiogram.event"}
    assert [(line[:200], personal(line)) for line in lines if personal(line)] == []


async def test_a_whole_story_on_wechat_and_wecom_logs_nothing_personal_or_secret(
    world: World, json_lines: io.StringIO
) -> None:
    openid = "oCustomer-log-sweep"
    async with wechat_harness.running(world) as wx:
        await wx.customer_says(openid, f"我是{NAME}，电水壶漏水，电话 138 1234 5678，{EMAIL}")
        for answer in ("1", "跳过", "2", NAME, "1"):  # category, details, wanted, name, submit
            await wx.customer_says(openid, answer)
        number = (await world.only(Case)).number
        await wx.staff_says("lilei", f"/take {number}")
        await wx.staff_says("lilei", f"/valid {number} 密封圈缺陷 | 来料不良")
        await wx.staff_says("lilei", f"/propose {number} 送您一张优惠券")
        await wx.customer_says(openid, "2")  # refuse
        await wx.customer_says(openid, f"{NAME}要换新的，电话{PHONE}")
        await wx.staff_says("lilei", f"/case {number}")
        assert PHONE in wx.api.texts_to("lilei")[-1]  # the story reached the desk in full
    lines = json_lines.getvalue().splitlines()
    assert lines and all(json.loads(line)["event"] for line in lines)
    assert {json.loads(line)["logger"] for line in lines} >= {"aiohttp.access"}
    secrets = (*WECHAT_SECRETS, *ROBOT_KEYS)
    leaked = [(line[:200], personal(line, secrets)) for line in lines if personal(line, secrets)]
    assert leaked == []


async def test_a_failed_statement_does_not_show_its_bound_values(tmp_path: object) -> None:
    database = open_database(f"sqlite+aiosqlite:///{tmp_path}/hidden.db")
    try:
        async with database.engine.connect() as connection:
            with pytest.raises(DBAPIError) as failed:
                await connection.execute(
                    text("SELECT * FROM no_such_table WHERE phone = :phone AND name = :name"),
                    {"phone": PHONE, "name": NAME},
                )
    finally:
        await database.dispose()
    assert "no_such_table" in str(failed.value)
    assert PHONE not in str(failed.value) and NAME not in str(failed.value)


def test_log_lines_mask_the_phone_regions_of_the_config() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        root.handlers.clear()  # as in a real process: only the desk's handler
        configure_logging("INFO", ("US",))
        (handler,) = root.handlers
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "call (415) 555-2671", (), None)
        assert "555-2671" not in handler.format(record)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert logs.mask("call (415) 555-2671") == "call (415) 555-2671"  # not a default region
