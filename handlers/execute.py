"""Carry out what a dialogue decided: one intent, the one handler registered for its type
(`handlers/registry.py`), and the answer to give."""

from __future__ import annotations

# Each module registers the handlers beside its use cases when imported.
from conversations.base.messages import Reply
from conversations.intents import Intent
from handlers import (  # noqa: F401
    absence,
    assign,
    capa,
    customer,
    followup,
    investigate,
    language,
    link,
    manage,
    miniapp_signin,
    on_behalf,
    personal_data,
    relay,
    resolution,
    reviews,
    solution,
    staff_file,
    staffing,
    take,
    typical,
    views,
)
from handlers.access import require_access
from handlers.desk import Desk
from handlers.identify import Person
from handlers.registry import Call, handler_for
from storage.uow import UnitOfWork


async def execute(
    uow: UnitOfWork, desk: Desk, person: Person, channel: str, intent: Intent
) -> list[Reply]:
    require_access(person)  # withdrawn staff: refused at once, whatever they ask (issue 13)
    return await handler_for(intent)(Call(uow, desk, person, channel), intent)
