"""Rows for the flow tables: a state and a message in, the state, replies and intents out.

The flows are pure (`state + Inbound + Context -> Outcome`), so each row steps one flow
function directly: no database, no dispatch, no clock. Expected replies are written as the
catalog's msgid and rendered in the row's language, so one row checks all three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from conversations.base.i18n import translation
from conversations.base.messages import Inbound, Media, Reply
from conversations.base.policy import Language
from conversations.intents import Intent
from conversations.state import Context, Outcome, State
from conversations.wording import refusal
from tests.fakes.policy import test_policy

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # a Tuesday; "yesterday" is 2026-11-23
LANGUAGES = tuple(Language)
Step = Callable[[State, Inbound, Context], Outcome]


def message(
    text: str = "",
    *,
    button: str | None = None,
    media: tuple[Media, ...] = (),
    unreadable: str | None = None,
    quoted: str | None = None,
    chat_id: str = "c1",
) -> Inbound:
    return Inbound(
        channel="console",
        update_id="1",
        chat_id=chat_id,
        sender_id="c1",
        received_at=NOW,
        text=text,
        button=button,
        media=media,
        unreadable=unreadable,
        quoted=quoted,
        is_group=chat_id.startswith("-"),
    )


def press(button: str) -> Inbound:
    return message(button=button)


def context(
    language: Language,
    *,
    known_name: str | None = None,
    role: str | None = None,
    open_cases: tuple[str, ...] = (),
) -> Context:
    return Context(
        NOW, translation(language), language, test_policy(), known_name, role, open_cases
    )


@dataclass(frozen=True)
class Said:
    """A reply expected: its catalog msgid with placeholders filled; `whole` compares the
    whole text, otherwise the rendered msgid must appear in it (a summary, a guide)."""

    msgid: str
    fmt: Mapping[str, Any] = field(default_factory=dict)
    whole: bool = True
    refusal: bool = False  # `msgid` is a refusal key (conversations/wording.py)

    def render(self, language: Language) -> str:
        t = translation(language)
        if self.refusal:
            return refusal(t, self.msgid, dict(self.fmt))
        return t.gettext(self.msgid).format(**self.fmt)


def said(msgid: str, /, **fmt: Any) -> Said:
    return Said(msgid, fmt)


def says_in(msgid: str, /, **fmt: Any) -> Said:
    return Said(msgid, fmt, whole=False)


def refused(key: str, /, **params: Any) -> Said:
    return Said(key, params, refusal=True)


@dataclass(frozen=True)
class Row:
    """One transition. `offers` are the actions of the last reply's options (None: not
    checked); `data` is a subset the new state's data must hold; `gone` keys it must not."""

    id: str
    state: State
    inbound: Inbound
    flow: str
    step: str = ""
    says: tuple[Said, ...] = ()
    intents: tuple[Intent, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    gone: tuple[str, ...] = ()
    offers: tuple[str, ...] | None = None
    known_name: str | None = None
    role: str | None = None
    open_cases: tuple[str, ...] = ()


def check(step: Step, row: Row, language: Language) -> None:
    ctx = context(language, known_name=row.known_name, role=row.role, open_cases=row.open_cases)
    outcome = step(row.state, row.inbound, ctx)
    where = (outcome.state.flow, outcome.state.step)
    assert where == (row.flow, row.step), where
    assert_says(outcome.replies, row.says, language)
    assert outcome.intents == row.intents, outcome.intents
    for key, value in row.data.items():
        assert outcome.state.data.get(key) == value, (key, outcome.state.data.get(key))
    for key in row.gone:
        assert key not in outcome.state.data, (key, outcome.state.data)
    if row.offers is not None:
        offered = actions(outcome.replies[-1])
        assert offered == row.offers, offered


def assert_says(replies: tuple[Reply, ...], expected: tuple[Said, ...], language: Language) -> None:
    """Exactly the replies expected, in order: never a second answer, never silence
    where one is due."""
    assert len(replies) == len(expected), [reply.text for reply in replies]
    for reply, want in zip(replies, expected, strict=True):
        text = want.render(language)
        if want.whole:
            assert reply.text == text, (reply.text, text)
        else:
            assert text in reply.text, (reply.text, text)


def actions(reply: Reply) -> tuple[str, ...]:
    return tuple(option.action for option in reply.options)


def table(rows: list[Row]) -> list[Any]:
    """pytest parameters: every row in every language, named `row-id[language]`."""
    return [
        pytest.param(row, language, id=f"{row.id}[{language.value}]")
        for row in rows
        for language in LANGUAGES
    ]
