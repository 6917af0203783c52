"""A department member takes each new case from the card in the group (Take), so the run
also covers group buttons, callback answers and the card's edit (an editMessageText)."""

from __future__ import annotations

import time
from typing import Any

from tests.crash.bot_api import CrashBotAPI, Received
from tests.crash.customers import Customer

# category -> (department, the member who takes its cases, their Telegram user id)
TAKERS = {
    "product_quality": ("product", "李雷", 2001),
    "service_attitude": ("service", "韩梅梅", 2002),
    "delivery": ("logistics", "物流小刘", 2003),
    "aftersales": ("aftersales", "售后小王", 2004),
    "facilities": ("facilities", "设施老陈", 2007),
}


def roster() -> str:
    """The takers the example config lacks, as [[policy.staff]] entries."""
    known = {"李雷", "韩梅梅"}
    return "".join(
        f'\n[[policy.staff]]\nname = "{name}"\ndepartment = "{department}"\nrole = "staff"\n'
        f'accounts = {{ telegram = "{user_id}" }}\n'
        for department, name, user_id in TAKERS.values()
        if name not in known
    )


async def take(api: CrashBotAPI, customer: Customer, group: int) -> None:
    """Tap Take on the customer's card, then wait for the card to be edited."""
    _, name, user_id = TAKERS[customer.category]
    action = f"take:{customer.number}"
    cards: list[Received] = []

    def card_came() -> bool:
        cards.extend(m for m in api.messages_to(group) if action in m.buttons)
        return bool(cards)

    await api.wait(card_came)
    card = cards[0]
    staff = {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh"}
    query: dict[str, Any] = {
        "chat_instance": "group",
        "from": staff,
        "data": action,
        "message": {
            "message_id": card.message_id,
            "date": int(time.time()),
            "chat": {"id": group, "type": "supergroup"},
            "text": card.text,
        },
    }
    customer.stuck_at = f"after {name} tapped {action}"
    mark = len(api.received)
    customer.staff_updates.append(
        api.feed(lambda u: {"update_id": u, "callback_query": {"id": f"cq{u}", **query}})
    )
    await api.wait(
        lambda: any(
            r.method == "editMessageText" and r.chat_id == group and str(customer.number) in r.text
            for r in api.received[mark:]
        )
    )
    customer.stuck_at = "done"
