"""`/file`: staff file a complaint taken by phone, at the counter, by letter or by email,
for the customer (first-contact ownership, seed 001 首问负责制). How it came, the
customer's name and contact, then the customer flow's own questions (category, what
happened, order or date, what they want: conversations/filing.py's options and checks),
a summary, and FileOnBehalf. Who may file, and the customer record, are the use case's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from gettext import NullTranslations
from typing import Any

from conversations import filing
from conversations.actions import CaseButton, CaseVerb, SolvedButton, decode
from conversations.base.messages import Inbound, Option, Reply
from conversations.base.parsing import clean, find_phone, plausible_name
from conversations.base.values import CaseKind, Via, Wanted
from conversations.intents import FileCase, FileOnBehalf
from conversations.state import IDLE, Context, Flow, Outcome, State, say

FLOW = Flow.STAFF_FILING
MAX_CONTACT = 32  # customers.phone holds the contact: a mobile number or an email address
ANONYMOUS = "-"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
Data = dict[str, Any]
Answer = Data | str


class StaffFilingStep(StrEnum):
    """The question a staff filing waits on (conversations.step); stored, never renamed."""

    VIA = "via"
    NAME = "name"
    CONTACT = "contact"
    CATEGORY = "category"
    DESCRIPTION = "description"
    DETAILS = "details"
    WANTED = "wanted"
    CONFIRM = "confirm"


S = StaffFilingStep


def via_label(t: NullTranslations, via: str) -> str:
    g = t.gettext
    labels: dict[str, str] = {
        Via.PHONE: g("Phone call"),
        Via.COUNTER: g("At the counter"),
        Via.LETTER: g("Letter"),
        Via.EMAIL: g("Email"),
    }
    return labels.get(via, via)


def start(ctx: Context) -> Outcome:
    """`/file` in a staff member's private chat."""
    return ask_next(ctx, {})


# -- how it came, who the customer is ------------------------------------------------


def via_options(ctx: Context) -> list[Option]:
    return [Option(via_label(ctx.t, via), f"via:{via.value}") for via in Via]


def ask_via(ctx: Context, data: Data) -> Reply:
    ask = ctx.t.gettext("Filing a complaint for a customer. How did it reach you?")
    return Reply(ask, tuple(via_options(ctx)))


