"""Staff in private chat: short commands on a case, plus the buttons on group alerts.

`/propose TS202611-0007 Replace the kettle` does it at once; `/propose TS202611-0007`
alone asks for the text next. Authorisation is not decided here: the use cases check
the roster for every action, whatever the button or command said.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum
from gettext import NullTranslations

from conversations import staff_filing
from conversations.actions import STAFF_COMMANDS, CaseButton, CaseVerb, Pick, choice, picked
from conversations.actions import decode as decode_action
from conversations.base.messages import Inbound, Option, Reply
from conversations.base.parsing import clean, find_case_number
from conversations.commands import COMMANDS as COMMANDS  # tests/fakes/fuzz_inputs.py reads it here
from conversations.commands import Args, AskNext, Command
from conversations.filing import too_large
from conversations.intents import (
    Away,
    FindCases,
    ListCanned,
    LogReview,
    Register,
    ReplyInChat,
    ReplyToCustomer,
    ShowCases,
    SignIn,
)
from conversations.languages import language_chosen, language_menu
from conversations.state import IDLE, Context, Flow, Outcome, State, say
from conversations.wording import cannot_read

MAX_TEXT = 4000
MIN_SEARCH, MAX_SEARCH = 2, 100
FLOW = Flow.STAFF_INPUT


class StaffStep(StrEnum):
    """The step of a staff command waiting for more (conversations.step); stored, never renamed."""

    TEXT = "text"  # the words and text a command still needs


BUTTONS = {verb: COMMANDS[name] for verb, name in STAFF_COMMANDS.items()}
LEADS = {"lead", "manager"}


def help_text(t: NullTranslations) -> str:
    return t.gettext(
        "Commands: /mine, /find text, /case N, /take N, /note N text, "
        "/valid N findings | root cause, /invalid N findings, /ask N question, "
        "/propose N solution, /approve N, /sendback N reason, /implement N, "
        "/resolve N summary, /review N, /reject N reason, /close N, "
        "/reassign N department reason, /regrade N grade reason, /link N M, "
        "/typical N lesson, /capa N cause | correction | prevention | owner | date, "
        "/verify N effective|ineffective note, /badreview, "
        "/outcome N contacted|updated|no_response note, /reply N text (or #key), "
        "/canned [N], /assign N person, /away first-day last-day substitute, /file, "
        "for a customer with no chat: /accepted N, /refused N reason, "
        "/rated N solved|unsolved score comment; /signin, /language, /cancel."
    )


def step(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    """A file over the size limit was left out by the adapter: said so, and the rest of
    the message counts (issue 13)."""
    if inbound.too_large_mb is None:
        return turn(state, inbound, ctx)
    refusal = Reply(too_large(ctx.t, inbound.too_large_mb))
    if not (inbound.text.strip() or inbound.button or inbound.media):
        return say(state, refusal)
    outcome = turn(state, inbound, ctx)
    return replace(outcome, replies=(refusal, *outcome.replies))


def turn(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    text = clean(inbound.text)
    if inbound.is_group and inbound.button is None and not text.startswith("/"):
        return in_topic(state, inbound, text)
    if inbound.only_unreadable:
        return say(state, Reply(cannot_read(ctx.t)))
    if state.flow == FILING_FLOW and not (inbound.button and language_chosen(inbound.button)):
        return filing_turn(state, inbound, text, ctx)
    if inbound.media and not inbound.button and state.flow not in {FLOW, REVIEW_FLOW}:
        return with_media(state, inbound, text, ctx)
    if inbound.quoted and not inbound.button and not text.startswith("/"):
        return say(state, intents=(ReplyInChat(inbound.chat_id, inbound.quoted, text),))
    chosen = language_chosen(inbound.button) if inbound.button else None
    if chosen is not None:  # needs no answer: the dialogue goes on (as for customers)
        return say(state, intents=(chosen,))
    if state.flow in {FLOW, REVIEW_FLOW} and acts(inbound.button, text):
        return leave(state, step(State(IDLE), inbound, ctx), ctx)
    if state.flow == REVIEW_FLOW and not text.startswith("/"):
        return review_step(state, inbound, ctx)
    if inbound.button:
        return on_button(state, inbound.button, ctx)
    if text.startswith("/"):
        return on_command(text, ctx)
    if state.flow == FLOW:
        return fill_text(state, text, ctx)
    return say(state, Reply(help_text(ctx.t)))


def on_button(state: State, button: str, ctx: Context) -> Outcome:
    action = decode_action(button)
    if not isinstance(action, CaseButton) or action.verb not in BUTTONS:
        # forged, malformed or from an older version
        stale = ctx.t.gettext("That button is not available here (any more).")
        return say(state, Reply(stale), Reply(help_text(ctx.t)))
    if action.verb is CaseVerb.REASSIGN and ctx.role not in LEADS:
        return say(state, Reply(ctx.t.gettext("Only leads and managers can reassign a case.")))
    return run(BUTTONS[action.verb], action.number, [], "", ctx)


def on_command(text: str, ctx: Context) -> Outcome:
    head, rest = leading(text, 1)
    name = head[0][1:].split("@")[0].casefold()
    if name in {"cancel", "start", "help"}:
        return say(State(IDLE), Reply(help_text(ctx.t)))
    if name in {"mine", "cases"}:  # /cases is in the menu Telegram shows everyone
        return say(State(IDLE), intents=(ShowCases(),))
    if name == "language":
        return say(State(IDLE), language_menu(ctx.t))
    if name == "find":
        return find(rest, ctx)
    if name == "register":
        return say(State(IDLE), intents=(Register(rest.strip()),))
    if name == "badreview":
        return review_platform(ctx)
    if name == "signin":  # a link for a browser outside Telegram (issue 16)
        return say(State(IDLE), intents=(SignIn(),))
    if name == "canned":  # the canned answers, for one case's category when named
        return say(State(IDLE), intents=(ListCanned(find_case_number(rest)),))
    if name == "away":
        return away(rest, ctx)
    if name == "file":  # a complaint taken by phone, at the counter, by letter (issue 13)
        return staff_filing.start(ctx)
    command = COMMANDS.get(name)
    if command is None:
        return say(State(IDLE), Reply(ctx.t.gettext("Unknown command.")), Reply(help_text(ctx.t)))
    return parse_and_run(command, rest, ctx)


FILING_FLOW = Flow.STAFF_FILING


def filing_turn(state: State, inbound: Inbound, text: str, ctx: Context) -> Outcome:
    """An answer to /file's questions; another command or a case button does what it
    says and leaves the filing (conversations/staff_filing.py)."""
    typed = text.startswith("/") and not staff_filing.cancelled(inbound)
    if typed or (inbound.button is not None and acts(inbound.button, text)):
        return staff_filing.left(step(State(IDLE), inbound, ctx), ctx)
    return staff_filing.step(state, inbound, ctx)


def in_topic(state: State, inbound: Inbound, text: str) -> Outcome:
    """A staff member's words or files in a group reach the desk only from a case's forum
    topic (the adapter passes no other group talk): they go to that case's customer. The
    person's own private dialogue is left as it was. (A command typed in a group is
    carried out like one in private, answered there.)"""
    if not (text or inbound.media):
        return say(state)
    return say(state, intents=(ReplyInChat(inbound.chat_id, inbound.quoted, text, inbound.media),))


def with_media(state: State, inbound: Inbound, text: str, ctx: Context) -> Outcome:
    """A photo or file from staff goes to a customer: captioned `/reply N [words]`, or
    sent as a Telegram reply to the bot's message about the case. An album's photos come
    one update each, the caption with the first: the rest follow it to the same case."""
    head, rest = leading(text, 2)
    if head and head[0].split("@")[0].casefold() == "/reply":
        number = find_case_number(head[1]) if len(head) > 1 else None
        if number is not None:
            words = rest[:MAX_TEXT]
            after = State(IDLE, "", {"album": inbound.album, "number": number})
            return say(
                after if inbound.album else State(IDLE),
                intents=(ReplyToCustomer(number, words, "", inbound.media),),
            )
    elif inbound.album and not text and state.data.get("album") == inbound.album:
        number = str(state.data["number"])
        return say(state, intents=(ReplyToCustomer(number, "", "", inbound.media),))
    elif inbound.quoted and not text.startswith("/"):
        return say(
            state, intents=(ReplyInChat(inbound.chat_id, inbound.quoted, text, inbound.media),)
        )
    ask = ctx.t.gettext(
        "To send this to a customer, caption it /reply and the case number, "
        "e.g. /reply TS202611-0007, or send it as a reply to a message about the case."
    )
    return say(state, Reply(ask))


def away(text: str, ctx: Context) -> Outcome:
    """`/away 2026-12-01 2026-12-05 韩梅梅` (inclusive days; the substitute by name as the
    roster has it) or `/away off`: the days are checked here, the people by the use case."""
    words = text.split(maxsplit=2)
    if len(words) == 1 and words[0].casefold() in {"off", "cancel", "取消"}:
        return say(State(IDLE), intents=(Away(cancel=True),))
    usage = ctx.t.gettext(
        "Usage: /away FIRST-DAY LAST-DAY substitute, e.g. /away 2026-12-01 2026-12-05 韩梅梅; "
        "/away off ends it."
    )
    if len(words) < 3:
        return say(State(IDLE), Reply(usage))
    try:
        first, last = date.fromisoformat(words[0]), date.fromisoformat(words[1])
    except ValueError:
        return say(State(IDLE), Reply(usage))
    today = ctx.now.astimezone(ctx.policy.calendar.zone).date()
    if last < first or last < today:
        past = ctx.t.gettext("The last day must be today or later, and not before the first.")
        return say(State(IDLE), Reply(past))
    return say(State(IDLE), intents=(Away(first, last, words[2].strip()[:200]),))


def find(text: str, ctx: Context) -> Outcome:
    wanted = " ".join(text.split())
    if not MIN_SEARCH <= len(wanted) <= MAX_SEARCH:
        ask = ctx.t.gettext(
            "Add what to look for: a case or order number, a phone number (4 digits or more) "
            "or a customer's name, e.g. /find 5678."
        )
        return say(State(IDLE), Reply(ask))
    return say(State(IDLE), intents=(FindCases(wanted),))


def leading(text: str, count: int) -> tuple[list[str], str]:
    """The first `count` words and the rest, its blanks squeezed but its line breaks kept:
    a two-line note stays two lines (issue 12); control characters went in `clean`."""
    parts = text.split(maxsplit=count)
    rest = parts[count] if len(parts) > count else ""
    return parts[:count], "\n".join(" ".join(line.split()) for line in rest.splitlines()).strip()


def parse_and_run(command: Command, rest: str, ctx: Context) -> Outcome:
    parts, text = leading(rest, 1 + len(command.words))
    number = find_case_number(parts[0]) if parts else None
    if number is None:
        ask = ctx.t.gettext("Which case? Add its number, e.g. /{command} TS202611-0007.")
        return say(State(IDLE), Reply(ask.format(command=command.name)))
    words = parts[1 : 1 + len(command.words)]
    if command.usage is not None and (len(words) < len(command.words) or text):
        return say(State(IDLE), Reply(command.usage(ctx.t, number)))
    if len(words) < len(command.words):
        ask = ctx.t.gettext("Usage: /{command} {number} {words} reason")
        usage = ask.format(command=command.name, number=number, words=" ".join(command.words))
        return say(State(IDLE), Reply(usage))
    if text and not command.takes_text:
        return say(State(IDLE), Reply(number_only(command, number, ctx)))
    return run(command, number, words, text, ctx)


def number_only(command: Command, number: str, ctx: Context) -> str:
    """A command that takes only the case number, given more (issue 11: it crashed)."""
    ask = ctx.t.gettext("/{command} takes only the case number, e.g. /{command} {number}")
    return ask.format(command=command.name, number=number)


def run(command: Command, number: str, words: list[str], text: str, ctx: Context) -> Outcome:
    if command.ask_text is not None and (not text or len(words) < len(command.words)):
        pending = {"command": command.name, "number": number, "words": words}
        return say(State(FLOW, StaffStep.TEXT, pending), Reply(_ask_for(command, words, ctx)))
    if len(text) > MAX_TEXT:
        limit = ctx.t.gettext("Please keep it under {limit} characters.")
        return say(State(IDLE), Reply(limit.format(limit=MAX_TEXT)))
    built = command.build(Args(number, tuple(words), text), ctx)
    if isinstance(built, str):  # the arguments do not parse: say why
        return say(State(IDLE), Reply(built))
    if isinstance(built, AskNext):  # one more answer needed (/valid's root cause)
        pending = {"command": command.name, "number": number, "words": words}
        return say(
            State(FLOW, StaffStep.TEXT, {**pending, "so_far": built.so_far}), Reply(built.question)
        )
    return say(State(IDLE), intents=(built,))


def _ask_for(command: Command, words: list[str], ctx: Context) -> str:
    """What to send next: the missing words first (e.g. the department), then the text."""
    assert command.ask_text is not None
    if len(words) < len(command.words):
        ask = ctx.t.gettext("Send: {words} and the reason, e.g. {example}")
        example = {"department": "logistics", "grade": "important"}
        missing = command.words[len(words) :]
        sample = " ".join(example.get(word, word) for word in missing) + " ..."
        return ask.format(words=" ".join(missing), example=sample)
    return command.ask_text(ctx.t)


def fill_text(state: State, text: str, ctx: Context) -> Outcome:
    command = COMMANDS[state.data["command"]]
    words = list(state.data["words"])
    missing = len(command.words) - len(words)
    given, rest = leading(text, missing)
    if missing > 0 and rest:
        words, text = words + given, rest
    if not text or len(words) < len(command.words):
        return say(state, Reply(_ask_for(command, words, ctx)))
    return run(command, state.data["number"], words, state.data.get("so_far", "") + text, ctx)


# -- logging a bad review: platform, category, then the details in one message ---------

REVIEW_FLOW = Flow.REVIEW_LOG


class ReviewStep(StrEnum):
    """The question a bad-review log waits on (conversations.step); stored, never renamed."""

    PLATFORM = "platform"
    CATEGORY = "category"
    DETAILS = "details"  # reviewer, rating, link and text, one message


def review_platform(ctx: Context) -> Outcome:
    options = tuple(
        Option(names.get(ctx.language, key), choice(Pick.PLATFORM, key))
        for key, names in ctx.policy.review_platforms.items()
    )
    ask = Reply(ctx.t.gettext("Which platform is the review on?"), options)
    return say(State(REVIEW_FLOW, ReviewStep.PLATFORM), ask)


def review_step(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    t = ctx.t.gettext
    if state.step == ReviewStep.PLATFORM:
        chosen = picked(inbound.button, Pick.PLATFORM)
        if chosen not in ctx.policy.review_platforms:
            return review_platform(ctx)
        options = tuple(
            Option(c.names.get(ctx.language, c.key), choice(Pick.CATEGORY, c.key))
            for c in ctx.policy.categories
        )
        return say(
            State(REVIEW_FLOW, ReviewStep.CATEGORY, {"platform": chosen}),
            Reply(t("What is the review about?"), options),
        )
    if state.step == ReviewStep.CATEGORY:
        chosen = picked(inbound.button, Pick.CATEGORY)
        if chosen not in {c.key for c in ctx.policy.categories}:
            return say(state, Reply(t("Please choose one of the options below.")))
        return say(
            State(REVIEW_FLOW, ReviewStep.DETAILS, {**state.data, "category": chosen}),
            Reply(details_prompt(ctx)),
        )
    return review_details(state, clean(inbound.text), ctx)


def acts(button: str | None, text: str) -> bool:
    """A card's case button or a command other than cancel: sent
    mid-review or while a command waits for its text, it does what it says rather than
    being taken for an answer and lost, and the dialogue is left (issue 12)."""
    if button is None:
        name = text[1:].partition(" ")[0].split("@")[0].casefold()
        return text.startswith("/") and name not in {"cancel", "start", "help", "badreview"}
    action = decode_action(button)
    return isinstance(action, CaseButton) and action.verb in BUTTONS


def leave(state: State, outcome: Outcome, ctx: Context) -> Outcome:
    """The button's or command's outcome, told first what became of the dialogue it left."""
    if state.flow == REVIEW_FLOW:
        left = ctx.t.gettext("The bad review was not logged; send /badreview to start again.")
    else:
        left = ctx.t.gettext("/{command} {number} was not sent; send it again when ready.")
        left = left.format(command=state.data.get("command"), number=state.data.get("number"))
    return Outcome(outcome.state, (Reply(left), *outcome.replies), outcome.intents)


def details_prompt(ctx: Context) -> str:
    return ctx.t.gettext(
        "Send, one per line: the reviewer's name, the rating (1-5 or -), the link (or -), "
        "then the review text."
    )


def review_details(state: State, text: str, ctx: Context) -> Outcome:
    lines = text.split("\n")
    if len(lines) < 4 or not all(line.strip() for line in (lines[0], lines[3])):
        return say(state, Reply(details_prompt(ctx)))
    reviewer, rating, link = (line.strip() for line in lines[:3])
    if rating not in {"-", "1", "2", "3", "4", "5"}:
        return say(state, Reply(details_prompt(ctx)))
    intent = LogReview(
        platform=state.data["platform"],
        category=state.data["category"],
        reviewer=reviewer,
        text="\n".join(lines[3:]).strip(),
        rating=None if rating == "-" else int(rating),
        link=None if link == "-" else link,
    )
    return say(State(IDLE), intents=(intent,))
