"""The daily digest: sent once a day at the configured hour, with the right numbers for a
hand-built day and a real PNG chart (both backends); chart words in the reader's language
when a font can draw them."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib import pyplot
from sqlalchemy import select

from conversations.base.i18n import translation
from conversations.base.policy import Language
from handlers.digest_job import send_due_digests
from handlers.take import take
from notifications import charts
from notifications.charts import chart_words
from storage.models import OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


async def digests(world: World) -> list[OutboxMessage]:
    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        rows = await uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.purpose == "digest")
        )
        return list(rows)

    return await world.read(query)


async def send(world: World) -> int:
    async with unit_of_work(world.db) as uow:
        return await send_due_digests(uow, world.desk)


async def hand_built_day(world: World) -> list[str]:
    """Tuesday 24 November: three complaints; only C is taken before its 14:00 deadline."""
    world.clock.set(local("2026-11-24 10:00"))
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    numbers = [(await world.file(buyer, order_ref=f"O-{i}")).number for i in range(3)]
    await world.act(take, handler, numbers[2])
    return numbers


async def test_digest_numbers_for_a_hand_built_day_and_a_real_chart(world: World) -> None:
    a, b, c = await hand_built_day(world)
    world.clock.set(local("2026-11-25 08:29"))
    assert await send(world) == 0  # not yet the hour
    world.clock.set(local("2026-11-25 08:30"))
    assert await send(world) == 1  # the managers' chat (console) is the one recipient
    (message,) = await digests(world)
    lines = str(message.payload["text"]).splitlines()
    assert message.chat_id == "management"
    assert lines[0] == "每日简报 2026-11-25"
    # Yesterday: 3 received, none closed, 3 open, A and B missed 14:00; C was on time.
    assert lines[1] == "昨日：受理 3，结案 0，未结 3，逾期 2"
    assert lines[2] == "  及时率 33% · 满意率 - · 解决率 - · 重复率 0%"
    assert lines[3] == "本月累计：受理 3，结案 0，未结 3，逾期 2"
    start = lines.index("逾期案件（最早的在前）：")
    listed = lines[start + 1 : start + 3]
    assert [line.split(" · ")[0].strip() for line in listed] == [a, b]  # oldest first
    assert not any(c in line for line in lines[start + 1 : start + 4])
    assert "  产品质量: 3" in lines
    assert any(line.startswith("  1. 技术/产品部：及时率 33%") for line in lines)
    png = base64.b64decode(str(message.payload["image"]))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000


async def test_one_digest_per_recipient_per_day_even_after_a_restart(world: World) -> None:
    await hand_built_day(world)
    world.clock.set(local("2026-11-25 09:00"))
    assert await send(world) == 1
    assert await send(world) == 0  # again the same day: nothing
    world.clock.set(local("2026-11-25 23:59"))
    assert await send(world) == 0
    world.clock.set(local("2026-11-26 08:30"))
    assert await send(world) == 1  # a new day
    assert len(await digests(world)) == 2


def test_chart_words_are_the_readers_only_when_a_font_can_draw_them() -> None:
    chinese = translation(Language.ZH_HANS)
    drawn = chart_words(chinese, "WenQuanYi Micro Hei")
    assert drawn["overdue"] == "逾期未结" and drawn["title"].startswith("案件趋势")
    boxes_avoided = chart_words(chinese, None)
    assert boxes_avoided["overdue"] == "overdue (open)" and boxes_avoided["cases"] == "cases"


def test_the_chart_renders_with_or_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(3)]
    for font in (None, "DejaVu Sans"):  # a font without Chinese still renders, in English
        monkeypatch.setattr(charts, "cjk_font", lambda font=font: font)
        png = charts.trend_png(days, [1, 2, 3], [0, 1, 2], [0, 0, 1], translation(Language.EN))
        assert png.startswith(b"\x89PNG")


def test_an_empty_period_says_no_cases_instead_of_a_fractional_axis() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(7)]
    words = chart_words(translation(Language.EN), None)
    empty = charts.trend_figure(days, [0] * 7, [0] * 7, [0] * 7, words)
    busy = charts.trend_figure(days, [0, 2, 0, 0, 1, 0, 0], [0] * 7, [0] * 7, words)
    try:
        (axes,) = empty.axes
        assert [text.get_text() for text in axes.texts] == ["no cases in this period"]
        assert list(axes.get_yticks()) == []
        (busy_axes,) = busy.axes
        assert len(busy_axes.texts) == 0 and list(busy_axes.get_yticks())[:3] == [0, 1, 2]
    finally:
        pyplot.close(empty)
        pyplot.close(busy)


async def test_a_desk_down_across_the_digest_hour_sends_it_once_when_back(world: World) -> None:
    await hand_built_day(world)
    world.clock.set(local("2026-11-25 07:00"))
    assert await send(world) == 0  # stopped before the hour
    world.clock.set(local("2026-11-25 15:10"))  # started again in the afternoon
    assert await send(world) == 1
    world.clock.set(local("2026-11-25 15:11"))  # the next sweep
    assert await send(world) == 0
    assert len(await digests(world)) == 1


async def test_a_desk_down_three_days_sends_only_todays_digest(world: World) -> None:
    await hand_built_day(world)
    world.clock.set(local("2026-11-25 09:00"))
    assert await send(world) == 1
    world.clock.set(local("2026-11-28 11:00"))  # down 26th, 27th and the 28th's hour
    assert await send(world) == 1
    assert await send(world) == 0
    days = [str(m.payload["text"]).splitlines()[0] for m in await digests(world)]
    assert sorted(days) == ["每日简报 2026-11-25", "每日简报 2026-11-28"]
