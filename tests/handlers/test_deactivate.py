"""Deactivation (issue 13): `staff deactivate NAME` or removal from the config roster ends
a person's access at once: their commands and presses are refused (in a group like a
stranger's), their open cases are listed to the lead and the group for /assign; people who
joined by invitation code are not the roster's to remove; activation undoes it; both are
in the audit log (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conversations.base.i18n import translation
from conversations.base.policy import Language, RosterEntry
from conversations.base.values import Role
from conversations.wording import refusal
from handlers.staffing import create_invite, sync_roster
from handlers.withdraw import NoSuchStaff, activate, deactivate
from storage.models import AuditEntry, Customer, Staff
from storage.uow import unit_of_work
from tests.fakes.chat import Chat, file_complaint
from tests.fakes.world import World, enrol

ZH = translation(Language.ZH_HANS)
WITHDRAWN = refusal(ZH, "access.withdrawn", {})


async def person(world: World, name: str) -> Staff:
    return next(s for s in await world.all(Staff) if s.name == name)


async def test_a_deactivated_persons_commands_and_presses_are_refused_at_once(
    world: World,
) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    in_group = Chat(world, li.sender_id, chat_id="product", is_group=True, sender=customer.sender)
    await li.send(f"/case {number}")  # works while active

    await world.act(deactivate, "李雷")
    assert [m.text for m in await li.send("/mine")] == [WITHDRAWN]
    assert [m.text for m in await li.press(f"take:{number}")] == [WITHDRAWN]
    assert [m.text for m in await li.send(f"/note {number} 还在处理")] == [WITHDRAWN]
    await in_group.press(f"take:{number}", silent=True)  # a stranger's press: not queued
    assert [r.text for r in in_group.answered] == [refusal(ZH, "access.staff_only", {})]
    taken = await world.all(Staff)
    assert all(s.active is False for s in taken if s.name == "李雷")
    assert len(await world.all(Customer)) == 1  # no customer was made of him
    assert "已接单" not in (await world.queued_texts("product"))[-1]


async def test_a_withdrawn_person_gets_only_the_refusal_whatever_they_send(
    world: World,
) -> None:
    """Plain text, /help, a bad command and a half-typed one would each get the staff flow's
    answer (the help, a usage line, a question): withdrawn staff read none of it."""
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await world.act(deactivate, "李雷")
    for text in ("你好", "/help", "/nosuchcommand", f"/note {number}", "/away 2099-01-01"):
        assert [m.text for m in await li.send(text)] == [WITHDRAWN], text


async def test_open_cases_are_listed_to_the_lead_and_the_group(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    first = await file_complaint(world, customer)
    second = await file_complaint(world, customer, "遥控器失灵")
    li = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await enrol(world, "周组长", "product", "lead")
    await li.press(f"take:{first}")
    await li.press(f"take:{second}")

    await world.act(deactivate, "李雷")
    [told] = await world.queued_texts("staff:周组长")
    assert "李雷" in told and first in told and second in told
    assert f"/assign {first}" in told
    assert told in await world.queued_texts("product")

    lead = Chat(world, "staff:周组长", sender=customer.sender)
    await enrol(world, "赵敏", "product")
    await lead.send(f"/assign {first} 赵敏")  # reassigned from the list
    refused = (await lead.send(f"/assign {second} 李雷"))[-1].text
    assert "李雷" in refused and "赵敏" in refused  # an inactive person cannot take it


async def test_roster_removal_deactivates_only_the_rosters_people(world: World) -> None:
    roster = [
        RosterEntry(name="李雷", department="product", accounts={"console": "staff:李雷"}),
        RosterEntry(name="赵敏", department="product", accounts={"console": "staff:赵敏"}),
    ]
    async with unit_of_work(world.db) as uow:
        await sync_roster(uow, world.desk, roster, complete=True)
        code = await create_invite(uow, world.desk, "product", Role.STAFF)
    joiner = Chat(world, "tg-9", name="新同事")
    await joiner.send("你好")
    await joiner.send(f"/register {code}")

    async with unit_of_work(world.db) as uow:  # 赵敏 left the config file
        assert await sync_roster(uow, world.desk, roster[:1], complete=True) == 1
    assert (await person(world, "赵敏")).active is False
    assert (await person(world, "李雷")).active is True
    assert (await person(world, "新同事")).active is True  # joined by invitation
    zhao = Chat(world, "staff:赵敏", sender=joiner.sender)
    assert [m.text for m in await zhao.send("/mine")] == [WITHDRAWN]

    async with unit_of_work(world.db) as uow:  # a partial list (the default) removes no one
        await sync_roster(uow, world.desk, [RosterEntry(name="王五", department="product")])
    assert (await person(world, "李雷")).active is True
    async with unit_of_work(world.db) as uow:  # back in the file: back at work
        await sync_roster(uow, world.desk, roster, complete=True)
    assert (await person(world, "赵敏")).active is True


async def test_the_desks_own_roster_is_complete_and_an_operators_choice_stands(
    world: World,
) -> None:
    configured = list(world.desk.policy.staff)  # 李雷, 韩梅梅, 张总
    await enrol(world, "离职的人", "product")
    async with unit_of_work(world.db) as uow:
        await sync_roster(uow, world.desk, configured)
    assert (await person(world, "离职的人")).active is False
    await world.act(deactivate, "韩梅梅")
    async with unit_of_work(world.db) as uow:
        await sync_roster(uow, world.desk, configured)
    assert (await person(world, "韩梅梅")).active is False  # only activate undoes it


async def test_activate_restores_access_and_both_are_audited(world: World) -> None:
    customer = Chat(world, "u1", name="王芳")
    number = await file_complaint(world, customer)
    li = Chat(world, await enrol(world, "李雷", "product"), sender=customer.sender)
    await world.act(deactivate, "李雷")
    assert [m.text for m in await li.press(f"take:{number}")] == [WITHDRAWN]

    await world.act(activate, "李雷")
    await li.press(f"take:{number}")
    assert "李雷" in (await world.queued_texts("product"))[-1]
    staff_id = (await person(world, "李雷")).id

    async def audit() -> list[tuple[str, str, str | None]]:
        rows = await world.all(AuditEntry)
        return [(r.action, r.actor, r.subject) for r in rows]

    assert await audit() == [
        ("staff_deactivated", "operator", f"staff:{staff_id}"),
        ("staff_activated", "operator", f"staff:{staff_id}"),
    ]


async def test_unknown_and_shared_names_are_errors_that_say_who_there_is(world: World) -> None:
    first = await world.staff("张伟", "product")
    second = await world.staff("张伟", "service")
    with pytest.raises(NoSuchStaff, match=r"no staff member named '王五'; staff: .*张伟 #"):
        await world.act(deactivate, "王五")
    with pytest.raises(NoSuchStaff, match=f"张伟 #{first.id}, 张伟 #{second.id}"):
        await world.act(deactivate, "张伟")
    await world.act(deactivate, f"张伟 #{second.id}")

    async def active() -> dict[int, bool]:
        rows = await world.read(lambda uow: uow.session.execute(select(Staff.id, Staff.active)))
        return {int(r[0]): bool(r[1]) for r in rows}

    assert first.id is not None and second.id is not None
    assert (await active())[first.id] is True and (await active())[second.id] is False
    assert await world.all(AuditEntry) != []
