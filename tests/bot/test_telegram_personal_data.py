"""/mydata and /forgetme through the real aiogram client against the fake Bot API
(polling; both backends, issue 15)."""

from __future__ import annotations

from storage.models import AuditEntry, Case, Customer, Identity
from tests.bot.telegram_harness import running
from tests.fakes.telegram_api import button_update, message_update, user
from tests.fakes.world import World

CUSTOMER = user(1001, "王芳")


async def test_mydata_then_forgetme_on_telegram(world: World) -> None:
    async with running(world, "polling") as tg:
        api = tg.api
        await tg.send(message_update(CUSTOMER, "水壶漏水，请打 13812345678"))
        await tg.send(button_update(CUSTOMER, 1001, "category:product_quality"))
        await tg.send(button_update(CUSTOMER, 1001, "skip:details"))
        await tg.send(button_update(CUSTOMER, 1001, "wanted:replacement"))
        await tg.send(button_update(CUSTOMER, 1001, "confirm:submit"))
        case = await world.only(Case)

        await tg.send(message_update(CUSTOMER, "/mydata"))
        ((name, content),) = api.documents_to(1001)  # a file since the outbox carries one
        assert name in api.texts_to(1001)[-1] and "我们保存的关于您的信息" in api.texts_to(1001)[-1]
        held = content.decode()
        assert case.number in held and "水壶漏水" in held and "telegram" in held

        await tg.send(message_update(CUSTOMER, "/forgetme"))
        assert "/forgetme 确认" in api.texts_to(1001)[-1]
        await tg.send(message_update(CUSTOMER, "/forgetme 确认"))
        assert "结案后匿名化" in api.texts_to(1001)[-1]  # the case is still open

    assert (await world.only(Customer)).forget_requested_at is not None
    customers = [i for i in await world.all(Identity) if i.customer_id is not None]
    assert len(customers) == 1  # kept to reach her until the case closes
    actions = [entry.action for entry in await world.all(AuditEntry)]
    assert actions == ["customer_export", "customer_erasure_pending"]
