"""`/away FIRST LAST substitute` (issue 13): while a person is away (the desk's local
dates, inclusive) their alerts go to the substitute, marked for whom, and not before or
after; `/away off`; a substitute who may not stand in is refused; chains stop after one
step, so two people covering each other never loop (both backends)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.overdue import FireDeadline
from notifications.watcher import Watcher
from storage.models import StaffAbsence
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol

MARK = "代 李雷（外出）接收"


def at(text: str) -> datetime:
    """A time on the desk's calendar (Shanghai)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


async def added(customer: Chat, number: str, text: str) -> None:
    await customer.press(f"add:{number}")
    await customer.send(text)


async def about(world: World, chat: str, text: str) -> list[str]:
    return [said for said in await world.queued_texts(chat) if text in said]


async def taken_case(world: World) -> tuple[Chat, Chat, str]:
    """A filed case taken by 李雷 (product); 赵敏 and 王五 work beside him."""
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await enrol(world, "赵敏", "product")
    await enrol(world, "王五", "product")
    await li.press(f"take:{number}")
    return customer, li, number


async def live(world: World) -> list[StaffAbsence]:
    async def query(uow: UnitOfWork) -> list[StaffAbsence]:
        rows = await uow.session.scalars(
            select(StaffAbsence).where(StaffAbsence.cancelled_at.is_(None))
        )
        return list(rows)

    return await world.read(query)


async def test_alerts_go_to_the_substitute_during_the_absence_only(world: World) -> None:
    customer, li, number = await taken_case(world)  # Tuesday 2026-11-24 10:00
    [said] = await li.send("/away 2026-11-27 2026-11-30 赵敏")
    assert "赵敏" in said.text and "2026-11-27" in said.text and "2026-11-30" in said.text
    assert "李雷" in (await world.queued_texts("staff:赵敏"))[-1]  # asked to stand in

    await added(customer, number, "补充：周二的照片")  # before: to 李雷
    assert await about(world, "staff:李雷", "周二的照片")
    assert not await about(world, "staff:赵敏", "周二的照片")

    world.clock.set(at("2026-11-27 10:01"))  # Friday: the propose step is overdue
    assert await Watcher(world.db, world.clock, FireDeadline(world.desk)).tick() >= 1
    overdue = [t for t in await about(world, "staff:赵敏", number) if t.startswith(MARK)]
    assert any("逾期" in text for text in overdue)
    assert not await about(world, "staff:李雷", "逾期")
    world.clock.set(at("2026-11-30 23:59"))  # the last day, to its end
    await added(customer, number, "补充：周一晚上的照片")
    [routed] = await about(world, "staff:赵敏", "周一晚上的照片")
    assert routed.startswith(MARK)
    assert not await about(world, "staff:李雷", "周一晚上的照片")

    world.clock.set(at("2026-12-01 00:00"))  # after: to 李雷 again
    await added(customer, number, "补充：周二的新照片")
    assert await about(world, "staff:李雷", "周二的新照片")
    assert not await about(world, "staff:赵敏", "周二的新照片")


async def test_away_off_ends_the_absence_at_once(world: World) -> None:
    customer, li, number = await taken_case(world)
    await li.send("/away 2026-11-24 2026-11-26 赵敏")
    await added(customer, number, "补充：第一张")
    assert (await about(world, "staff:赵敏", "第一张"))[0].startswith(MARK)

    [said] = await li.send("/away off")
    assert "2026-11-24" in said.text and "取消" in said.text
    assert "李雷" in (await world.queued_texts("staff:赵敏"))[-1]  # told it is over
    assert await live(world) == []
    await added(customer, number, "补充：第二张")
    assert await about(world, "staff:李雷", "第二张")
    assert not await about(world, "staff:赵敏", "第二张")
    assert "没有登记" in (await li.send("/away off"))[-1].text  # nothing left to end


async def test_a_substitute_who_may_not_stand_in_is_refused(world: World) -> None:
    _, li, _ = await taken_case(world)
    await enrol(world, "物流小刘", "logistics")
    await enrol(world, "张总", "management", "manager")

    unknown = (await li.send("/away 2026-11-25 2026-11-26 王小明"))[-1].text
    assert "王小明" in unknown and "赵敏" in unknown and "张总" in unknown
    assert "李雷" not in unknown.split("：")[-1]  # never offered as their own substitute
    other = (await li.send("/away 2026-11-25 2026-11-26 物流小刘"))[-1].text
    assert "物流小刘" in other and "赵敏" in other
    assert "另一位" in (await li.send("/away 2026-11-25 2026-11-26 李雷"))[-1].text
    assert "结束日期" in (await li.send("/away 2026-11-20 2026-11-21 赵敏"))[-1].text
    assert await live(world) == []

    await li.send("/away 2026-11-25 2026-11-26 张总")  # a manager may stand in
    assert len(await live(world)) == 1


async def test_a_later_overlapping_absence_replaces_the_earlier(world: World) -> None:
    customer, li, number = await taken_case(world)
    await li.send("/away 2026-11-24 2026-11-27 赵敏")
    await li.send("/away 2026-11-26 2026-11-28 王五")
    [absence] = await live(world)
    assert (absence.starts_on.isoformat(), absence.ends_on.isoformat()) == (
        "2026-11-26",
        "2026-11-28",
    )
    await added(customer, number, "补充：今天的")  # 11-24: the replaced absence is over
    assert await about(world, "staff:李雷", "今天的")
    assert not await about(world, "staff:赵敏", "今天的")


async def test_two_people_covering_each_other_never_loop(world: World) -> None:
    customer, li, number = await taken_case(world)
    zhao = Chat(world, "staff:赵敏", sender=customer.sender)
    await li.send("/away 2026-11-24 2026-11-26 赵敏")
    await zhao.send("/away 2026-11-24 2026-11-26 李雷")

    await added(customer, number, "补充：两人都不在")
    [routed] = await about(world, "staff:赵敏", "两人都不在")  # one step, once
    assert routed.startswith(MARK)
    assert not await about(world, "staff:李雷", "两人都不在")


async def test_a_chain_is_followed_one_step_only(world: World) -> None:
    customer, li, number = await taken_case(world)
    zhao = Chat(world, "staff:赵敏", sender=customer.sender)
    await li.send("/away 2026-11-24 2026-11-26 赵敏")
    await zhao.send("/away 2026-11-24 2026-11-26 王五")

    await added(customer, number, "补充：链条")
    assert (await about(world, "staff:赵敏", "链条"))[0].startswith(MARK)
    assert not await about(world, "staff:王五", "链条")
