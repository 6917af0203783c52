"""Corrective and preventive actions: recorded on a valid case, verified later by a lead
or manager against a deadline the watcher keeps (both backends)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.base.values import Role, Validity
from conversations.intents import Findings, RecordCapa, Verification
from handlers import capa, investigate
from handlers.overdue import FireDeadline
from handlers.refusals import Refusal
from handlers.take import take
from notifications.digests import build_digest
from notifications.watcher import Watcher
from storage.models import CaseEvent, CorrectiveAction, Deadline
from storage.uow import unit_of_work
from tests.fakes.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def plan(number: str, due_on: date = date(2026, 12, 15)) -> RecordCapa:
    """The plan as the staff flow parses PLAN (tests/conversations/test_staff_intents.py)."""
    return RecordCapa(
        number,
        "密封圈供应商批次质量不稳",
        "召回批次7并更换",
        "进货抽检率提高到10%",
        "采购部王经理",
        due_on,
    )


async def valid_case(world: World) -> tuple[str, object]:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings,
        handler,
        Findings(case.number, Validity.VALID, "批次7密封圈缺陷"),
    )
    return case.number, handler


async def test_action_recorded_with_its_verification_deadline_then_verified(
    world: World,
) -> None:
    number, handler = await valid_case(world)
    await world.act(capa.record_action, handler, plan(number))
    (action,) = await world.all(CorrectiveAction)
    assert (action.owner, action.due_on.isoformat()) == ("采购部王经理", "2026-12-15")
    verify = [d for d in await world.all(Deadline) if d.step == "verify"]
    # 30 calendar days after the end of the due day.
    assert verify[0].due_at == datetime(2027, 1, 14, 18, 0, tzinfo=SHANGHAI)

    async with unit_of_work(world.db, readonly=True) as uow:
        digest = await build_digest(uow.session, world.desk.policy, world.clock.now())
    assert "待验证的纠正措施：1" in digest.text
    assert f"{number} · 采购部王经理 · 2026-12-15" in digest.text

    lead = await world.staff("王主管", "product", Role.LEAD)
    with pytest.raises(Refusal) as staff_cannot:
        await world.act(capa.verify_action, handler, number, Verification.EFFECTIVE, "")
    assert staff_cannot.value.key == "access.role"
    await world.act(capa.verify_action, lead, number, Verification.EFFECTIVE, "三个月无复发")
    (checked,) = await world.all(CorrectiveAction)
    assert (checked.effective, checked.verification_note) == (True, "三个月无复发")
    assert [d.met_at is not None for d in await world.all(Deadline) if d.step == "verify"] == [True]
    kinds = [e.kind for e in await world.all(CaseEvent)]
    assert kinds[-2:] == ["corrective_action", "action_verified"]


async def test_a_missed_verification_is_flagged_by_the_watcher(world: World) -> None:
    number, handler = await valid_case(world)
    await world.act(capa.record_action, handler, plan(number))
    world.clock.set(datetime(2027, 1, 14, 18, 1, tzinfo=SHANGHAI))
    watcher = Watcher(world.db, world.clock, FireDeadline(world.desk))
    await watcher.tick()
    overdue = [e for e in await world.all(CaseEvent) if e.kind == "overdue"]
    assert any(e.data.get("step") == "verify" for e in overdue)


async def test_a_plan_due_in_the_past_is_refused(world: World) -> None:
    """The flow refuses a past date as it parses; the use case checks again against the
    desk's own day (a plan can sit in a chat's pending state overnight)."""
    number, handler = await valid_case(world)
    with pytest.raises(Refusal) as refused:
        await world.act(capa.record_action, handler, plan(number, date(2020, 1, 1)))
    assert refused.value.key == "capa.past_date"
    assert await world.all(CorrectiveAction) == []


async def test_an_action_needs_a_valid_case(world: World) -> None:
    buyer = await world.customer()
    handler = await world.staff("李雷", "product")
    case = await world.file(buyer)
    await world.act(take, handler, case.number)
    with pytest.raises(Refusal) as refused:
        await world.act(capa.record_action, handler, plan(case.number))
    assert refused.value.key == "capa.needs_valid"
