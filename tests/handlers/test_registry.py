"""Every intent a flow can produce has exactly one handler (a missing one is a bug, not
a refusal), and each handler is registered beside its use case."""

from __future__ import annotations

import types
from typing import Union, get_args, get_origin

import pytest

from conversations import intents
from handlers import execute  # noqa: F401 - imports every module that registers
from handlers.registry import HANDLERS, handler_for, handles


def members(union: object) -> set[type]:
    if get_origin(union) in {Union, types.UnionType}:
        return {kind for arg in get_args(union) for kind in members(arg)}
    assert isinstance(union, type)
    return {union}


INTENTS = sorted(members(intents.Intent), key=lambda kind: kind.__name__)


def test_every_intent_type_has_a_handler() -> None:
    missing = [kind.__name__ for kind in INTENTS if kind not in HANDLERS]
    assert missing == []
    assert len(INTENTS) >= 29  # the 10 customer/common intents and 19 staff ones


@pytest.mark.parametrize("kind", INTENTS, ids=lambda kind: kind.__name__)
def test_the_handler_lives_beside_its_use_case(kind: type) -> None:
    module = HANDLERS[kind].__module__
    assert module.startswith("handlers.") and module not in {
        "handlers.execute",
        "handlers.registry",
    }


def test_no_handler_is_stray() -> None:
    assert set(HANDLERS) <= set(INTENTS)


def test_an_unregistered_intent_is_a_programming_error() -> None:
    class Unknown:
        pass

    with pytest.raises(LookupError, match="Unknown"):
        handler_for(Unknown())


def test_a_second_handler_for_one_type_is_refused_at_import() -> None:
    async def again(call: object, intent: intents.Take) -> list[object]:
        return []

    with pytest.raises(TypeError, match="already handled"):
        handles(intents.Take)(again)  # type: ignore[arg-type]
