"""Intents routed by type (STYLE habit 15): each use case module registers the handler
for the intents it carries out with `@handles(IntentType)`; `handlers/execute.py` looks
them up. A type with no handler is a bug, caught by a test that walks every intent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from conversations import replies
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from handlers.access import require_staff
from handlers.actors import Actor
from handlers.approval import needs_approval
from handlers.desk import Desk
from handlers.identify import Person
from storage.models import Case
from storage.uow import UnitOfWork

I = TypeVar("I")  # noqa: E741 - the intent type a handler takes


@dataclass(frozen=True)
class Call:
    """Who acts, where, in which unit of work: what every handler is given."""

    uow: UnitOfWork
    desk: Desk
    person: Person
    channel: str

    @property
    def actor(self) -> Actor:
        return self.person.actor


Handler = Callable[[Call, I], Awaitable[list[Reply]]]
HANDLERS: dict[type, Handler[Any]] = {}


def handles(kind: type[I]) -> Callable[[Handler[I]], Handler[I]]:
    """Register the decorated function as the one handler of intents of type `kind`."""

    def register(function: Handler[I]) -> Handler[I]:
        if kind in HANDLERS:
            msg = f"{kind.__name__} already handled by {HANDLERS[kind].__qualname__}"
            raise TypeError(msg)
        HANDLERS[kind] = function
        return function

    return register


def handler_for(intent: object) -> Handler[Any]:
    try:
        return HANDLERS[type(intent)]
    except KeyError:
        msg = f"no handler registered for {type(intent).__name__}"
        raise LookupError(msg) from None


async def staff_done(
    call: Call, use_case: Callable[..., Awaitable[Case]], *args: object
) -> list[Reply]:
    """A staff action on a case, answered with where the case stands now."""
    require_staff(call.actor)
    case = await use_case(call.uow, call.desk, call.actor, *args)
    t = translation(call.person.language)
    approval = needs_approval(call.desk, case)
    return [Reply(replies.done(t, case.number, case.status, approval=approval))]
