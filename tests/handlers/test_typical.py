"""Typical cases: marked by a manager on a closed case; the export is anonymised, checked
field by field on a case full of personal data (both backends)."""

from __future__ import annotations

import json

import pytest

from conversations.base.values import Role, Validity
from conversations.intents import AnswerSurvey, Findings
from handlers import customer, followup, investigate, resolution, solution
from handlers.refusals import Refusal
from handlers.take import take
from handlers.typical import export_typical, mark_typical
from storage.models import Identity
from storage.uow import unit_of_work
from tests.fakes.world import World

NAME, PHONE, ORDER, OPENID = "王大锤", "13912345678", "E20261123-77", "o-wx-openid-42"
EMAIL = "dachui.wang@example.com"
PERSONAL = [NAME, PHONE, ORDER, OPENID, EMAIL, "139****5678", "20261123"]


async def closed_case_full_of_personal_data(world: World) -> str:
    buyer = await world.customer(NAME, PHONE)
    async with unit_of_work(world.db) as uow:
        uow.session.add(
            Identity(
                channel="wechat",
                external_id=OPENID,
                customer_id=buyer.id,
                created_at=world.clock.now(),
            )
        )
    handler = await world.staff("李雷", "product")
    service = await world.staff("韩梅梅", "service")
    story = f"我是{NAME}，订单{ORDER}的热水器漏电，电话{PHONE}，邮箱{EMAIL}，微信{OPENID}"
    case = await world.file(buyer, description=story, order_ref=ORDER)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "接地线松动")
    )
    await world.act(solution.propose, handler, case.number, f"为{NAME}更换订单{ORDER}的热水器")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "已更换")
    await world.act(resolution.review, service, case.number)
    await world.act(followup.answer_survey, buyer, AnswerSurvey(case.number, True, 5))
    return case.number


async def test_the_export_contains_no_personal_data(world: World) -> None:
    number = await closed_case_full_of_personal_data(world)
    manager = await world.staff("张总", "management", Role.MANAGER)
    await world.act(mark_typical, manager, number, f"安装时检查接地；{NAME}的订单{ORDER}是例子")
    async with unit_of_work(world.db, readonly=True) as uow:
        (record,) = await export_typical(uow.session)
    for field, value in record.items():
        flat = json.dumps(value, ensure_ascii=False)
        for secret in PERSONAL:
            assert secret not in flat, (field, secret)
    assert number not in json.dumps(record, ensure_ascii=False)
    assert record["ref"] == "TC-001" and record["category"] == "product_quality"
    assert "热水器漏电" in record["description"] and "安装时检查接地" in record["lesson"]
    assert [step["what"] for step in record["timeline"]][:3] == ["filed", "routed", "taken"]
    assert all(step["by"] in {"customer", "staff", "system"} for step in record["timeline"])


async def test_only_managers_mark_only_closed_cases(world: World) -> None:
    buyer = await world.customer()
    lead = await world.staff("王主管", "product", Role.LEAD)
    manager = await world.staff("张总", "management", Role.MANAGER)
    case = await world.file(buyer)
    with pytest.raises(Refusal) as not_manager:
        await world.act(mark_typical, lead, case.number, "lesson")
    assert not_manager.value.key == "access.role"
    with pytest.raises(Refusal) as still_open:
        await world.act(mark_typical, manager, case.number, "lesson")
    assert still_open.value.key == "case.wrong_status"
