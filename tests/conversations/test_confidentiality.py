"""Complainant type and confidentiality (seed 002): a confidential filer is hidden from
everyone but managers, and each reveal is on the timeline (both backends)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Case, CaseEvent
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat, actions
from tests.fakes.world import World, enrol


async def file_confidentially(world: World, chat: Chat) -> str:
    await chat.send("物业保安收受好处，电话13812345678")
    await chat.press("category:service_attitude")
    await chat.press("skip:details")
    await chat.press("wanted:explanation")
    shown = await chat.press("who:ask")
    assert "who:resident" in actions(shown)
    await chat.press("who:resident")
    summary = await chat.press("secret:toggle")
    assert "只有管理人员" in summary[0].text
    await chat.press("confirm:submit")

    async def stored(uow: UnitOfWork) -> Case:
        found = await uow.session.scalar(select(Case))
        assert found is not None
        return found

    case = await world.read(stored)
    assert (case.complainant_type, case.confidential) == ("resident", True)
    return case.number


async def reveals(world: World) -> list[CaseEvent]:
    async def query(uow: UnitOfWork) -> list[CaseEvent]:
        rows = await uow.session.scalars(
            select(CaseEvent).where(CaseEvent.kind == "identity_revealed")
        )
        return list(rows)

    return await world.read(query)


async def test_a_confidential_filer_is_hidden_from_staff_and_shown_to_managers(
    world: World,
) -> None:
    filer = Chat(world, "u1", name="赵女士")
    number = await file_confidentially(world, filer)
    card = filer.sender.texts_to("service")[0]
    assert "138" not in card and "赵女士" not in card
    staff = Chat(world, await enrol(world, "客服小张", "service"), sender=filer.sender)
    seen = (await staff.send(f"/case {number}"))[0].text
    assert "赵女士" not in seen and "13812345678" not in seen and "保密" in seen
    assert await reveals(world) == []
    manager = Chat(world, await enrol(world, "张总", "management", "manager"), sender=filer.sender)
    revealed = (await manager.send(f"/case {number}"))[0].text
    assert "赵女士" in revealed and "13812345678" in revealed
    (event,) = await reveals(world)
    assert event.customer_visible is False and event.actor_id is not None


async def test_an_ordinary_case_names_the_customer_to_its_department(world: World) -> None:
    filer = Chat(world, "u1", name="钱先生")
    await filer.send("空调不制冷")
    await filer.press("category:aftersales")
    await filer.press("skip:details")
    await filer.press("wanted:repair")
    await filer.press("confirm:submit")
    staff = Chat(world, await enrol(world, "售后小王", "aftersales"), sender=filer.sender)
    shown = (await staff.send("/mine"))[0].text
    number = shown.split("\n")[1].split(" · ")[0]
    assert "钱先生" in (await staff.send(f"/case {number}"))[0].text
    assert await reveals(world) == []
