"""Staff commands on a case: their names, their words, and the typed intent each becomes.

Everything a use case needs is parsed here (validity, verification result, review outcome,
the corrective-action plan and its date), so no use case reads a string it must decode.
A bad argument is answered with the same words the use case's refusal used to give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from gettext import NullTranslations

from conversations import intents as i
from conversations.base.parsing import find_case_number
from conversations.base.values import ReviewOutcome, Validity
from conversations.customer import MAX_COMMENT  # a comment as long as the customer's own
from conversations.state import Context
from conversations.wording import refusal

MAX_PART = 2000  # each part of a corrective-action plan
MAX_OWNER = 200  # corrective_actions.owner


@dataclass(frozen=True)
class Args:
    """What a staff member typed after the command: the case, the single words, the text."""

    number: str
    words: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class AskNext:
    """A question the command still needs answered; the text so far is kept and the next
    message is added to it (e.g. /valid's root cause, issue 14)."""

    question: str
    so_far: str


Builder = Callable[[Args, Context], "i.Intent | str | AskNext"]


@dataclass(frozen=True)
class Command:
    """`/name NUMBER [word...] [text]`; `words` names the single-word arguments. A command
    with no `ask_text` takes no text: trailing words get its usage, never reach the use case.
    `build` makes the intent, or says what is wrong with the arguments."""

    name: str
    build: Builder
    words: tuple[str, ...] = ()
    ask_text: Callable[[NullTranslations], str] | None = None
    # for words that are not free text: what to send, when they are missing or too many
    usage: Callable[[NullTranslations, str], str] | None = None

    @property
    def takes_text(self) -> bool:
        return self.ask_text is not None


def _reason(t: NullTranslations) -> str:
    return t.gettext("Send the reason.")


def _result_note(t: NullTranslations) -> str:
    return t.gettext("Send a note on the result.")


def _findings(a: Args, ctx: Context, validity: Validity) -> i.Intent | AskNext:
    """'what was found | root cause'; a valid finding without its cause asks for it next
    (seed 000 §6: the root cause is recorded with the findings)."""
    found, _, cause = (part.strip() for part in a.text.partition("|"))
    if validity is Validity.VALID and not cause:
        question = ctx.t.gettext("What was the root cause? Send it in a few words.")
        return AskNext(question, f"{found} | ")
    return i.Findings(a.number, validity, found, cause)


def _link(a: Args, ctx: Context) -> i.Intent | str:
    """`/link N M`: M is a case number too, normalised like N (issue 12: 'hello' passed)."""
    other = find_case_number(a.words[0])
    return _link_usage(ctx.t, a.number) if other is None else i.Link(a.number, other)


def _link_usage(t: NullTranslations, number: str) -> str:
    return t.gettext("Send both case numbers, e.g. /link {number} TS202611-0003.").format(
        number=number
    )


def _verify(a: Args, ctx: Context) -> i.Intent | str:
    word = a.words[0].casefold()
    if word not in {v.value for v in i.Verification}:
        return refusal(ctx.t, "capa.result", {})
    return i.Verify(a.number, i.Verification(word), a.text)


def _outcome(a: Args, ctx: Context) -> i.Intent | str:
    word = a.words[0].casefold()
    if word not in {o.value for o in ReviewOutcome}:
        return refusal(ctx.t, "review.outcome", {})
    return i.RecordOutcome(a.number, ReviewOutcome(word), a.text)


def capa_plan(a: Args, ctx: Context) -> i.Intent | str:
    """'cause | correction | prevention | owner | YYYY-MM-DD', the date not in the past."""
    parts = [part.strip() for part in a.text.split("|")]
    if len(parts) != 5 or not all(parts):
        return refusal(ctx.t, "capa.format", {})
    try:
        due = date.fromisoformat(parts[4])
    except ValueError:
        return refusal(ctx.t, "capa.format", {})
    if due < ctx.now.astimezone(ctx.policy.calendar.zone).date():
        return refusal(ctx.t, "capa.past_date", {"day": parts[4]})
    for part, limit in zip(parts[:4], (MAX_PART, MAX_PART, MAX_PART, MAX_OWNER), strict=True):
        if len(part) > limit:
            return refusal(ctx.t, "input.too_long", {"limit": limit})
    cause, correction, prevention, owner = parts[:4]
    return i.RecordCapa(a.number, cause, correction, prevention, owner, due)


def _reply(a: Args, ctx: Context) -> i.Intent:
    """`/reply N text`, or `/reply N #key [more words]` for the canned answer `key` with
    the words after it (issue 13); '#3 号楼' is text (a number is not a key)."""
    head, _, rest = a.text.partition(" ")
    if head.startswith("#") and len(head) > 1 and not head[1:].isdigit():
        return i.ReplyToCustomer(a.number, rest.strip(), canned=head[1:].casefold())
    return i.ReplyToCustomer(a.number, a.text)


SOLVED = {"solved": True, "unsolved": False}  # the survey's first question, as a word


def _rated(a: Args, ctx: Context) -> i.Intent | str:
    """`solved|unsolved SCORE [comment]`: the survey's answers in the order the customer
    is asked them (conversations/customer.py), the score 1 to 5 as theirs."""
    parts = a.text.split(maxsplit=2)
    if len(parts) < 2 or parts[0].casefold() not in SOLVED or not parts[1].isdecimal():
        return _rated_usage(ctx.t, a.number)
    score, comment = int(parts[1]), parts[2] if len(parts) > 2 else ""
    if not 1 <= score <= 5:
        return refusal(ctx.t, "survey.score_range", {})
    if len(comment) > MAX_COMMENT:
        return refusal(ctx.t, "input.too_long", {"limit": MAX_COMMENT})
    return i.RecordSurvey(a.number, SOLVED[parts[0].casefold()], score, comment)


def _rated_usage(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "Usage: /rated {number} solved|unsolved SCORE [comment], the score from 1 to 5, "
        "e.g. /rated {number} solved 5 thank you."
    ).format(number=number)


def _rated_ask(t: NullTranslations) -> str:
    return t.gettext(
        "Send the customer's answer: solved or unsolved, the score from 1 to 5, then any "
        "comment, e.g. solved 5 thank you."
    )


COMMANDS = {
    command.name: command
    for command in [
        Command("take", lambda a, ctx: i.Take(a.number)),
        Command("approve", lambda a, ctx: i.Approve(a.number)),
        Command("review", lambda a, ctx: i.Review(a.number)),
        Command("close", lambda a, ctx: i.CloseUnanswered(a.number)),
        Command("implement", lambda a, ctx: i.StartWork(a.number)),
        Command("case", lambda a, ctx: i.ShowCase(a.number)),
        Command(
            "note",
            lambda a, ctx: i.AddNote(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the note (customers never see it)."),
        ),
        Command(
            "valid",
            lambda a, ctx: _findings(a, ctx, Validity.VALID),
            ask_text=lambda t: t.gettext("Send what you found."),
        ),
        Command(
            "invalid",
            lambda a, ctx: _findings(a, ctx, Validity.INVALID),
            ask_text=lambda t: t.gettext("Send what you found."),
        ),
        Command(
            "propose",
            lambda a, ctx: i.Propose(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the solution to propose."),
        ),
        Command("sendback", lambda a, ctx: i.SendBack(a.number, a.text), ask_text=_reason),
        Command("reject", lambda a, ctx: i.RejectResolution(a.number, a.text), ask_text=_reason),
        Command(
            "resolve",
            lambda a, ctx: i.Resolve(a.number, a.text),
            ask_text=lambda t: t.gettext("Send a short summary of what was done."),
        ),
        Command(
            "ask",
            lambda a, ctx: i.AskCustomer(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the question for the customer."),
        ),
        Command(
            "reassign",
            lambda a, ctx: i.Reassign(a.number, a.words[0], a.text),
            ("department",),
            _reason,
        ),
        Command(
            "regrade", lambda a, ctx: i.Regrade(a.number, a.words[0], a.text), ("grade",), _reason
        ),
        Command("link", _link, ("other",), usage=_link_usage),
        Command(
            "typical",
            lambda a, ctx: i.MarkTypical(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the lesson learned."),
        ),
        Command(
            "capa",
            capa_plan,
            ask_text=lambda t: t.gettext(
                "Send: root cause | correction | prevention | owner | due date (YYYY-MM-DD)"
            ),
        ),
        Command(
            "reply",
            _reply,
            ask_text=lambda t: t.gettext("Send the message for the customer."),
        ),
        Command(
            "assign",
            lambda a, ctx: i.Assign(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the name of the person to give it to."),
        ),
        Command("verify", _verify, ("result",), _result_note),
        Command("outcome", _outcome, ("result",), _result_note),
        # a customer with no chat answers through staff (first-contact ownership)
        Command("accepted", lambda a, ctx: i.RecordAccepted(a.number)),
        Command(
            "refused",
            lambda a, ctx: i.RecordRefused(a.number, a.text),
            ask_text=lambda t: t.gettext("Send the reason the customer gave."),
        ),
        Command("rated", _rated, ask_text=_rated_ask),
    ]
}
