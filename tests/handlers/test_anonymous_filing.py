"""A customer who files anonymously (issue 19) is named to no staff member, managers
included: the platform gave her display name and it is stored on her row, yet the card,
every relay, /case, /find and the Mini App's case page show "anonymous" (or nothing) where
her name would be; her phone stays, as for any case. She is still greeted by name, and a
named filing still shows the name. Through dispatch, on both backends."""

from __future__ import annotations

import json

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.values import Role
from handlers.actors import Actor
from handlers.desk import Desk
from handlers.miniapp_case import CasePage, case_page
from storage.models import Case
from storage.uow import UnitOfWork
from tests.fakes.chat import Chat
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World, enrol
from tests.handlers.test_filing_statements import statements, touching

NAME, PHONE, MASKED = "赵女士", "13812345678", "138****5678"
ANONYMOUS = translation(Language.ZH_HANS).gettext("anonymous")


async def file_delivery(filer: Chat, *, anonymous: bool) -> Case:
    """Her story with her phone; anonymous: "Change name" and Skip before Submit."""
    await filer.send(f"快递一直没有送到，电话{PHONE}")
    for button in ("category:delivery", "skip:details", "wanted:replacement"):
        await filer.press(button)
    if anonymous:
        await filer.press("edit:name")
        summary = await filer.press("skip:name")
        assert ANONYMOUS in summary[-1].text and NAME not in summary[-1].text
    await filer.press("confirm:submit")
    newest = max(await filer.world.all(Case), key=lambda case: case.id)
    assert newest.anonymous is anonymous
    return newest


async def page(world: World, reader: Actor, number: str, *, reveal: bool = False) -> CasePage:
    """The Mini App's case page as `reader` opens it (a manager may reveal the contact)."""

    async def opened(uow: UnitOfWork, desk: Desk) -> CasePage:
        return await case_page(uow.session, desk, reader, Language.ZH_HANS, number, reveal=reveal)

    return await world.act(opened)


async def test_an_anonymous_filer_is_named_nowhere_staff_look_but_keeps_her_phone(
    world: World,
) -> None:
    shared = RecordingSender()
    filer = Chat(world, "u1", name=NAME, sender=shared)
    courier = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=shared)
    boss = Chat(world, await enrol(world, "张总", "management", "manager"), sender=shared)
    number = (await file_delivery(filer, anonymous=True)).number
    await courier.send(f"/reply {number} #tracing")  # the canned answer greets her by name
    assert f"{NAME}您好" in filer.said()[-1]
    await filer.press(f"add:{number}")
    await filer.send(f"{NAME}补充：快递员说放在门卫了，可是没有")

    card = shared.texts_to("logistics")[0]
    assert number in card and MASKED in card
    to_staff = [m.text for m in shared.sent if m.chat_id != filer.chat_id]
    assert any("门卫" in text for text in to_staff)  # her addition did reach them
    assert [text for text in to_staff if NAME in text] == []
    for reader in (courier, boss):
        seen = (await reader.send(f"/case {number}"))[0].text
        assert NAME not in seen and f"{ANONYMOUS}，{PHONE}" in seen
        assert number not in (await reader.send(f"/find {NAME}"))[0].text
        assert number in (await reader.send(f"/find {PHONE[-4:]}"))[0].text

    staff = await world.staff("物流小王", "logistics")
    manager = await world.staff("王经理", "management", Role.MANAGER)
    for shown, phone in (
        (await page(world, staff, number), MASKED),
        (await page(world, manager, number, reveal=True), PHONE),
    ):
        assert (shown.customer, shown.phone) == (ANONYMOUS, phone)
        assert NAME not in repr(shown)
        assert any("[***]您好" in entry.text for entry in shown.timeline)


async def test_her_own_data_still_holds_her_name_and_the_anonymous_case(world: World) -> None:
    filer = Chat(world, "u1", name=NAME)
    case = await file_delivery(filer, anonymous=True)
    (reply,) = await filer.send("/mydata")
    assert reply.document is not None
    held = json.loads(reply.document.content)
    assert (held["name"], held["phone"]) == (NAME, PHONE)
    (mine,) = held["cases"]
    assert (mine["number"], mine["anonymous"]) == (case.number, True)
    assert mine["description"] == case.description


async def test_a_named_filing_still_names_the_customer_to_staff(world: World) -> None:
    shared = RecordingSender()
    filer = Chat(world, "u1", name=NAME, sender=shared)
    courier = Chat(world, await enrol(world, "物流小刘", "logistics"), sender=shared)
    number = (await file_delivery(filer, anonymous=False)).number
    assert f"{NAME}，{PHONE}" in (await courier.send(f"/case {number}"))[0].text
    assert number in (await courier.send(f"/find {NAME}"))[0].text
    staff = await world.staff("物流小王", "logistics")
    assert (await page(world, staff, number)).customer == NAME


async def test_an_anonymous_case_of_a_customer_known_by_name_hides_only_that_case(
    world: World,
) -> None:
    """The name told on her first filing stays on her row; her anonymous second filing
    does not show it, her first still does."""
    buyer = await world.customer(NAME, PHONE)
    named = await world.file(buyer, category="delivery")
    unnamed = await world.file(buyer, category="delivery", anonymous=True)
    staff = await world.staff("物流小王", "logistics")
    assert (await page(world, staff, named.number)).customer == NAME
    assert (await page(world, staff, unnamed.number)).customer == ANONYMOUS


async def test_an_anonymous_filing_still_reads_once(world: World) -> None:
    """Her name, withheld from the card, comes with the filing's one read (issue 12)."""
    buyer = await world.customer(NAME, PHONE)
    with statements(world.db) as seen:
        await world.file(buyer, description=f"{NAME}：水壶漏水", anonymous=True)
    assert len(touching(seen, "SELECT")) == 1, seen
    (card,) = await world.queued_texts("product")
    assert NAME not in card and "[***]：水壶漏水" in card
