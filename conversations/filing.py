"""Filing a case: a table of questions, asked only while their answer is still missing.

A customer who types their whole story first keeps it: the flow starts with the story as
the description (and any phone or order number found in it), reads it (conversations/story.py:
category, wish, date) and asks only the rest. What was read surely is not asked: the summary
says it was understood from the story, with a button to correct it; what was only likely
orders the question's options, the likely answer first (issue 19). A category read
surely but wrongly is corrected in one tap: the summary offers the next likely categories
("Change to: ...") beside the full question.

The name is never asked before the summary (issue 19: three bot turns on every channel).
Where the platform gives none, the summary says it is optional ("Name: not given, you can
simply reply with your name") and a name typed at the summary is taken, the summary shown
again; Submit without one files the case anonymously (recorded as such). The rule for what
typed at the summary is a name (`typed_name`): it is not an option's number or label, not a
command, at most 30 characters and four words, a plausible name (a letter, not a phone
number), without sentence punctuation, not the story itself and nothing the story reader
recognises (a category, wish, date, order or phone) and no word of a sentence ("我", "了",
"太", "it", "please": `SENTENCE_CHARS`, `SENTENCE_WORDS`): a story typed again or a command is
never taken for a name and gets "please choose" with the summary, as before. "Change name"
still asks the name question (with Skip: anonymous).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from gettext import NullTranslations
from typing import Any

from conversations.base.messages import Inbound, Media, Option, Reply
from conversations.base.parsing import clean, find_date, find_order, find_phone, plausible_name
from conversations.base.timewords import local_date
from conversations.base.values import CaseKind, Wanted
from conversations.intents import FileCase
from conversations.state import IDLE, Context, Flow, Outcome, State
from conversations.story import SURE, read_story

FLOW = Flow.FILING


class FilingStep(StrEnum):
    """The question a filing chat waits on (conversations.step); stored, never renamed."""

    KIND = "kind"
    CATEGORY = "category"
    DESCRIPTION = "description"
    DETAILS = "details"
    WANTED = "wanted"
    NAME = "name"
    PHONE = "phone"
    WHEN = "when"  # the date alone: correcting one read from the story (issue 19)
    CONFIRM = "confirm"  # the summary, with submit, edits and cancel


MAX_DESCRIPTION = 10_000
MAX_SHORT = 200
READ = "read"  # the fields filled from the story (not asked; marked on the summary)
LIKELY = "likely"  # category keys best first: the category question's order
LIKELY_WANTED = "likely_wanted"  # a wish the story suggests: offered first
WRONG = "wrong_category"  # a category guess the customer corrected: offered last
ALTERNATIVES = "alternatives"  # the one-tap categories the summary offers (what was shown)
MAX_ALTERNATIVES = 2
Data = dict[str, Any]
Answer = Data | str  # the fields to store, or a problem to tell the person


@dataclass(frozen=True)
class Question:
    key: FilingStep
    ask: Callable[[Context, Data], Reply]
    answer: Callable[[Inbound, Context, Data], Answer]
    needed: Callable[[Data], bool] = lambda data: True


def _choice(inbound: Inbound, prefix: str) -> str | None:
    """The value of a pressed option `prefix:value`, or a typed option number."""
    if inbound.button and inbound.button.startswith(f"{prefix}:"):
        return inbound.button.split(":", 1)[1]
    return None


def pick(inbound: Inbound, prefix: str, options: list[Option]) -> str | None:
    """The option chosen: pressed, or typed as its number or label (also for staff
    filing, conversations/staff_filing.py)."""
    chosen = _choice(inbound, prefix)
    if chosen is not None:
        return chosen
    typed = clean(inbound.text)
    for index, option in enumerate(options, start=1):
        if typed in {str(index), option.label}:
            return option.action.split(":", 1)[1]
    return None


# -- kind ---------------------------------------------------------------------------


def kind_options(ctx: Context) -> list[Option]:
    t = ctx.t.gettext
    return [
        Option(t("Complaint"), "kind:complaint"),
        Option(t("Suggestion"), "kind:suggestion"),
        Option(t("Inquiry"), "kind:inquiry"),
    ]


def ask_kind(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("What would you like to tell us?"), tuple(kind_options(ctx)))


def answer_kind(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    chosen = pick(inbound, "kind", kind_options(ctx))
    if chosen not in {kind.value for kind in CaseKind}:
        return ctx.t.gettext("Please choose one of the options below.")
    return {"kind": chosen}


# -- category -----------------------------------------------------------------------


def category_options(ctx: Context, data: Data | None = None) -> list[Option]:
    """The configured categories, those the story suggests first (best first; a guess the
    customer corrected last), so a typed number means what was shown."""
    data = data or {}
    first = {key: place for place, key in enumerate(data.get(LIKELY, []))}
    rest, wrong = len(first), data.get(WRONG)

    def place(key: str) -> int:
        return rest + 1 if key == wrong else first.get(key, rest)

    ordered = sorted(ctx.policy.categories, key=lambda c: place(c.key))
    return [Option(c.names.get(ctx.language, c.key), f"category:{c.key}") for c in ordered]


def ask_category(ctx: Context, data: Data) -> Reply:
    text = ctx.t.gettext("Which of these is it about?")
    if data.get("kind") == CaseKind.COMPLAINT and "description" in data:
        text = ctx.t.gettext("We are sorry this happened. Which of these is it about?")
    return Reply(text, tuple(category_options(ctx, data)))


def answer_category(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    chosen = pick(inbound, "category", category_options(ctx, data))
    if chosen not in {c.key for c in ctx.policy.categories}:
        return ctx.t.gettext("Please choose one of the options below.")
    return {"category": chosen}


# -- description --------------------------------------------------------------------


def ask_description(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("Please tell us what happened. You can send photos too."))


def answer_description(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    text = clean(inbound.text)
    media = [[m.kind, m.ref] for m in inbound.media]
    kept = {**data.get("media_kept", {}), **kept_copies(inbound.media)}
    if len(text) > MAX_DESCRIPTION:
        return ctx.t.gettext(
            "That is longer than we can take ({limit} characters at most). "
            "Please shorten it and send it again."
        ).format(limit=MAX_DESCRIPTION)
    if not text:
        if media:
            return {"media": data.get("media", []) + media, "media_kept": kept, "_stay": True}
        return ctx.t.gettext("Please describe what happened in a few words.")
    return {
        "description": text,
        "media": data.get("media", []) + media,
        "media_kept": kept,
        **found_details(text, local_date(ctx.now, ctx.policy.calendar.zone)),
    }


def found_details(text: str, today: date) -> Data:
    """Phone, order number and date mentioned in free text."""
    found: Data = {}
    if phone := find_phone(text):
        found["phone"] = phone
    if order := find_order(text):
        found["order_ref"] = order
    if when := find_date(text, today):
        found["occurred_on"] = when.isoformat()
    return found


# -- details: order or product, when, phone (skippable, one question) ---------------


def ask_details(ctx: Context, data: Data) -> Reply:
    t = ctx.t.gettext
    return Reply(
        t(
            "If you have them, send the order or product number and when it happened "
            '(e.g. "yesterday" or 2026-11-20). Otherwise tap Skip.'
        ),
        (Option(t("Skip"), "skip:details"),),
    )


def answer_details(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    if inbound.button == "skip:details" or clean(inbound.text).casefold() in SKIP_WORDS:
        return {"details_done": True}
    text = clean(inbound.text)
    if not text:
        return ctx.t.gettext("Please send the details, or tap Skip.")
    if len(text) > MAX_SHORT:
        return ctx.t.gettext("Please keep this under {limit} characters.").format(limit=MAX_SHORT)
    found = found_details(text, local_date(ctx.now, ctx.policy.calendar.zone))
    if "order_ref" not in found and "occurred_on" not in found:
        found["order_ref"] = text  # a product name or order number in free form
    return {**found, "details_done": True}


SKIP_WORDS = {"skip", "跳过", "跳過", "无", "無", "没有", "沒有", "no"}


def details_needed(data: Data) -> bool:
    return data.get("kind") != CaseKind.INQUIRY and not (
        data.get("details_done") or data.get("order_ref") or data.get("occurred_on")
    )


# -- wanted -------------------------------------------------------------------------


def wanted_options(ctx: Context, data: Data | None = None) -> list[Option]:
    """The wishes, one the story suggests first ("Something else" stays last)."""
    labels = wanted_labels(ctx.t)
    likely = (data or {}).get(LIKELY_WANTED)
    order = sorted(labels, key=lambda wanted: wanted.value != likely)
    return [Option(labels[wanted], f"wanted:{wanted.value}") for wanted in order]


def wanted_labels(translations: NullTranslations) -> dict[Wanted, str]:
    t = translations.gettext
    return {
        Wanted.REFUND: t("Refund"),
        Wanted.REPLACEMENT: t("Replacement"),
        Wanted.REPAIR: t("Repair"),
        Wanted.APOLOGY: t("Apology"),
        Wanted.COMPENSATION: t("Compensation"),
        Wanted.EXPLANATION: t("Explanation"),
        Wanted.OTHER: t("Something else"),
    }


def ask_wanted(ctx: Context, data: Data) -> Reply:
    return Reply(ctx.t.gettext("What would you like us to do?"), tuple(wanted_options(ctx, data)))


def answer_wanted(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    chosen = pick(inbound, "wanted", wanted_options(ctx, data))
    if chosen not in {w.value for w in Wanted}:
        return ctx.t.gettext("Please choose one of the options below.")
    return {"wanted": chosen}


# -- name and phone -----------------------------------------------------------------


def ask_name(ctx: Context, data: Data) -> Reply:
    """Asked only when the platform gives no name; skipped, the case is filed anonymously
    (seed 002: anonymous complaints are taken too)."""
    t = ctx.t.gettext
    return Reply(
        t("How should we address you? Send your name, or tap Skip to stay anonymous."),
        (Option(t("Skip"), "skip:name"),),
    )


def answer_name(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    name = clean(inbound.text)
    if inbound.button == "skip:name" or name.casefold() in SKIP_NAME_WORDS:
        return {"name": None, "anonymous": True}
    if not plausible_name(name):
        return ctx.t.gettext("Please send your name (up to 100 characters), or tap Skip.")
    return {"name": name, "anonymous": False}


SKIP_NAME_WORDS = SKIP_WORDS | {"匿名", "anonymous"}


def ask_phone(ctx: Context, data: Data) -> Reply:
    t = ctx.t.gettext
    return Reply(
        t(
            "Send a mobile number if you would like us to call you; only the people "
            "handling your case will see it. Otherwise tap Skip."
        ),
        (Option(t("Skip"), "skip:phone"),),
    )


def answer_phone(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    if inbound.button == "skip:phone" or clean(inbound.text).casefold() in SKIP_WORDS:
        return {"phone": None, "phone_done": True}
    phone = find_phone(inbound.text)
    if phone is None:
        return ctx.t.gettext(
            "That does not look like a mobile number (11 digits, e.g. "
            "13812345678). Please try again or tap Skip."
        )
    return {"phone": phone, "phone_done": True}


# -- when, alone (correcting a date read from the story) ------------------------------


def ask_when(ctx: Context, data: Data) -> Reply:
    t = ctx.t.gettext
    return Reply(
        t(
            'When did it happen? Send the date (e.g. "yesterday" or 2026-11-20), '
            "or tap Skip if you are not sure."
        ),
        (Option(t("Skip"), "skip:when"),),
    )


def answer_when(inbound: Inbound, ctx: Context, data: Data) -> Answer:
    text = clean(inbound.text)
    if inbound.button == "skip:when" or text.casefold() in SKIP_WORDS:
        return {"occurred_on": None, "details_done": True}
    if len(text) > MAX_SHORT:
        return ctx.t.gettext("Please keep this under {limit} characters.").format(limit=MAX_SHORT)
    when = find_date(text, local_date(ctx.now, ctx.policy.calendar.zone)) if text else None
    if when is None:
        return ctx.t.gettext(
            "That does not look like a date. Please send one like 2026-11-20, or tap Skip."
        )
    return {"occurred_on": when.isoformat(), "details_done": True}


QUESTIONS = [
    Question(FilingStep.KIND, ask_kind, answer_kind),
    Question(FilingStep.CATEGORY, ask_category, answer_category),
    Question(FilingStep.DESCRIPTION, ask_description, answer_description),
    Question(FilingStep.DETAILS, ask_details, answer_details, details_needed),
    Question(
        FilingStep.WANTED,
        ask_wanted,
        answer_wanted,
        lambda d: d.get("kind") == CaseKind.COMPLAINT,
    ),
    Question(FilingStep.NAME, ask_name, answer_name, lambda d: bool(d.get("editing_name"))),
    Question(FilingStep.PHONE, ask_phone, answer_phone, lambda d: bool(d.get("editing_phone"))),
    Question(FilingStep.WHEN, ask_when, answer_when, lambda d: bool(d.get("editing_when"))),
]
BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}


def answered(question: Question, data: Data) -> bool:
    if question.key == FilingStep.DETAILS:
        return not details_needed(data)
    if question.key == FilingStep.PHONE:
        return not data.get("editing_phone")
    if question.key == FilingStep.WHEN:
        return not data.get("editing_when")
    if question.key == FilingStep.NAME:
        return not data.get("editing_name")
    return question.key in data


def next_question(data: Data) -> Question | None:
    for question in QUESTIONS:
        if question.needed(data) and not answered(question, data):
            return question
    return None


def start(ctx: Context, data: Data) -> Outcome:
    """Begin (or resume) filing with what is already known."""
    data = {**data, "known_name": data.get("known_name") or ctx.known_name}
    return ask_next(ctx, data)


def ask_next(ctx: Context, data: Data) -> Outcome:
    question = next_question(data)
    if question is None:
        data = {key: value for key, value in data.items() if key != ALTERNATIVES}
        if offered := alternatives(ctx, data):
            data[ALTERNATIVES] = offered
        return Outcome(State(FLOW, FilingStep.CONFIRM, data), (summary(ctx, data),))
    return Outcome(State(FLOW, question.key, data), (question.ask(ctx, data),))


def step(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    """One answer; a photo or file sent at a step that asks none is kept, not lost."""
    earlier = earlier_answer(state, inbound, ctx)
    if earlier is not None:
        return earlier
    if (inbound.button or "").startswith("alt:") and state.step != FilingStep.CONFIRM:
        return _stale_here(state, ctx)  # a summary's one-tap answer pressed too late
    if state.step == FilingStep.CONFIRM:
        if inbound.media and not (inbound.text.strip() or inbound.button):
            kept = State(FLOW, state.step, with_media(state.data, inbound.media))
            return Outcome(kept, (Reply(file_kept(ctx.t)), summary(ctx, kept.data)))
        return confirm(state, inbound, ctx)
    question = BY_KEY.get(state.step)
    if question is None:  # a step this version no longer has: ask afresh
        return ask_next(ctx, state.data)
    if inbound.media and question.key != FilingStep.DESCRIPTION:  # kept, asked again
        state = State(FLOW, state.step, with_media(state.data, inbound.media))
        if inbound.album and not (inbound.text.strip() or inbound.button):  # an album's rest
            return Outcome(state, (Reply(file_kept(ctx.t)),))
    result = question.answer(inbound, ctx, state.data)
    if isinstance(result, str):
        return Outcome(state, (Reply(result), question.ask(ctx, state.data)))
    stay = result.pop("_stay", False)
    history = [*state.data.get("history", []), question.key]
    if question.key == FilingStep.DESCRIPTION and not stay:
        data = told(ctx, {**state.data, "history": history}, result)
    else:
        data = {**state.data, **result, "history": history}
    data.pop(EDITING.get(question.key, ""), None)
    if question.key in FIELD_OF:  # the customer's own answer now, not the story's
        data[READ] = [f for f in data.get(READ, []) if f != FIELD_OF[question.key]]
    if stay:
        return Outcome(
            State(FLOW, state.step, data),
            (
                Reply(
                    ctx.t.gettext(
                        "Photo received. Now please describe what happened in a few words."
                    )
                ),
            ),
        )
    return ask_next(ctx, data)


EDITING: dict[str, str] = {
    FilingStep.PHONE: "editing_phone",
    FilingStep.WHEN: "editing_when",
    FilingStep.NAME: "editing_name",
}


# -- what the story told (issue 19) -------------------------------------------------
# The fields a story can fill, by the question that would ask them.
FIELD_OF: dict[str, str] = {
    FilingStep.CATEGORY: "category",
    FilingStep.WANTED: "wanted",
    FilingStep.WHEN: "occurred_on",
}


def told(ctx: Context, data: Data, story: Data) -> Data:
    """`data` with the story (`story`: what the description step took from the words) and
    what reading it surely tells filled in and marked as read. A field the customer chose
    stays theirs; one read from an earlier story is read again from this one. The date is
    the reader's alone: the description step takes the first day named, the reader tells
    a purchase or a deadline from the day it happened ('我三月买的，昨天坏了')."""
    reading = read_story(story["description"], ctx.policy, ctx.language, ctx.now)
    earlier = set(data.get(READ, [])) | {LIKELY, LIKELY_WANTED, WRONG}
    data = {key: value for key, value in data.items() if key not in earlier}
    data.update({key: value for key, value in story.items() if key != "occurred_on"})
    read: list[str] = []
    keys = [c.key for c in ctx.policy.categories]
    guess = reading.category
    if guess and guess.value in keys and guess.confidence >= SURE and "category" not in data:
        data["category"] = guess.value
        read.append("category")
    if likely := [key for key in reading.likely_categories if key in keys]:
        data[LIKELY] = likely
    wish, kind = reading.wanted, data.get("kind")
    if wish and kind == CaseKind.COMPLAINT and "wanted" not in data:
        if wish.confidence >= SURE:
            data["wanted"] = wish.value.value
            read.append("wanted")
        else:
            data[LIKELY_WANTED] = wish.value.value
    when = reading.occurred_on  # a date the customer sent stays theirs
    if (
        when
        and when.confidence >= SURE
        and kind != CaseKind.INQUIRY
        and not data.get("occurred_on")
    ):
        data["occurred_on"] = when.value.isoformat()
        read.append("occurred_on")
    data[READ] = read
    return data


def earlier_answer(state: State, inbound: Inbound, ctx: Context) -> Outcome | None:
    """A category or wish button pressed under an earlier message changes that answer (or
    the story's guess) wherever the filing stands now; this step's question, or the
    summary, is shown again with it. One for a question not answered yet is the step's to
    answer (the question is asked in its turn)."""
    button = inbound.button or ""
    key = FilingStep.CATEGORY if button.startswith("category:") else None
    if button.startswith("wanted:") and state.data.get("kind") == CaseKind.COMPLAINT:
        key = FilingStep.WANTED
    if key is None or state.step == key or FIELD_OF[key] not in state.data:
        return None
    options = category_options(ctx) if key == FilingStep.CATEGORY else wanted_options(ctx)
    if button not in {option.action for option in options}:
        return None  # forged or from another configuration: the step answers it
    field = FIELD_OF[key]
    read = [f for f in state.data.get(READ, []) if f != field]
    data = {**state.data, field: _choice(inbound, key), READ: read}
    if state.step == FilingStep.CONFIRM or state.step not in BY_KEY:
        return ask_next(ctx, data)
    return Outcome(State(FLOW, state.step, data), (BY_KEY[state.step].ask(ctx, data),))


def alternatives(ctx: Context, data: Data) -> list[str]:
    """The categories offered in one tap on the summary: while the category is the story's
    guess, the next likely ones (best first, the guess left out)."""
    if "category" not in data.get(READ, []):
        return []
    keys = {c.key for c in ctx.policy.categories}
    likely = [k for k in data.get(LIKELY, []) if k in keys and k != data.get("category")]
    return likely[:MAX_ALTERNATIVES]


def _stale_here(state: State, ctx: Context) -> Outcome:
    stale = Reply(ctx.t.gettext("That button is not available here (any more)."))
    question = BY_KEY.get(state.step)
    again = question.ask(ctx, state.data) if question else summary(ctx, state.data)
    return Outcome(state, (stale, again))


def back(state: State, ctx: Context) -> Outcome:
    """Forget the last answer and ask that question again."""
    history = list(state.data.get("history", []))
    if not history:
        return ask_next(ctx, state.data)
    last = history.pop()
    data = forget(last, {**state.data, "history": history})
    return Outcome(State(FLOW, last, data), (BY_KEY[last].ask(ctx, data),))


def forget(key: str, data: Data) -> Data:
    """`data` ready to ask `key` again; a field read from the story is being corrected: no
    longer marked as read, and a wrong category guess is offered last."""
    data = dict(data)
    field = FIELD_OF.get(key) or ("occurred_on" if key == FilingStep.DETAILS else "")
    if field in data.get(READ, []):
        data[READ] = [f for f in data[READ] if f != field]
        if key == FilingStep.CATEGORY:
            data[WRONG] = data.get("category")
    if key == FilingStep.DETAILS:
        for field in ("details_done", "order_ref", "occurred_on"):
            data.pop(field, None)
    elif key == FilingStep.NAME:
        data.pop("name", None)
        data.pop("anonymous", None)
        data["known_name"] = None
        data[EDITING[key]] = True
    elif key in EDITING:
        data[EDITING[key]] = True
    else:
        data.pop(key, None)
    return data


def summary(ctx: Context, data: Data) -> Reply:
    """What will be filed; a field read from the story says so (issue 19)."""
    t = ctx.t.gettext
    key: str = data["category"]
    category = ctx.policy.category(key).names.get(ctx.language) or key
    lines = [t("Please check your {kind}:").format(kind=_kind_label(ctx, data["kind"]))]
    lines.append(t("About: {category}").format(category=_as_read(ctx, data, "category", category)))
    lines.append(t("What happened: {description}").format(description=data["description"]))
    if data.get("media"):
        lines.append(t("Photos or files: {count}").format(count=len(data["media"])))
    if data.get("order_ref"):
        lines.append(t("Order or product: {order}").format(order=data["order_ref"]))
    if data.get("occurred_on"):
        day = _as_read(ctx, data, "occurred_on", data["occurred_on"])
        lines.append(t("When: {day}").format(day=day))
    if data.get("wanted"):
        wanted = wanted_labels(ctx.t)[Wanted(data["wanted"])]
        wanted = _as_read(ctx, data, "wanted", wanted)
        lines.append(t("You would like: {wanted}").format(wanted=wanted))
    name = data.get("name") or data.get("known_name")
    if name or data.get("anonymous"):
        lines.append(t("Name: {name}").format(name=name or t("anonymous")))
    else:  # optional, and how to give it: no question before the summary (issue 19)
        lines.append(t("Name: not given (you can simply reply with your name)"))
    lines.append(t("Phone: {phone}").format(phone=data.get("phone") or t("not given")))
    kind_of = data.get("complainant_type") or next(iter(ctx.policy.complainant_types))
    lines.append(t("You are: {who}").format(who=_type_name(ctx, kind_of)))
    if data.get("confidential"):
        lines.append(t("Confidential: only managers will see who you are."))
    return Reply("\n".join(lines), tuple(confirm_options(ctx, data)))


def _as_read(ctx: Context, data: Data, field: str, shown: str) -> str:
    if field not in data.get(READ, []):
        return shown
    return ctx.t.gettext("{value} (from your description)").format(value=shown)


def _type_name(ctx: Context, key: str) -> str:
    return ctx.policy.complainant_types.get(key, {}).get(ctx.language, key)


def _kind_label(ctx: Context, kind: str) -> str:
    return {o.action.split(":")[1]: o.label for o in kind_options(ctx)}[kind].lower()


def confirm_options(ctx: Context, data: Data) -> list[Option]:
    t = ctx.t.gettext
    options = [Option(t("Submit"), "confirm:submit")]
    for key in data.get(ALTERNATIVES, []):  # what was offered, if still configured
        if any(c.key == key for c in ctx.policy.categories):
            name = ctx.policy.category(key).names.get(ctx.language) or key
            options.append(Option(t("Change to: {category}").format(category=name), f"alt:{key}"))
    read = data.get(READ, [])
    corrections = [
        (FilingStep.CATEGORY, t("Correct the category")),
        (FilingStep.WANTED, t("Correct what you want")),
        (FilingStep.WHEN, t("Correct the date")),
    ]
    for key, label in corrections:  # first: what the desk guessed is what may be wrong
        if FIELD_OF[key] in read:
            options.append(Option(label, f"edit:{key}"))
    editable = [
        (FilingStep.CATEGORY, t("Change category")),
        (FilingStep.DESCRIPTION, t("Change description")),
        (FilingStep.DETAILS, t("Change order or date")),
        (FilingStep.WANTED, t("Change what you want")),
        (FilingStep.NAME, t("Change name")),
        (FilingStep.PHONE, t("Add or change phone")),
    ]
    kind = data.get("kind")
    applies = {
        FilingStep.DETAILS: kind != CaseKind.INQUIRY,
        FilingStep.WANTED: kind == CaseKind.COMPLAINT,
    }
    for key, label in editable:
        if applies.get(key, True) and FIELD_OF.get(key) not in read:
            options.append(Option(label, f"edit:{key}"))
    if len(ctx.policy.complainant_types) > 1:
        options.append(Option(t("Change who you are"), "who:ask"))
    secret = data.get("confidential")
    options.append(
        Option(
            t("Show my identity to the handlers") if secret else t("Keep my identity confidential"),
            "secret:toggle",
        )
    )
    options.append(Option(t("Cancel"), "confirm:cancel"))
    return options


def confirm(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    data = state.data
    if inbound.button == "secret:toggle":
        data = {**data, "confidential": not data.get("confidential")}
        return Outcome(State(FLOW, FilingStep.CONFIRM, data), (summary(ctx, data),))
    if inbound.button == "who:ask":
        options = tuple(
            Option(_type_name(ctx, key), f"who:{key}") for key in ctx.policy.complainant_types
        )
        return Outcome(state, (Reply(ctx.t.gettext("Which describes you best?"), options),))
    chosen = _choice(inbound, "who")
    if chosen in ctx.policy.complainant_types:
        data = {**data, "complainant_type": chosen}
        return Outcome(State(FLOW, FilingStep.CONFIRM, data), (summary(ctx, data),))
    offered = confirm_options(ctx, data)
    if inbound.button and inbound.button not in {option.action for option in offered}:
        # never offered here (issue 12: `edit:kind` reopened a question it does not show)
        stale = ctx.t.gettext("That button is not available here (any more).")
        return Outcome(state, (Reply(stale), summary(ctx, data)))
    action = inbound.button or _typed_action(inbound, offered)
    if action and action.startswith("alt:"):  # one tap: the category, as the customer says
        read = [f for f in data.get(READ, []) if f != "category"]
        own = {"category": action.split(":", 1)[1], READ: read, WRONG: data["category"]}
        return ask_next(ctx, {**data, **own})
    choice = pick(inbound, "confirm", offered)
    edit = _choice(inbound, "edit") or _typed_edit(inbound, ctx, data)
    if edit in BY_KEY:
        changed = forget(edit, data)
        return Outcome(State(FLOW, edit, changed), (BY_KEY[edit].ask(ctx, changed),))
    if choice == "cancel":
        return Outcome(State(IDLE), (Reply(ctx.t.gettext("Cancelled; nothing was filed.")),))
    if choice is None and not inbound.button and (name := typed_name(inbound, ctx, data)):
        return ask_next(ctx, {**data, "name": name, "anonymous": False})
    if choice != "submit":
        return Outcome(
            state,
            (Reply(ctx.t.gettext("Please choose one of the options below.")), summary(ctx, data)),
        )
    return Outcome(State(IDLE), (), (to_intent(data),))


MAX_TYPED_NAME = 30  # characters of a name typed at the summary
MAX_NAME_WORDS = 4
NOT_IN_NAMES = re.compile(r"[。，！？；：、,!?;:\n/@#\d（）()\[\]【】《》\"“”]")
# Words of a sentence, not of a name ("太差了", "我要投诉", "it is broken"): language facts.
SENTENCE_CHARS = set("我你他她它们的了吗嗎呢吧啊么麼不没沒很太要是在有就也还還")
SENTENCE_WORDS = {
    "i",
    "i'm",
    "me",
    "my",
    "you",
    "your",
    "it",
    "it's",
    "is",
    "was",
    "are",
    "not",
    "no",
    "please",
    "the",
    "a",
    "an",
    "this",
    "that",
    "want",
    "don't",
    "can't",
    "won't",
    "never",
}


def typed_name(inbound: Inbound, ctx: Context, data: Data) -> str | None:
    """A name typed at the summary while it offers one (no name on the filing and not
    chosen anonymous), or None: see the module's docstring for the rule."""
    if data.get("name") or data.get("known_name") or data.get("anonymous"):
        return None
    name = clean(inbound.text)
    if (
        not plausible_name(name)
        or len(name) > MAX_TYPED_NAME
        or len(name.split()) > MAX_NAME_WORDS
        or NOT_IN_NAMES.search(name)
        or name.casefold() == clean(data.get("description", "")).casefold()
        or SENTENCE_CHARS.intersection(name)
        or SENTENCE_WORDS.intersection(name.casefold().split())
    ):
        return None
    reading = read_story(name, ctx.policy, ctx.language, ctx.now)
    if reading.category or reading.wanted or reading.occurred_on:
        return None
    if reading.order_ref or reading.phone or reading.danger or reading.collective:
        return None
    return name


def _typed_action(inbound: Inbound, offered: list[Option]) -> str | None:
    """The action of the option typed as its number or label (WeChat, the console)."""
    typed = clean(inbound.text)
    for index, option in enumerate(offered, start=1):
        if typed in {str(index), option.label}:
            return option.action
    return None


def _typed_edit(inbound: Inbound, ctx: Context, data: Data) -> str | None:
    picked = pick(inbound, "edit", confirm_options(ctx, data))
    return picked if picked in BY_KEY else None


def to_intent(data: Data) -> FileCase:
    occurred = data.get("occurred_on")
    return FileCase(
        kind=CaseKind(data["kind"]),
        category=data["category"],
        description=data["description"],
        wanted=Wanted(data["wanted"]) if data.get("wanted") else None,
        order_ref=data.get("order_ref"),
        occurred_on=date.fromisoformat(occurred) if occurred else None,
        name=data.get("name") or data.get("known_name"),
        phone=data.get("phone"),
        media=media_of(data),
        source=data.get("source"),
        complainant_type=data.get("complainant_type"),
        confidential=bool(data.get("confidential")),
        anonymous=not (data.get("name") or data.get("known_name")),
    )


# -- photos and files ---------------------------------------------------------------
# The state keeps each file as [kind, ref] in "media" and, for files the adapter saved,
# their stored copy by ref in "media_kept" ([path, size, name]; issue 13).


def kept_copies(media: tuple[Media, ...]) -> dict[str, list[Any]]:
    return {m.ref: [m.path, m.size, m.name] for m in media if m.path}


def with_media(data: Data, media: tuple[Media, ...]) -> Data:
    """`data` with these files added (sent at a step that asks no file, an album's rest)."""
    return {
        **data,
        "media": data.get("media", []) + [[m.kind, m.ref] for m in media],
        "media_kept": {**data.get("media_kept", {}), **kept_copies(media)},
    }


def media_of(data: Data) -> tuple[Media, ...]:
    """The files collected in `data`, with their stored copies."""
    kept = data.get("media_kept", {})
    return tuple(
        Media(kind, ref, *kept.get(ref, [None, None, None])) for kind, ref in data.get("media", [])
    )


def file_kept(t: NullTranslations) -> str:
    return t.gettext("Received, thank you: it is kept with what you are telling us.")


def too_large(t: NullTranslations, limit_mb: int) -> str:
    """For a file over the desk's size limit: not kept, and the person knows the limit."""
    return t.gettext(
        "Sorry, that file is too large for us to keep (up to {limit} MB). "
        "Please send a smaller one, or a photo of it."
    ).format(limit=limit_mb)
