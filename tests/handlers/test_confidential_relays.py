"""Confidential means confidential (issue 15): a confidential filer writes her own name,
phone and e-mail into every relay (the story, added information, a photo's caption, a
refusal's reason, a survey comment); what the handler and the department group receive in
the outbox holds none of them, through dispatch on both backends."""

from __future__ import annotations

from conversations.base.messages import Media
from conversations.base.numbers import digit
from storage.models import Case
from tests.fakes.chat import Chat
from tests.fakes.senders import RecordingSender
from tests.fakes.world import World, enrol

NAME, PHONE, EMAIL = "赵敏", "13812345678", "zhao.min@qq.com"


def leaks(text: str) -> list[str]:
    """Her name, her phone however spelt (digits of any kind, in any grouping), her address."""
    digits = "".join(digit(c) or "" for c in text)
    found = [NAME] if NAME in text else []
    found += [PHONE] if PHONE in digits or PHONE[3:] in digits else []
    return found + (["zhao.min"] if "zhao.min" in text else [])


async def file_in_confidence(filer: Chat) -> None:
    await filer.send(f"我是{NAME}，电水壶漏水。电话{PHONE}，邮箱 {EMAIL}")
    await filer.press("category:product_quality")
    await filer.press("skip:details")
    await filer.press("wanted:replacement")
    await filer.press("who:ask")
    await filer.press("who:customer")
    await filer.press("secret:toggle")
    await filer.press("confirm:submit")


async def test_every_relay_of_a_confidential_filer_hides_her_name_and_contacts(
    world: World,
) -> None:
    shared = RecordingSender()
    filer = Chat(world, "u1", name=NAME, sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    service = Chat(world, await enrol(world, "韩梅梅", "service"), sender=shared)
    await file_in_confidence(filer)
    case = await world.only(Case)
    assert case.confidential
    number = case.number
    await handler.press(f"take:{number}")
    await filer.press(f"add:{number}")
    await filer.send(f"补充：我是{NAME}，电话 138-1234-5678，邮箱 {EMAIL}")
    await filer.press(f"add:{number}")
    await filer.send(f"{NAME}拍的照片，一三八一二三四五六七八", media=(Media("photo", "f-1"),))
    await handler.send(f"/valid {number} 密封圈缺陷 | 来料不良")
    await handler.send(f"/propose {number} 送您一张优惠券")
    await filer.press(f"refuse:{number}")
    await filer.send(f"{NAME}不接受，要换新的，打 +86 138 1234 5678 或写 zhao.min＠qq.com")
    await handler.send(f"/propose {number} 更换新水壶")
    await filer.press(f"accept:{number}")
    await handler.send(f"/resolve {number} 已更换")
    await service.send(f"/review {number}")
    await filer.press(f"solved:{number}:no")
    await filer.press("score:2")
    await filer.send(f"{NAME}：还是漏，138 1234 5678 随时打")

    to_staff = [m for m in shared.sent if m.chat_id != "u1"]
    relays = [m for m in to_staff if "[***]" in m.text]
    to_handler = {m.chat_id for m in relays} & {handler.chat_id}
    assert to_handler and {"product"} <= {m.chat_id for m in relays}  # her words did arrive
    assert len(relays) >= 6  # card, two additions and the refusal, to group and handler
    assert [(m.chat_id, leaks(m.text)) for m in to_staff if leaks(m.text)] == []


async def test_a_name_told_while_filing_is_removed_from_the_card(world: World) -> None:
    """The name asked for during filing is stored in the same transaction as the card."""
    shared = RecordingSender()
    filer = Chat(world, "u1", sender=shared)  # no name from the platform: the desk asks
    await enrol(world, "李雷", "product")
    await filer.send(f"我是{NAME}，电水壶漏水，电话{PHONE}")
    for button in ("category:product_quality", "skip:details", "wanted:replacement"):
        await filer.press(button)
    await filer.send(NAME)
    for button in ("who:ask", "who:customer", "secret:toggle", "confirm:submit"):
        await filer.press(button)
    (card,) = [m.text for m in shared.sent if m.chat_id == "product"]
    assert "电水壶漏水" in card and "[***]" in card and leaks(card) == []


async def test_an_ordinary_filers_relayed_words_are_masked_not_removed(world: World) -> None:
    shared = RecordingSender()
    filer = Chat(world, "u1", name="钱先生", sender=shared)
    handler = Chat(world, await enrol(world, "李雷", "product"), sender=shared)
    await filer.send("电水壶漏水")
    await filer.press("category:product_quality")
    await filer.press("skip:details")
    await filer.press("wanted:replacement")
    await filer.press("confirm:submit")
    number = (await world.only(Case)).number
    await handler.press(f"take:{number}")
    await filer.press(f"add:{number}")
    await filer.send("我的电话 9123 4567，座机 010-12345678，邮箱 qian@163.com")
    relayed = [m.text for m in shared.sent if m.chat_id in ("product", handler.chat_id)][-2:]
    assert len(relayed) == 2
    for text in relayed:
        assert "91****67" in text and "010****5678" in text and "q***@163.com" in text
        assert "12345678" not in text and "qian@" not in text