def answer_via(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    chosen = filing.pick(inbound, "via", via_options(ctx))
    if chosen not in set(Via):
        return ctx.t.gettext("Please choose one of the options below.")
    return {"via": chosen}


def ask_name(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("The customer's name? Send - if they stay anonymous."))


def answer_name(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    name = clean(inbound.text)
    if name == ANONYMOUS:
        return {"name": None}
    if not plausible_name(name):
        return ctx.t.gettext(
            "Please send the customer's name (up to 100 characters), or - if they stay anonymous."
        )
    return {"name": name}


def ask_contact(ctx: Context, data: Data) -> Reply:
    if data.get("via") == Via.EMAIL:
        ask = ctx.t.gettext("The customer's email address or mobile number? Send - if none.")
    else:
        ask = ctx.t.gettext("The customer's mobile number? Send - if they gave none.")
    return Reply(ask)


def answer_contact(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    text = clean(inbound.text)
    if text == ANONYMOUS:
        return {"contact": None}
    found = contact_in(text, email=data.get("via") == Via.EMAIL)
    if found is not None:
        return {"contact": found}
    if data.get("via") == Via.EMAIL:
        return ctx.t.gettext(
            "That is neither an email address (up to {limit} characters) nor a mobile "
            "number (11 digits, e.g. 13812345678). Please try again, or send -."
        ).format(limit=MAX_CONTACT)
    return ctx.t.gettext(
        "That does not look like a mobile number (11 digits, e.g. 13812345678). "
        "Please try again, or send -."
    )


def contact_in(text: str, *, email: bool) -> str | None:
    """A mobile number (as the customer flow reads one), or for a complaint by email an
    address that fits the contact column; None when the text is neither."""
    if email and _EMAIL.fullmatch(text):  # before the phone: 13812345678@qq.com is mail
        return text if len(text) <= MAX_CONTACT else None
    return find_phone(text)


# -- the customer flow's questions, asked of staff ------------------------------------


def ask_category(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("Which of these is it about?"), tuple(filing.category_options(ctx)))


def ask_description(ctx: Context, data: Data) -> Reply:
    return Reply(
        ctx.t.gettext("What happened, as the customer told it? Photos of a letter can be sent too.")
    )


def ask_wanted(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("What does the customer want?"), tuple(filing.wanted_options(ctx)))


@dataclass(frozen=True)
class Question:
    key: StaffFilingStep
    ask: Callable[[Context, Data], Reply]
    answer: Callable[[Inbound, Context, Data], Answer]
    answered: Callable[[Data], bool]


QUESTIONS = [
    Question(S.VIA, ask_via, answer_via, lambda d: "via" in d),
    Question(S.NAME, ask_name, answer_name, lambda d: "name" in d),
    Question(S.CONTACT, ask_contact, answer_contact, lambda d: "contact" in d),
    Question(S.CATEGORY, ask_category, filing.answer_category, lambda d: "category" in d),
    Question(
        S.DESCRIPTION, ask_description, filing.answer_description, lambda d: "description" in d
    ),
    Question(
        S.DETAILS, filing.ask_details, filing.answer_details, lambda d: not filing.details_needed(d)
    ),
    Question(S.WANTED, ask_wanted, filing.answer_wanted, lambda d: "wanted" in d),
]
BY_KEY = {question.key.value: question for question in QUESTIONS}


def ask_next(ctx: Context, data: Data) -> Outcome:
    data = {**data, "kind": CaseKind.COMPLAINT.value}
    for question in QUESTIONS:
        if not question.answered(data):
            return say(State(FLOW, question.key, data), question.ask(ctx, data))
    return say(State(FLOW, S.CONFIRM, data), summary(ctx, data))


def step(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    """One answer. The caller (conversations/staff.py) has already let any other
    command or case button leave the dialogue."""
    if cancelled(inbound):
        return say(State(IDLE), Reply(ctx.t.gettext("Cancelled; nothing was filed.")))
    if inbound.media and state.step != S.DESCRIPTION:  # a photo of the letter: kept
        state = State(FLOW, state.step, filing.with_media(state.data, inbound.media))
        if not (inbound.text.strip() or inbound.button):
            return say(state, Reply(filing.file_kept(ctx.t)))
    if state.step == S.CONFIRM:
        return confirm(state, inbound, ctx)
    question = BY_KEY.get(state.step)
    if question is None:  # a step this version no longer has: ask afresh
        return ask_next(ctx, state.data)
    result = question.answer(inbound, ctx, state.data)
    if isinstance(result, str):
        return say(state, Reply(result), question.ask(ctx, state.data))
    if result.pop("_stay", False):  # photos first, the words still to come
        got = ctx.t.gettext("Photo received. Now please describe what happened in a few words.")
        return say(State(FLOW, state.step, {**state.data, **result}), Reply(got))
    return ask_next(ctx, {**state.data, **result})


def cancelled(inbound: Inbound) -> bool:
    words = clean(inbound.text).split(maxsplit=1)
    typed = bool(words) and words[0].split("@")[0].casefold() == "/cancel"
    return typed or inbound.button == "confirm:cancel"


# -- the summary ----------------------------------------------------------------------


def summary(ctx: Context, data: Data) -> Reply:
    t = ctx.t.gettext
    category = ctx.policy.category(data["category"]).names.get(ctx.language, data["category"])
    lines = [
        t("Please check the complaint before it is filed."),
        t("How it came: {via}").format(via=via_label(ctx.t, data["via"])),
        t("Customer: {name}").format(name=data["name"] or t("anonymous")),
        t("Contact: {contact}").format(contact=data["contact"] or t("not given")),
        t("About: {category}").format(category=category),
        t("What happened: {description}").format(description=data["description"]),
    ]
    if data.get("media"):
        lines.append(t("Photos or files: {count}").format(count=len(data["media"])))
    if data.get("order_ref"):
        lines.append(t("Order or product: {order}").format(order=data["order_ref"]))
    if data.get("occurred_on"):
        lines.append(t("When: {day}").format(day=data["occurred_on"]))
    wanted = filing.wanted_labels(ctx.t)[Wanted(data["wanted"])]
    lines.append(t("The customer wants: {wanted}").format(wanted=wanted))
    return Reply("\n".join(lines), tuple(confirm_options(ctx)))


def confirm_options(ctx: Context) -> list[Option]:
    t = ctx.t.gettext
    return [Option(t("Submit"), "confirm:submit"), Option(t("Cancel"), "confirm:cancel")]


def confirm(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    offered = confirm_options(ctx)
    if inbound.button and inbound.button not in {option.action for option in offered}:
        stale = ctx.t.gettext("That button is not available here (any more).")
        return say(state, Reply(stale), summary(ctx, state.data))
    if filing.pick(inbound, "confirm", offered) != "submit":
        choose = ctx.t.gettext("Please choose one of the options below.")
        return say(state, Reply(choose), summary(ctx, state.data))
    return say(State(IDLE), intents=(to_intent(state.data),))


def to_intent(data: Data) -> FileOnBehalf:
    occurred = data.get("occurred_on")
    return FileOnBehalf(
        via=data["via"],
        filing=FileCase(
            kind=CaseKind.COMPLAINT,
            category=data["category"],
            description=data["description"],
            wanted=Wanted(data["wanted"]),
            order_ref=data.get("order_ref"),
            occurred_on=date.fromisoformat(occurred) if occurred else None,
            name=data["name"],
            phone=data["contact"],
            media=filing.media_of(data),
        ),
    )


def left(outcome: Outcome, ctx: Context) -> Outcome:
    """A command or case button sent mid-way does what it says; the filing is left, and
    the person is told so first (as the other staff dialogues do, issue 12)."""
    note = ctx.t.gettext("The complaint was not filed; send /file to start again.")
    return Outcome(outcome.state, (Reply(note), *outcome.replies), outcome.intents)


# -- what the use case answers ---------------------------------------------------------


def filed(t: NullTranslations, number: str, receipt: str | None) -> str:
    """To the receiver: the number, that the case is theirs until the department takes
    it, and the receipt to read out or write down when the customer was not messaged
    (`receipt` is then in the customer's language; None: it reached their chat)."""
    done = t.gettext("Filed as case {number}. It is yours until the department takes it.")
    done = done.format(number=number)
    if receipt is None:
        sent = t.gettext("The customer was sent the receipt in their chat with us.")
        return f"{done}\n{sent}"
    read_out = t.gettext(
        "The customer has no chat with us and was not messaged: please read out or "
        "write down this receipt for them."
    )
    return f"{done}\n{read_out}\n\n{receipt}"


def handed_over(t: NullTranslations, number: str, handler: str) -> str:
    """To the staff member who received the complaint, when the department takes it."""
    return t.gettext(
        "Case {number}, which you received, was taken over by {handler}; it is theirs now."
    ).format(number=number, handler=handler)


def call_customer(
    t: NullTranslations, number: str, message: str, choices: Sequence[Option] = ()
) -> str:
    """To whoever owns a case staff filed for a customer who has no chat with the desk:
    what the customer would have been sent, to tell them by phone or in writing; when it
    asks for an answer (its buttons), how to record the answer they give."""
    told = t.gettext(
        "The customer of case {number} has no chat with us and could not be sent this; "
        "please call or write to them:\n{message}"
    ).format(number=number, message=message)
    record = _how_to_record(t, number, choices)
    return f"{told}\n\n{record}" if record else told


def _how_to_record(t: NullTranslations, number: str, choices: Sequence[Option]) -> str | None:
    actions = [decode(option.action) for option in choices]
    verbs = {action.verb for action in actions if isinstance(action, CaseButton)}
    if CaseVerb.ACCEPT in verbs or CaseVerb.REFUSE in verbs:
        return t.gettext(
            "Record their answer with /accepted {number} or /refused {number} and their reason."
        ).format(number=number)
    if any(isinstance(action, SolvedButton) for action in actions):
        return t.gettext(
            "Record their answer with /rated {number} solved|unsolved SCORE (1-5) [comment]."
        ).format(number=number)
    return None
