"""Grade raises (POLICY §2), routing (§3) and who may do what (§3, §8)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.base.values import EventKind, Role, Validity
from conversations.intents import Findings
from handlers import customer, investigate, manage, solution
from handlers.refusals import Refusal
from handlers.take import take
from storage.cases import CaseRepository, TimelineRepository
from storage.models import Case, CaseEvent, OutboxMessage
from storage.uow import UnitOfWork, unit_of_work
from tests.fakes.world import World


async def stored(world: World, number: str) -> Case:
    async def query(uow: UnitOfWork) -> Case:
        found = await CaseRepository(uow.session).by_number(number)
        assert found is not None
        return found

    return await world.read(query)


async def timeline(world: World, case: Case) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        return list(await TimelineRepository(uow.session).of_case(case.id))

    return await world.read(query)


async def outbox(world: World) -> list[OutboxMessage]:
    async def query(uow: UnitOfWork) -> list[OutboxMessage]:
        return list(await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return await world.read(query)


@pytest.mark.parametrize("words", ["我要去12315投诉，还要找记者曝光", "I will call my lawyer"])
async def test_danger_words_propose_major_for_a_person_to_confirm(world: World, words: str) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, description=f"热水壶漏水。{words}")
    assert (case.severity, case.proposed_severity) == ("general", "major")
    proposal = [e for e in await timeline(world, case) if e.kind == "grade_proposed"]
    assert proposal and proposal[0].customer_visible is False
    managers = [m for m in await outbox(world) if m.chat_id == "management"]
    assert len(managers) == 1

    lead = await world.staff("王主管", "product", Role.LEAD)
    await world.act(manage.regrade, lead, case.number, "major", "confirmed: media threat")
    confirmed = await stored(world, case.number)
    assert (confirmed.severity, confirmed.proposed_severity) == ("major", None)


async def test_same_subject_from_three_customers_raises_all_to_important(world: World) -> None:
    buyers = [await world.customer(f"客户{i}", f"1390000000{i}") for i in range(3)]
    first = await world.file(buyers[0], order_ref="Batch 7")
    await world.file(buyers[0], order_ref="batch  7")  # same customer twice counts once
    await world.file(buyers[1], order_ref="BATCH 7")
    assert (await stored(world, first.number)).severity == "general"
    third = await world.file(buyers[2], order_ref="batch 7")
    assert third.severity == "important"
    assert (await stored(world, first.number)).severity == "important"
    raise_event = next(e for e in await timeline(world, first) if e.kind == "regraded")
    assert raise_event.data == {"old": "general", "new": "important", "reason": "collective:3"}


async def test_ten_customers_on_one_subject_make_it_major(world: World) -> None:
    buyers = [await world.customer(f"客户{i}", f"1390000001{i}") for i in range(10)]
    cases = [await world.file(b, order_ref="楼栋 3") for b in buyers]
    assert (await stored(world, cases[0].number)).severity == "major"
    assert (await stored(world, cases[-1].number)).severity == "major"


async def test_other_categories_do_not_count_toward_the_same_subject(world: World) -> None:
    buyers = [await world.customer(f"客户{i}", f"1390000002{i}") for i in range(3)]
    await world.file(buyers[0], order_ref="X1")
    await world.file(buyers[1], order_ref="X1", category="delivery")
    third = await world.file(buyers[2], order_ref="X1")
    assert third.severity == "general"


async def test_recurrence_by_the_same_customer_is_a_second_complaint_one_grade_up(
    world: World,
) -> None:
    """POLICY §2: the same customer again on the same subject is a second complaint,
    at least `important`, and the raise is on the timeline with its reason."""
    buyer = await world.customer()
    first = await world.file(buyer, order_ref="ORD-9")
    other_order = await world.file(buyer, order_ref="ORD-10")
    again = await world.file(buyer, order_ref="ord-9 ")
    assert (first.is_repeat, other_order.is_repeat, again.is_repeat) == (False, False, True)
    assert (first.severity, other_order.severity, again.severity) == (
        "general",
        "general",
        "important",
    )
    events = [e for e in await world.all(CaseEvent) if e.case_id == again.id]
    raised = [e.data for e in events if e.kind == EventKind.REGRADED]
    assert raised == [{"old": "general", "new": "important", "reason": "repeat"}]


async def test_routing_follows_the_category_table_with_supporting_departments(
    world: World,
) -> None:
    buyer = await world.customer()
    case = await world.file(buyer, category="billing")
    assert case.department == "finance"

    async def supporting(uow: UnitOfWork) -> list[str]:
        return await CaseRepository(uow.session).supporting(case.id)

    assert await world.read(supporting) == ["service"]
    helper = await world.staff("客服小张", "service")
    await world.act(investigate.add_note, helper, case.number, "called the customer")
    outsider = await world.staff("物流小刘", "logistics")
    with pytest.raises(Refusal) as refused:
        await world.act(investigate.add_note, outsider, case.number, "hello")
    assert refused.value.key == "access.department"


async def test_wrong_department_cannot_take(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    outsider = await world.staff("物流小刘", "logistics")
    with pytest.raises(Refusal) as refused:
        await world.act(take, outsider, case.number)
    assert refused.value.key == "access.department"
    assert (await stored(world, case.number)).handler_id is None


async def test_only_the_handler_or_their_lead_proposes(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    colleague = await world.staff("同事", "product")
    lead = await world.staff("王主管", "product", Role.LEAD)
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    with pytest.raises(Refusal) as refused:
        await world.act(
            investigate.record_findings, colleague, Findings(case.number, Validity.VALID, "x")
        )
    assert refused.value.key == "access.not_handler"
    await world.act(investigate.record_findings, lead, Findings(case.number, Validity.VALID, "x"))
    await world.act(solution.propose, lead, case.number, "Replace")


async def test_a_customer_cannot_touch_another_customers_case(world: World) -> None:
    owner = await world.customer("甲", "13800000001")
    stranger = await world.customer("乙", "13800000002")
    case = await world.file(owner)
    with pytest.raises(Refusal) as refused:
        await world.act(customer.add_info, stranger, case.number, "let me in")
    assert refused.value.key == "case.not_found"  # same answer as a number that never existed
    with pytest.raises(Refusal) as unknown:
        await world.act(customer.add_info, stranger, "TS209912-9999", "let me in")
    assert unknown.value.key == refused.value.key


async def test_customers_cannot_use_staff_actions(world: World) -> None:
    buyer = await world.customer()
    case = await world.file(buyer)
    with pytest.raises(Refusal) as refused:
        await world.act(take, buyer, case.number)
    assert refused.value.key == "access.staff_only"


async def test_reassign_needs_a_lead_and_a_reason_and_restarts_acknowledgement(
    world: World,
) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    lead = await world.staff("王主管", "product", Role.LEAD)
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    with pytest.raises(Refusal) as not_lead:
        await world.act(manage.reassign, handler, case.number, "logistics", "not ours")
    assert not_lead.value.key == "access.role"
    with pytest.raises(Refusal) as no_reason:
        await world.act(manage.reassign, lead, case.number, "logistics", "   ")
    assert no_reason.value.key == "input.empty"
    await world.act(manage.reassign, lead, case.number, "logistics", "damaged in transit")
    moved = await stored(world, case.number)
    assert (moved.department, moved.handler_id, moved.status.value) == (
        "logistics",
        None,
        "assigned",
    )
    event = next(e for e in await timeline(world, case) if e.kind == "reassigned")
    assert event.data["reason"] == "damaged in transit"


async def test_a_case_stays_on_the_channel_it_came_from(world: World) -> None:
    from storage.models import Identity

    buyer = await world.customer()  # has a console identity
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            Identity(
                channel="wechat",
                external_id="o-wx-1",
                customer_id=buyer.id,
                created_at=world.clock.now(),
            )
        )
    on_wechat = await world.file(buyer, channel="wechat")
    on_console = await world.file(buyer, order_ref="O-2")
    receipts = {
        m.chat_id: m.channel for m in await outbox(world) if m.chat_id.startswith(("o-", "cust-"))
    }
    assert receipts == {"o-wx-1": "wechat", f"cust-{buyer.id}": "console"}
    assert (on_wechat.channel, on_console.channel) == ("wechat", "console")
