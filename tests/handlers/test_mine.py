"""/mine shows each staff member what waits for them, grouped and counted, in staff wording
(issue 13: the service lead's /mine said she had nothing while a case waited for her
review). On SQLite and PostgreSQL."""

from __future__ import annotations

from conversations.base.values import Role, Validity
from conversations.intents import Findings
from handlers import customer, investigate, resolution, solution
from handlers.actors import Actor
from handlers.identify import Person
from handlers.manage import regrade
from handlers.mine import GROUP_LIMIT, staff_cases
from handlers.overdue import FireDeadline
from handlers.take import take
from notifications.watcher import Watcher
from storage.models import Case
from storage.uow import unit_of_work
from tests.fakes.world import World
from tests.handlers.staff_people import member


async def mine(world: World, actor: Actor) -> tuple[list[str], list[str]]:
    """The /mine answer's lines and its buttons' actions."""
    person = Person(actor, world.desk.policy.default_language, actor.name)
    async with unit_of_work(world.db) as uow:
        reply = await staff_cases(uow.session, world.desk, person)
    return reply.text.split("\n"), [option.action for option in reply.options]


async def investigated(world: World, handler: Actor, description: str = "漏水") -> Case:
    case = await world.file(await world.customer(), description=description)
    await world.act(take, handler, case.number)
    await world.act(
        investigate.record_findings, handler, Findings(case.number, Validity.VALID, "密封圈")
    )
    return case


async def resolved(world: World, handler: Actor) -> Case:
    case = await investigated(world, handler)
    buyer = Actor.customer(case.customer_id)
    await world.act(solution.propose, handler, case.number, "换新")
    await world.act(customer.accept, buyer, case.number)
    await world.act(resolution.resolve, handler, case.number, "已换新")
    return case


async def test_frontline_staff_see_their_cases_and_what_their_department_has_not_taken(
    world: World,
) -> None:
    handler = await member(world, "李雷", "product")
    ours = [await investigated(world, handler), await investigated(world, handler)]
    untaken = await world.file(await world.customer())
    await world.file(await world.customer(), category="delivery")  # another department's
    lines, buttons = await mine(world, handler)
    assert lines[0] == "技术/产品部待接单（1）："
    assert lines[1].startswith(f"{untaken.number} · 一般 · 新案件 · 待接单 · 期限 ")
    assert lines[2] == "您负责的未结案件（2）："
    assert [line.split(" · ")[0] for line in lines[3:]] == [c.number for c in ours]
    assert all(" · 调查中 · " in line for line in lines[3:])
    assert len(lines) == 5
    assert buttons == [f"details:{n}" for n in (untaken.number, *[c.number for c in ours])]


async def test_a_lead_sees_the_untaken_ones_first_each_group_soonest_due_first(
    world: World,
) -> None:
    lead = await member(world, "王主管", "product", Role.LEAD)
    first = await world.file(await world.customer())
    world.clock.advance(minutes=5)
    second = await world.file(await world.customer())
    taken = await investigated(world, lead)
    lines, _ = await mine(world, lead)
    assert lines[0] == "技术/产品部待接单（2）："
    assert [line.split(" · ")[0] for line in lines[1:3]] == [first.number, second.number]
    assert lines[3:] == [lines[3], lines[4]] and lines[3] == "您负责的未结案件（1）："
    assert lines[4].startswith(taken.number)


async def test_customer_service_sees_the_cases_waiting_for_its_review(world: World) -> None:
    handler = await member(world, "李雷", "product")
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    waiting = [await resolved(world, handler), await resolved(world, handler)]
    await investigated(world, handler)  # not resolved yet: not hers
    lines, buttons = await mine(world, service)
    assert lines[0] == "等待您复核（2）："
    assert [line.split(" · ")[0] for line in lines[1:3]] == [c.number for c in waiting]
    assert all(" · 已解决 · 待复核 · " in line for line in lines[1:3])
    assert len(lines) == 3
    await world.act(resolution.review, service, waiting[0].number)
    lines, buttons = await mine(world, service)
    assert lines[0] == "等待您复核（1）：" and buttons == [f"details:{waiting[1].number}"]


async def test_nobody_reviews_their_own_work(world: World) -> None:
    """A case customer service handled itself is not listed as waiting for its review."""
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    case = await world.file(await world.customer(), category="service_attitude")
    await world.act(take, service, case.number)
    await world.act(
        investigate.record_findings, service, Findings(case.number, Validity.VALID, "态度不佳")
    )
    await world.act(solution.propose, service, case.number, "道歉")
    await world.act(customer.accept, Actor.customer(case.customer_id), case.number)
    await world.act(resolution.resolve, service, case.number, "已道歉")
    lines, _ = await mine(world, service)
    assert "等待您复核" not in "\n".join(lines)
    assert lines == ["您负责的未结案件（1）：", lines[1]] and " · 已解决 · 待复核 · " in lines[1]


async def test_managers_see_solutions_waiting_for_approval_and_escalated_cases(
    world: World,
) -> None:
    handler = await member(world, "李雷", "product")
    manager = await member(world, "张总", "management", Role.MANAGER)
    serious = await investigated(world, handler)
    await world.act(regrade, manager, serious.number, "important", "实际损失")
    await world.act(solution.propose, handler, serious.number, "退款")
    general = await investigated(world, handler)
    await world.act(solution.propose, handler, general.number, "换新")  # needs no approval
    late = await world.file(await world.customer())
    watcher = Watcher(world.db, world.clock, FireDeadline(world.desk))
    world.clock.advance(hours=7)  # acknowledging overdue (4 working hours), managers told 2 later
    while await watcher.tick():
        pass
    lines, buttons = await mine(world, manager)
    assert lines[0] == "等待您审批的方案（1）："
    assert lines[1].startswith(f"{serious.number} · 重要 · 待审批 · 期限 ")
    assert lines[2] == "已升级至管理层、仍逾期（1）："
    assert lines[3].startswith(f"{late.number} · ")
    assert f"details:{serious.number}" in buttons and f"details:{general.number}" not in buttons

    await world.act(solution.approve, manager, serious.number)
    await world.act(take, handler, late.number)  # the acknowledge step is met at last
    lines, _ = await mine(world, manager)
    assert lines == [
        "您没有未结案件。",
        "没有等待您审批的方案，也没有升级的案件。",
    ]


async def test_nothing_waiting_says_so_for_each_role(world: World) -> None:
    staff = await member(world, "李雷", "product")
    service = await member(world, "韩梅梅", "service", Role.LEAD)
    assert (await mine(world, staff)) == (["您没有未结案件。"], [])
    assert (await mine(world, service))[0] == ["您没有未结案件。", "没有等待您复核的案件。"]


async def test_a_long_group_shows_its_first_ones_and_counts_them_all(world: World) -> None:
    lead = await member(world, "王主管", "logistics", Role.LEAD)
    for _ in range(GROUP_LIMIT + 2):
        await world.file(await world.customer(), category="delivery")
        world.clock.advance(minutes=1)
    lines, buttons = await mine(world, lead)
    assert lines[0] == f"物流部待接单（{GROUP_LIMIT + 2}）："
    assert len(lines) == 1 + GROUP_LIMIT + 1 and lines[-1] == "……另有 2 件"
    assert len(buttons) == GROUP_LIMIT
