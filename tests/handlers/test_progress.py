"""Serious open cases report progress to customer service once per working day (POLICY §5),
with what happened since the last report; a silent case nudges its handler (both backends)."""

from __future__ import annotations

import asyncio

from handlers.progress import report_progress
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol


async def reports(world: World) -> list[str]:
    return [text for text in await world.queued_texts("service") if text.startswith("案件进展")]


async def test_a_serious_case_reports_each_working_day_what_happened(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)  # Tuesday 10:00
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    boss = await enrol(world, "张总", "management", "manager")
    manager = Chat(world, boss, sender=customer.sender)
    await manager.send(f"/regrade {number} important 多位客户反映同一批次")
    await handler.press(f"take:{number}")
    await handler.send(f"/note {number} 已联系厂家，电话13812345678，明天回复")
    general = await file_complaint(world, Chat(world, "u2", name="李四"))  # stays general

    world.clock.advance(hours=23)  # Wednesday 09:00: not yet a working day
    assert await world.act(report_progress) == 0
    world.clock.advance(hours=1)
    assert await world.act(report_progress) == 1
    assert await world.act(report_progress) == 0  # once per interval
    [report] = await reports(world)
    assert number in report and general not in report
    assert "重要" in report and "李雷" in report
    assert "已接单 (李雷)" in report
    assert "备注 (李雷): 已联系厂家，电话138****5678，明天回复" in report  # masked for the group
    assert "等级已调整 (张总)" in report

    world.clock.advance(days=1)  # Thursday 10:00, nothing new
    assert await world.act(report_progress) == 1
    assert "上次通报以来没有新的记录" in (await reports(world))[-1]
    assert any("没有记录进展" in text for text in await world.queued_texts("staff:李雷"))

    world.clock.advance(days=1)  # Friday 10:00: a note keeps the handler from being nudged
    await handler.send(f"/note {number} 厂家已寄出新配件")
    told = len(await world.queued_texts("staff:李雷"))
    assert await world.act(report_progress) == 1
    assert "厂家已寄出新配件" in (await reports(world))[-1]
    assert len(await world.queued_texts("staff:李雷")) == told
    world.clock.advance(days=2, hours=23, minutes=59)  # the weekend is no working time
    assert await world.act(report_progress) == 0
    world.clock.advance(minutes=1)  # Monday 10:00
    assert await world.act(report_progress) == 1


async def test_a_case_waiting_for_the_customer_says_so_and_nudges_no_one(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    boss = await enrol(world, "张总", "management", "manager")
    await Chat(world, boss, sender=customer.sender).send(f"/regrade {number} important 批次问题")
    await handler.press(f"take:{number}")
    await handler.send(f"/ask {number} 请提供购买凭证照片")
    world.clock.advance(days=1)
    assert await world.act(report_progress) == 1
    told = len(await world.queued_texts("staff:李雷"))
    world.clock.advance(days=1)  # the customer has not answered: nothing new, but no nudge
    assert await world.act(report_progress) == 1
    report = (await reports(world))[-1]
    assert "正在等待客户答复" in report and "没有新的记录" in report
    assert len(await world.queued_texts("staff:李雷")) == told


async def test_two_sweeps_at_once_report_once(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    boss = await enrol(world, "张总", "management", "manager")
    manager = Chat(world, boss, sender=customer.sender)
    await manager.send(f"/regrade {number} major 媒体关注")
    world.clock.advance(days=1)
    counts = await asyncio.gather(world.act(report_progress), world.act(report_progress))
    assert sorted(counts) == [0, 1]
    assert len(await reports(world)) == 1
