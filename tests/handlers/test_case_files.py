"""/case N lists the case's photos and files for staff (issue 13): kind, name, size, who
sent it and when; never where the desk keeps them. On SQLite and PostgreSQL."""

from __future__ import annotations

from conversations.base.policy import Language
from handlers.actors import Actor
from handlers.case_files import size_words
from handlers.identify import Person
from handlers.views import staff_case
from storage.models import Attachment, Case
from storage.uow import unit_of_work
from tests.fakes.chat import Chat
from tests.fakes.world import World
from tests.handlers.staff_people import member


async def with_files(world: World, case: Case, handler: Actor) -> None:
    """A photo and a voice note from the customer, a document from the handler an hour on."""
    async with unit_of_work(world.db) as uow:
        for kind, name, size, staff in (
            ("photo", None, 245_000, None),
            ("voice", None, 800, None),
        ):
            uow.session.add(file_row(world, case, kind, name, size, staff))
        world.clock.advance(hours=1)
        uow.session.add(file_row(world, case, "document", "发票.pdf", 3_400_000, handler.id))


def file_row(
    world: World, case: Case, kind: str, name: str | None, size: int, staff: int | None
) -> Attachment:
    return Attachment(
        case_id=case.id,
        channel="telegram",
        file_ref=f"ref-{kind}",
        media_kind=kind,
        created_at=world.clock.now(),
        stored_path=f"attachments/ab/{kind}-secret-path.bin",
        size_bytes=size,
        file_name=name,
        staff_id=staff,
    )


async def shown(world: World, actor: Actor, number: str, *, page: bool = False) -> str:
    person = Person(actor, Language.ZH_HANS, actor.name)
    async with unit_of_work(world.db) as uow:
        return (await staff_case(uow.session, world.desk, person, number, page=page)).text


async def test_case_lists_the_attachments_with_kind_name_size_sender_and_time(
    world: World,
) -> None:
    handler = await member(world, "李雷", "product")
    case = await world.file(await world.customer())
    await with_files(world, case, handler)
    lines = (await shown(world, handler, case.number)).split("\n")
    start = lines.index("附件（3）：")
    assert lines[start + 1 :] == [
        "2026-11-24 10:00 · 客户 · 照片 · - · 239 KB",
        "2026-11-24 10:00 · 客户 · 语音 · - · 800 B",
        "2026-11-24 11:00 · 李雷 · 文件 · 发票.pdf · 3.2 MB",
    ]
    assert "secret-path" not in "\n".join(lines)  # the file store is the operator's


async def test_with_the_case_page_on_the_list_points_to_it(world: World) -> None:
    handler = await member(world, "李雷", "product")
    case = await world.file(await world.customer())
    await with_files(world, case, handler)
    text = await shown(world, handler, case.number, page=True)
    assert text.endswith("发票.pdf · 3.2 MB\n如需查看，请打开案件页面。")


async def test_a_case_without_files_lists_none(world: World) -> None:
    await member(world, "李雷", "product")
    case = await world.file(await world.customer())
    chat = Chat(world, "staff:李雷")
    text = (await chat.send(f"/case {case.number}"))[0].text
    assert "附件" not in text and case.number in text


async def test_case_command_shows_them_in_the_staff_chat(world: World) -> None:
    handler = await member(world, "李雷", "product")
    case = await world.file(await world.customer())
    await with_files(world, case, handler)
    text = (await Chat(world, "staff:李雷").send(f"/case {case.number}"))[0].text
    assert "附件（3）：" in text and "发票.pdf" in text and "如需查看" not in text


def test_sizes_read_as_people_say_them() -> None:
    assert [size_words(n) for n in (None, 0, 1023, 1024, 1_048_575, 1_048_576)] == [
        "-",
        "0 B",
        "1023 B",
        "1 KB",
        "1023 KB",
        "1.0 MB",
    ]
