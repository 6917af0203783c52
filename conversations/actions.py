"""Button data: one encoding for every choice the desk offers, so a Telegram button, a
numbered WeChat choice, a WeCom card command and the flow that reads them agree.

Data is `verb:value` (`take:TS202611-0007`, `lang:en`), plus `solved:NUMBER:yes|no` for the
survey. The strings are the ones already on sent messages, so old buttons keep working.
Anything forged, malformed or from an older version decodes to None; the flows answer
"That button is not available here". Telegram allows 64 bytes of callback data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.base.parsing import CASE_NUMBER

MAX_BYTES = 64  # Telegram's callback_data limit


class CaseVerb(StrEnum):
    """Buttons that act on one case, named by its number."""

    TAKE = "take"
    DETAILS = "details"  # staff: the case card in private
    APPROVE = "approve"
    SEND_BACK = "send_back"
    REVIEW = "review"
    REASSIGN = "reassign"
    ACCEPT = "accept"
    REFUSE = "refuse"
    ADD = "add"
    CASE = "case"  # customer: how it stands
    APPEND = "append"  # customer: add a free message to this open case


class Pick(StrEnum):
    """Choices inside a dialogue; the flow checks the value against what it offered."""

    LANGUAGE = "lang"
    FILE = "file"
    CASES = "cases"  # no value
    NEW = "new"
    KIND = "kind"
    CATEGORY = "category"
    WANTED = "wanted"
    SCORE = "score"
    SKIP = "skip"
    CONFIRM = "confirm"
    EDIT = "edit"
    WHO = "who"
    SECRET = "secret"
    PLATFORM = "platform"


@dataclass(frozen=True)
class CaseButton:
    verb: CaseVerb
    number: str


@dataclass(frozen=True)
class SolvedButton:
    """The survey's first question: is the problem of case `number` solved?"""

    number: str
    solved: bool


@dataclass(frozen=True)
class Choice:
    pick: Pick
    value: str = ""


Action = CaseButton | SolvedButton | Choice

# The staff command a case button stands for, where a channel has no buttons (WeCom
# group robots show the command instead).
STAFF_COMMANDS = {
    CaseVerb.TAKE: "take",
    CaseVerb.DETAILS: "case",
    CaseVerb.APPROVE: "approve",
    CaseVerb.SEND_BACK: "sendback",
    CaseVerb.REVIEW: "review",
    CaseVerb.REASSIGN: "reassign",
}


def encode(action: Action) -> str:
    """The button data; ValueError when it would not fit Telegram's 64 bytes."""
    match action:
        case CaseButton(verb=verb, number=number):
            data = f"{verb.value}:{number}"
        case SolvedButton(number=number, solved=solved):
            data = f"solved:{number}:{'yes' if solved else 'no'}"
        case Choice(pick=pick, value=value):
            data = f"{pick.value}:{value}" if value else pick.value
    if len(data.encode()) > MAX_BYTES:
        msg = f"button data over {MAX_BYTES} bytes: {data!r}"
        raise ValueError(msg)
    return data


def decode(data: str | None) -> Action | None:
    """What a button means, or None for anything we never encoded."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    head, _, value = data.partition(":")
    if head == "solved":
        number, _, answer = value.partition(":")
        if _is_number(number) and answer in {"yes", "no"}:
            return SolvedButton(number, answer == "yes")
        return None
    if head in _CASE_VERBS:
        return CaseButton(CaseVerb(head), value) if _is_number(value) else None
    if head in _PICKS and value.isprintable() and ":" not in value:
        return Choice(Pick(head), value)
    return None


_CASE_VERBS = {verb.value for verb in CaseVerb}
_PICKS = {pick.value for pick in Pick}


def _is_number(text: str) -> bool:
    return CASE_NUMBER.fullmatch(text) is not None


def case_button(verb: CaseVerb, number: str) -> str:
    return encode(CaseButton(verb, number))


def choice(pick: Pick, value: str = "") -> str:
    return encode(Choice(pick, value))


def picked(data: str | None, pick: Pick) -> str | None:
    """The value of a `pick` choice, or None when the data is something else."""
    action = decode(data)
    return action.value if isinstance(action, Choice) and action.pick is pick else None


def staff_command(data: str) -> str | None:
    """`/take TS202611-0007` for a take button: what a channel without buttons shows."""
    action = decode(data)
    if isinstance(action, CaseButton) and action.verb in STAFF_COMMANDS:
        return f"/{STAFF_COMMANDS[action.verb]} {action.number}"
    return None
