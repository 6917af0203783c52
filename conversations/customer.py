"""A customer's side of the conversation: commands, buttons and the short flows.

Commands work everywhere (/cancel, /back, /help, /start, /cases, /language); buttons name
an action and a case; anything else belongs to the flow the chat is in, or, when idle,
starts filing with the text as the story.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum

from conversations import filing
from conversations.actions import (
    CaseButton,
    CaseVerb,
    Choice,
    Pick,
    SolvedButton,
    case_button,
    choice,
    decode,
)
from conversations.base.messages import Inbound, Option, Reply
from conversations.base.parsing import clean, find_case_number
from conversations.intents import (
    Accept,
    AddInfo,
    AnswerSurvey,
    ForgetMe,
    MyData,
    Refuse,
    Register,
    ShowCase,
    ShowCases,
)
from conversations.languages import language_chosen, language_menu
from conversations.state import IDLE, Context, Flow, Outcome, State, say
from conversations.wording import cannot_read

MAX_TEXT = 4000
TRIAGE = Flow.TRIAGE  # asked whether free text is about the open case
MAX_COMMENT = 1000
COMMAND_WORDS = {
    "cancel": {"/cancel", "取消", "cancel"},
    "back": {"/back", "返回", "上一步", "back"},
    "help": {"/help", "帮助", "幫助", "help", "?", "？"},
    "cases": {"/cases", "我的投诉", "我的投訴", "my cases"},
    "language": {"/language", "语言", "語言", "language"},
    "mydata": {"/mydata"},
    "forgetme": {"/forgetme"},
}
# What confirms /forgetme (issue 15): "/forgetme yes", "/forgetme 确认".
FORGET_CONFIRM = {"yes", "确认", "確認", "confirm", "是"}


class CustomerStep(StrEnum):
    """Steps of the customer's short flows (conversations.step); stored, never renamed."""

    REASON = "reason"  # refuse: what they would prefer instead
    TEXT = "text"  # add_info: the text or photos to add
    SCORE = "score"  # survey: 1 to 5
    COMMENT = "comment"  # survey: a comment, or skip


GREETINGS = {
    "你好",
    "您好",
    "在吗",
    "在嗎",
    "在么",
    "在麼",
    "哈喽",
    "哈囉",
    "嗨",
    "喂",
    "hi",
    "hello",
    "hey",
    "start",
    "menu",
    "菜单",
    "菜單",
}


def is_greeting(text: str) -> bool:
    return text.casefold().strip(" !！?？.。~～,，") in GREETINGS


def command_of(text: str) -> tuple[str | None, str]:
    """('start', 'store42') for '/start store42'; a known word counts as its command."""
    head, _, rest = text.partition(" ")
    lowered = text.casefold()
    for command, words in COMMAND_WORDS.items():
        if lowered in words or head.casefold() == f"/{command}":
            return command, rest.strip()
    if head.casefold() in {"/start", "/register"}:
        return head.casefold()[1:], rest.strip()
    return None, text


def menu(ctx: Context, lead: str | None = None) -> Reply:
    t = ctx.t.gettext
    text = lead or t(
        "Hello! Tell us what happened in your own words, or choose below. We read every message."
    )
    return Reply(
        text,
        (
            Option(t("File a complaint"), "file:complaint"),
            Option(t("Make a suggestion"), "file:suggestion"),
            Option(t("Ask a question"), "file:inquiry"),
            Option(t("My cases"), "cases"),
        ),
    )


