"""`/assign N person` (issue 13): leads for their department's cases and managers give a
case to a named person of its department or a supporting one; the person is told, the
card shows them, the timeline says who gave it to whom (both backends)."""

from __future__ import annotations

from sqlalchemy import select, update

from conversations.base.values import CaseStatus, EventKind
from storage.models import Case, CaseEvent, StaffAbsence
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol


async def case(world: World, number: str) -> Case:
    async def query(uow: UnitOfWork) -> Case:
        found = await uow.session.scalar(select(Case).where(Case.number == number))
        assert found is not None
        return found

    return await world.read(query)


async def events(world: World, number: str, kind: str) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        rows = await uow.session.scalars(
            select(CaseEvent)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(Case.number == number, CaseEvent.kind == kind)
            .order_by(CaseEvent.id)
        )
        return list(rows)

    return await world.read(query)


async def staff_chat(world: World, name: str, department: str, role: str, other: Chat) -> Chat:
    return Chat(world, await enrol(world, name, department, role), sender=other.sender)


async def test_a_lead_assigns_within_the_department_and_the_person_is_told(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    lead = await staff_chat(world, "周组长", "product", "lead", customer)
    li = await staff_chat(world, "李雷", "product", "staff", customer)

    [said] = await lead.send(f"/assign {number} 李雷")
    assert number in said.text and "李雷" in said.text
    assigned = await case(world, number)
    assert assigned.status is CaseStatus.ACKNOWLEDGED  # as /take makes it
    assert assigned.acknowledged_at == world.clock.now()
    [event] = await events(world, number, EventKind.ASSIGNED)
    assert event.data["to"] == "李雷" and event.customer_visible is False
    assert event.actor_id is not None and event.actor_id != assigned.handler_id  # by the lead
    assert [e.kind for e in await events(world, number, EventKind.TAKEN)] == ["taken"]

    told = li.said()[-1]
    assert number in told and "周组长" in told and f"/note {number}" in told
    card = (await world.queued_texts("product"))[-1]
    assert "李雷" in card
    assert "专员已开始处理" in customer.said()[-1]  # the customer hears it as after /take


async def test_a_lead_assigns_to_a_supporting_departments_person(world: World) -> None:
    customer = await world.customer()
    filed = await world.file(customer, category="billing")  # finance, supported by service
    anyone = Chat(world, "u9")
    lead = await staff_chat(world, "钱组长", "finance", "lead", anyone)
    await enrol(world, "小王", "service")
    await enrol(world, "物流小刘", "logistics")

    refused = await lead.send(f"/assign {filed.number} 物流小刘")
    assert "物流小刘" in refused[-1].text and "小王" in refused[-1].text  # who can take it
    assert (await case(world, filed.number)).handler_id is None

    await lead.send(f"/assign {filed.number} 小王")
    assigned = await case(world, filed.number)
    assert assigned.handler_id is not None and assigned.status is CaseStatus.ACKNOWLEDGED
    assert filed.number in (await world.queued_texts("staff:小王"))[-1]


async def test_frontline_staff_and_another_departments_lead_are_refused(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = await staff_chat(world, "李雷", "product", "staff", customer)
    han = await staff_chat(world, "韩梅梅", "service", "lead", customer)
    await enrol(world, "赵敏", "product")

    assert "角色" in (await li.send(f"/assign {number} 赵敏"))[-1].text
    assert "无权" in (await han.send(f"/assign {number} 赵敏"))[-1].text
    assert (await case(world, number)).handler_id is None
    assert await events(world, number, EventKind.ASSIGNED) == []
    assert not [t for t in await world.queued_texts("staff:赵敏") if number in t]


async def test_unknown_and_ambiguous_names_are_refused_with_the_candidates(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    boss = await staff_chat(world, "张总", "management", "manager", customer)
    first = await world.staff("张伟", "product")
    second = await world.staff("张伟", "product")
    await enrol(world, "李雷", "product")

    unknown = (await boss.send(f"/assign {number} 王五"))[-1].text
    assert "王五" in unknown and "李雷" in unknown and f"张伟 #{first.id}" in unknown
    both = (await boss.send(f"/assign {number} 张伟"))[-1].text
    assert f"张伟 #{first.id}" in both and f"张伟 #{second.id}" in both and "李雷" not in both
    assert (await case(world, number)).handler_id is None

    await boss.send(f"/assign {number} 张伟 #{second.id}")
    assert (await case(world, number)).handler_id == second.id
    again = (await boss.send(f"/assign {number} 张伟 #{second.id}"))[-1].text
    assert "已经" in again  # already theirs: nothing recorded twice
    assert len(await events(world, number, EventKind.ASSIGNED)) == 1


async def test_a_taken_case_moves_and_the_previous_handler_hears_it(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = await staff_chat(world, "李雷", "product", "staff", customer)
    lead = await staff_chat(world, "周组长", "product", "lead", customer)
    await enrol(world, "赵敏", "product")
    await li.press(f"take:{number}")
    await li.send(f"/note {number} 已联系厂家")

    await lead.send(f"/assign {number} 赵敏")
    moved = await case(world, number)
    assert moved.status is CaseStatus.ACKNOWLEDGED  # unchanged: the work goes on
    assert number in (await world.queued_texts("staff:赵敏"))[-1]
    assert "赵敏" in li.said()[-1] and "周组长" in li.said()[-1]
    assert "赵敏" in (await world.queued_texts("product"))[-1]


async def test_a_closed_or_unknown_case_is_refused(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    lead = await staff_chat(world, "周组长", "product", "lead", customer)
    await enrol(world, "李雷", "product")
    async with unit_of_work(world.db) as uow:
        await uow.session.execute(
            update(Case).where(Case.number == number).values(status=CaseStatus.CLOSED)
        )

    assert "已结案" in (await lead.send(f"/assign {number} 李雷"))[-1].text
    assert "没有找到" in (await lead.send("/assign TS202601-0999 李雷"))[-1].text
    assert (await case(world, number)).handler_id is None


async def test_assigning_someone_away_gives_it_to_the_substitute(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    lead = await staff_chat(world, "周组长", "product", "lead", customer)
    li = await staff_chat(world, "李雷", "product", "staff", customer)
    await enrol(world, "赵敏", "product")
    await li.send("/away 2026-11-24 2026-11-26 赵敏")

    [said] = await lead.send(f"/assign {number} 李雷")
    assert "李雷" in said.text and "赵敏" in said.text and "2026-11-26" in said.text
    assigned = await case(world, number)
    substitute = (await world.only(StaffAbsence)).substitute_id
    assert assigned.handler_id == substitute
    told = (await world.queued_texts("staff:赵敏"))[-1]
    assert number in told and "李雷" in told
    [event] = await events(world, number, EventKind.ASSIGNED)
    assert event.data == {"to": "赵敏", "standing_in_for": "李雷"}
