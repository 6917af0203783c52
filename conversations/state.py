"""Where a chat stands in its dialogue; saved in the database with the case change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from gettext import NullTranslations
from typing import Any

from conversations.base.messages import Reply
from conversations.base.policy import Language, Policy
from conversations.intents import Intent


class Flow(StrEnum):
    """The dialogue a chat is in (conversations.flow); values are stored, never renamed."""

    IDLE = "idle"
    FILING = "file"  # customer: filing a case (conversations/filing.py)
    TRIAGE = "triage"  # customer: asked whether free text is about the open case
    REFUSE = "refuse"  # customer: the reason a solution does not suit them
    ADD_INFO = "add_info"  # customer: text or photos for a case
    SURVEY = "survey"  # customer: the satisfaction follow-up
    STAFF_INPUT = "staff_input"  # staff: the text a command still needs
    REVIEW_LOG = "review_log"  # staff: logging a bad review
    STAFF_FILING = "staff_file"  # staff: filing a complaint taken by phone etc. (issue 13)


IDLE = Flow.IDLE


@dataclass(frozen=True)
class State:
    flow: str = IDLE
    step: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def idle(self) -> bool:
        return self.flow == IDLE


@dataclass(frozen=True)
class Context:
    """What a flow step may know besides the state and the message: no I/O, no clock."""

    now: datetime
    t: NullTranslations
    language: Language
    policy: Policy
    known_name: str | None = None
    role: str | None = None  # staff only: "staff", "lead" or "manager"
    open_cases: tuple[str, ...] = ()  # customers writing freely: their open cases, newest first


@dataclass(frozen=True)
class Outcome:
    state: State
    replies: tuple[Reply, ...] = ()
    intents: tuple[Intent, ...] = ()


def say(state: State, *replies: Reply, intents: tuple[Intent, ...] = ()) -> Outcome:
    return Outcome(state, replies, intents)