def step(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    """One customer message in, the new state, replies and intents out. A file over the
    size limit was left out by the adapter: said so, and the rest counts (issue 13)."""
    if inbound.too_large_mb is None:
        return answer(state, inbound, ctx)
    refusal = Reply(filing.too_large(ctx.t, inbound.too_large_mb))
    if not (inbound.text.strip() or inbound.button or inbound.media):
        return say(state, refusal)
    outcome = answer(state, inbound, ctx)
    return replace(outcome, replies=(refusal, *outcome.replies))


def answer(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    text = clean(inbound.text)
    if inbound.only_unreadable:
        return say(state, Reply(cannot_read(ctx.t)))
    command, argument = command_of(text) if not inbound.button else (None, text)
    if command is not None:
        return COMMANDS[command](state, argument, ctx)
    if inbound.button:
        handled = on_button(state, inbound, ctx)
        if handled is not None:
            return handled
    flow = FLOWS.get(state.flow)
    if flow is not None:
        return flow(state, inbound, ctx)
    if inbound.button:  # a stale, forged or staff button: said so, never acted on
        return say(state, menu(ctx, stale_button(ctx)))
    return on_idle_text(state, inbound, ctx, text)


def stale_button(ctx: Context) -> str:
    return ctx.t.gettext("That button is not available here (any more).")


def on_idle_text(state: State, inbound: Inbound, ctx: Context, text: str) -> Outcome:
    number = find_case_number(text)
    if number is not None and len(text) <= len(number) + 2:
        return say(state, intents=(ShowCase(number),))
    if (not text and not inbound.media) or is_greeting(text):
        return say(state, menu(ctx))
    if ctx.open_cases and text and len(text) <= filing.MAX_DESCRIPTION:  # its photos kept
        return triage(state, filing.with_media({"text": text}, inbound.media), ctx)
    return new_story(state, inbound, ctx)  # a longer story is refused there, with the limit


def triage(state: State, written: filing.Data, ctx: Context) -> Outcome:
    """Someone with an open case who writes freely is asked before a second case is
    started: most such messages are about the case they already have."""
    number, t = ctx.open_cases[0], ctx.t
    question = t.gettext("Is your message about your open case {number}?").format(number=number)
    options = (
        Option(
            t.gettext("Yes, add it to case {number}").format(number=number),
            case_button(CaseVerb.APPEND, number),
        ),
        Option(t.gettext("Show how it stands"), case_button(CaseVerb.CASE, number)),
        Option(t.gettext("No, it is something new"), choice(Pick.NEW, "story")),
    )
    data = {**written, "source": state.data.get("source")}  # kept whole: it may be filed
    return say(State(TRIAGE, "", data), Reply(question, options))


def triage_flow(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    action = decode(inbound.button)
    written = str(state.data.get("text", ""))
    media = filing.media_of(state.data)
    idle = State(IDLE, "", {"source": state.data.get("source")})
    if isinstance(action, CaseButton) and action.verb is CaseVerb.APPEND:
        return say(idle, intents=(AddInfo(action.number, written, media),))
    if isinstance(action, Choice) and action.pick is Pick.NEW:
        return new_story(idle, replace(inbound, text=written, button=None, media=media), ctx)
    if inbound.media and not (inbound.text.strip() or inbound.button):  # an album's rest
        kept = State(TRIAGE, "", filing.with_media(state.data, inbound.media))
        return say(kept, Reply(filing.file_kept(ctx.t)))
    if inbound.button:  # forged or out of date: said so, and what they wrote is kept
        if not ctx.open_cases:  # closed meanwhile: nothing to ask about any more
            return say(state, menu(ctx, stale_button(ctx)))
        asked = triage(state, state.data, ctx)
        return Outcome(asked.state, (Reply(stale_button(ctx)), *asked.replies))
    return on_idle_text(idle, inbound, ctx, clean(inbound.text))  # wrote again instead


def new_story(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    story = filing.answer_description(inbound, ctx, {})
    if isinstance(story, str):
        return say(state, Reply(story), menu(ctx))
    if story.pop("_stay", False):
        data = {"kind": "complaint", **story, "source": state.data.get("source")}
        return Outcome(
            State(filing.FLOW, filing.FilingStep.DESCRIPTION, data),
            (filing.ask_description(ctx, data),),
        )
    data = {"kind": "complaint", "source": state.data.get("source")}
    return filing.start(ctx, filing.told(ctx, data, story))  # what the story says is not asked


# -- commands -----------------------------------------------------------------------


def do_cancel(state: State, argument: str, ctx: Context) -> Outcome:
    if state.idle:
        return say(state, menu(ctx))
    return say(State(IDLE), menu(ctx, ctx.t.gettext("Cancelled. What else can we do for you?")))


def do_back(state: State, argument: str, ctx: Context) -> Outcome:
    if state.flow == filing.FLOW:
        return filing.back(state, ctx)
    return do_cancel(state, argument, ctx)


def do_help(state: State, argument: str, ctx: Context) -> Outcome:
    t = ctx.t.gettext
    guide = t(
        "You can describe a problem in your own words, check your cases with /cases, "
        "go back a step with /back, stop with /cancel, or change language with /language."
    )
    if state.flow == filing.FLOW:
        current = filing.BY_KEY.get(state.step)
        again = current.ask(ctx, state.data) if current else filing.summary(ctx, state.data)
        return say(state, Reply(guide), again)
    return say(state, menu(ctx, guide))


def do_start(state: State, argument: str, ctx: Context) -> Outcome:
    source = clean(argument)[:64] or None
    return say(State(IDLE, data={"source": source} if source else {}), menu(ctx))


def do_register(state: State, argument: str, ctx: Context) -> Outcome:
    """A new staff member redeems the invitation code a manager gave them."""
    return say(State(IDLE), intents=(Register(argument),))


def do_cases(state: State, argument: str, ctx: Context) -> Outcome:
    return say(state, intents=(ShowCases(),))


def do_language(state: State, argument: str, ctx: Context) -> Outcome:
    return say(state, language_menu(ctx.t))


def do_mydata(state: State, argument: str, ctx: Context) -> Outcome:
    return say(state, intents=(MyData(),))


def do_forgetme(state: State, argument: str, ctx: Context) -> Outcome:
    confirmed = clean(argument).casefold() in FORGET_CONFIRM
    return say(state, intents=(ForgetMe(confirmed=confirmed),))


COMMANDS: dict[str, Callable[[State, str, Context], Outcome]] = {
    "cancel": do_cancel,
    "back": do_back,
    "help": do_help,
    "start": do_start,
    "cases": do_cases,
    "language": do_language,
    "register": do_register,
    "mydata": do_mydata,
    "forgetme": do_forgetme,
}


# -- buttons ------------------------------------------------------------------------


def on_button(state: State, inbound: Inbound, ctx: Context) -> Outcome | None:
    """Buttons that act on their own, whatever flow the chat is in. One that starts another
    dialogue (or a new filing) mid-filing says the unfinished one was not sent (issue 12:
    it vanished)."""
    outcome = act_on_button(state, inbound, ctx)
    if outcome is None or state.flow != filing.FLOW or outcome.state is state:
        return outcome
    dropped = ctx.t.gettext(
        "What you had started to tell us was not sent. You can tell us again at any time."
    )
    return Outcome(outcome.state, (Reply(dropped), *outcome.replies), outcome.intents)


def act_on_button(state: State, inbound: Inbound, ctx: Context) -> Outcome | None:
    """Choosing a language or looking at cases keeps any dialogue in progress, accepting a
    solution keeps a filing: they need no answer, so the chat goes on where it was."""
    action = decode(inbound.button)
    match action:
        case Choice(pick=Pick.FILE, value=kind) if kind in {"complaint", "suggestion", "inquiry"}:
            return filing.start(ctx, {"kind": kind, "source": state.data.get("source")})
        case Choice(pick=Pick.CASES):
            return say(state, intents=(ShowCases(),))
        case Choice(pick=Pick.LANGUAGE):
            chosen = language_chosen(inbound.button or "")
            return None if chosen is None else say(state, intents=(chosen,))
        case SolvedButton(number=number, solved=solved):
            return survey_start(number, solved, ctx)
        case CaseButton(verb=verb, number=number):
            return on_case_button(state, verb, number, ctx)
    return None


def on_case_button(state: State, verb: CaseVerb, number: str, ctx: Context) -> Outcome | None:
    """The customer's buttons on one of their cases; staff verbs are not theirs (None)."""
    if verb is CaseVerb.CASE:
        return say(state, intents=(ShowCase(number),))
    if verb is CaseVerb.ACCEPT:
        kept = state if state.flow == filing.FLOW else State(IDLE)  # not a refusal in progress
        return say(kept, intents=(Accept(number),))
    if verb is CaseVerb.REFUSE:
        prompt = ctx.t.gettext("We are sorry it does not suit you. What would you prefer?")
        return say(State(Flow.REFUSE, CustomerStep.REASON, {"number": number}), Reply(prompt))
    if verb is CaseVerb.ADD:
        prompt = ctx.t.gettext("Send what you would like to add (text or photos).")
        return say(State(Flow.ADD_INFO, CustomerStep.TEXT, {"number": number}), Reply(prompt))
    return None


# -- short flows --------------------------------------------------------------------


def refuse_flow(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    reason = clean(inbound.text)
    if not reason or len(reason) > MAX_TEXT:
        ask = ctx.t.gettext("Please tell us in a few words what you would prefer.")
        return say(state, Reply(ask))
    return say(State(IDLE), intents=(Refuse(state.data["number"], reason),))


def add_info_flow(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    text = clean(inbound.text)
    if (not text and not inbound.media) or len(text) > MAX_TEXT:
        ask = ctx.t.gettext("Please send some text or a photo (up to {limit} characters).")
        return say(state, Reply(ask.format(limit=MAX_TEXT)))
    return say(State(IDLE), intents=(AddInfo(state.data["number"], text, inbound.media),))


def survey_start(number: str, solved: bool, ctx: Context) -> Outcome:
    data = {"number": number, "solved": solved}
    return say(State(Flow.SURVEY, CustomerStep.SCORE, data), score_question(ctx))


def score_question(ctx: Context) -> Reply:
    """Scores are offered 1 to 5 so each one's position is its own number: where choices
    are shown numbered (WeChat, console), a typed "5" is score 5 (issue 11: it was 1)."""
    options = tuple(Option(str(score), f"score:{score}") for score in range(1, 6))
    return Reply(ctx.t.gettext("How satisfied are you, from 5 (very) to 1 (not at all)?"), options)


def survey_flow(state: State, inbound: Inbound, ctx: Context) -> Outcome:
    t = ctx.t.gettext
    if state.step == CustomerStep.SCORE:
        raw = (inbound.button or "").removeprefix("score:") or clean(inbound.text)
        if raw not in {"1", "2", "3", "4", "5"}:
            return say(state, Reply(t("Please choose a number from 1 to 5.")), score_question(ctx))
        data = {**state.data, "score": int(raw)}
        ask = Reply(
            t("Anything you would like to add? Otherwise tap Skip."),
            (Option(t("Skip"), "skip:comment"),),
        )
        return say(State(Flow.SURVEY, CustomerStep.COMMENT, data), ask)
    skipped = inbound.button == "skip:comment"
    comment = "" if skipped else clean(inbound.text)
    if len(comment) > MAX_COMMENT:  # asked again with the limit, never cut unseen
        limit = t("Please keep it under {limit} characters.").format(limit=MAX_COMMENT)
        return say(state, Reply(limit))
    data = state.data
    return say(
        State(IDLE), intents=(AnswerSurvey(data["number"], data["solved"], data["score"], comment),)
    )


FLOWS: dict[str, Callable[[State, Inbound, Context], Outcome]] = {
    filing.FLOW: filing.step,
    TRIAGE: triage_flow,
    Flow.REFUSE: refuse_flow,
    Flow.ADD_INFO: add_info_flow,
    Flow.SURVEY: survey_flow,
}
