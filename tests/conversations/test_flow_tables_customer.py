"""The customer's side outside filing, stepped straight through the pure flow: free text
when idle, triage about an open case, commands, buttons, languages, the accept / refuse /
add / survey flows, and bad input (no database)."""

from __future__ import annotations

import pytest

from conversations import customer
from conversations.base.messages import Media
from conversations.base.policy import Language
from conversations.customer import MAX_COMMENT, MAX_TEXT, CustomerStep
from conversations.filing import MAX_DESCRIPTION, FilingStep
from conversations.intents import (
    Accept,
    AddInfo,
    AnswerSurvey,
    Refuse,
    Register,
    SetLanguage,
    ShowCase,
    ShowCases,
)
from conversations.state import Flow, State
from tests.conversations.flow_table import Row, check, message, press, said, table
from tests.fakes.policy import test_policy as shipped_policy

IDLE, FILING, TRIAGE = Flow.IDLE, Flow.FILING, Flow.TRIAGE
N, N2 = "TS202611-0007", "TS202611-0003"
STORY = "我买的电水壶底部漏水，想换一个"
PHOTO = Media("photo", "file-1")
CATEGORIES = tuple(f"category:{c.key}" for c in shipped_policy().categories)
MENU_ACTIONS = ("file:complaint", "file:suggestion", "file:inquiry", "cases")
SCORES = tuple(f"score:{n}" for n in range(1, 6))

MENU = said(
    "Hello! Tell us what happened in your own words, or choose below. We read every message."
)
STALE = said("That button is not available here (any more).")
CANCELLED = said("Cancelled. What else can we do for you?")
GUIDE = said(
    "You can describe a problem in your own words, check your cases with /cases, "
    "go back a step with /back, stop with /cancel, or change language with /language."
)
CANNOT_READ = said("I can read text, photos and files only. Please write it down, or send a photo.")
TOO_LONG = said(
    "That is longer than we can take ({limit} characters at most). "
    "Please shorten it and send it again.",
    limit=MAX_DESCRIPTION,
)
ASK_CATEGORY = said("Which of these is it about?")
SORRY_CATEGORY = said("We are sorry this happened. Which of these is it about?")
ASK_DESCRIPTION = said("Please tell us what happened. You can send photos too.")
TRIAGE_Q = said("Is your message about your open case {number}?", number=N)
ASK_REASON = said("We are sorry it does not suit you. What would you prefer?")
REASON_AGAIN = said("Please tell us in a few words what you would prefer.")
ASK_ADD = said("Send what you would like to add (text or photos).")
ADD_AGAIN = said("Please send some text or a photo (up to {limit} characters).", limit=MAX_TEXT)
SCORE_Q = said("How satisfied are you, from 5 (very) to 1 (not at all)?")
SCORE_AGAIN = said("Please choose a number from 1 to 5.")
ASK_COMMENT = said("Anything you would like to add? Otherwise tap Skip.")
COMMENT_LIMIT = said("Please keep it under {limit} characters.", limit=MAX_COMMENT)

FRESH = State()
SOURCED = State(IDLE, "", {"source": "store42"})
TRIAGED = State(TRIAGE, "", {"text": "还没修好", "source": "store42"})
REFUSING = State(Flow.REFUSE, CustomerStep.REASON, {"number": N})
ADDING = State(Flow.ADD_INFO, CustomerStep.TEXT, {"number": N})
SCORING = State(Flow.SURVEY, CustomerStep.SCORE, {"number": N, "solved": True})
COMMENTING = State(Flow.SURVEY, CustomerStep.COMMENT, {"number": N, "solved": False, "score": 2})
OPEN = (N, N2)  # newest first

# fmt: off
ROWS = [
    # -- idle: greetings, commands -------------------------------------------------------
    Row("greeting", FRESH, message("你好"), IDLE, "", (MENU,), offers=MENU_ACTIONS),
    Row("greeting-en-punctuated", FRESH, message("Hello!"), IDLE, "", (MENU,)),
    Row("empty", FRESH, message(" "), IDLE, "", (MENU,)),
    Row("start-with-source", FRESH, message("/start store42"), IDLE, "", (MENU,),
        data={"source": "store42"}),
    Row("start-plain-forgets-source", SOURCED, message("/start"), IDLE, "", (MENU,),
        gone=("source",)),
    Row("start-mid-flow-leaves-it", REFUSING, message("/start"), IDLE, "", (MENU,),
        gone=("number",)),
    Row("help", FRESH, message("/help"), IDLE, "", (GUIDE,), offers=MENU_ACTIONS),
    Row("help-word", FRESH, message("幫助"), IDLE, "", (GUIDE,)),
    Row("cases-command", FRESH, message("/cases"), IDLE, intents=(ShowCases(),)),
    Row("cases-word", FRESH, message("我的投诉"), IDLE, intents=(ShowCases(),)),
    Row("language-command", FRESH, message("/language"), IDLE, "",
        (said("Choose your language:"),), offers=("lang:zh_Hans", "lang:zh_Hant", "lang:en")),
    Row("language-word", FRESH, message("語言"), IDLE, "", (said("Choose your language:"),)),
    Row("register", FRESH, message("/register ABC123"), IDLE, intents=(Register("ABC123"),)),
    Row("cancel-idle", FRESH, message("/cancel"), IDLE, "", (MENU,)),
    Row("back-idle", FRESH, message("/back"), IDLE, "", (MENU,)),
    Row("case-number", FRESH, message(N), IDLE, intents=(ShowCase(N),)),
    Row("case-number-lower-case", FRESH, message("ts202611-0007"), IDLE,
        intents=(ShowCase(N),)),
    Row("case-number-with-question-mark", FRESH, message(f"{N}？"), IDLE,
        intents=(ShowCase(N),)),
    Row("unreadable", FRESH, message(unreadable="voice"), IDLE, "", (CANNOT_READ,)),
    Row("unreadable-with-text", FRESH, message("hi", unreadable="sticker"), IDLE, "", (MENU,)),
    # -- idle: a story starts filing -----------------------------------------------------
    # offered with the categories the story suggests first (issue 19: test_filing_story.py)
    Row("story", FRESH, message(STORY), FILING, FilingStep.CATEGORY, (SORRY_CATEGORY,),
        data={"kind": "complaint", "description": STORY}),
    Row("story-with-details", FRESH,
        message("Order 88123456: the kettle leaked yesterday. Call me on 138 1234 5678"),
        FILING, FilingStep.CATEGORY, (SORRY_CATEGORY,),
        data={"order_ref": "88123456", "occurred_on": "2026-11-23", "phone": "13812345678"}),
    Row("story-keeps-source", SOURCED, message(STORY), FILING, FilingStep.CATEGORY,
        (SORRY_CATEGORY,), data={"source": "store42"}),
    Row("story-knows-name", FRESH, message(STORY), FILING, FilingStep.CATEGORY,
        (SORRY_CATEGORY,), data={"known_name": "王芳"}, known_name="王芳"),
    Row("story-naming-a-case", FRESH, message(f"{N} 还没修好，请尽快"), FILING,
        FilingStep.CATEGORY, (SORRY_CATEGORY,)),
    Row("story-too-long", FRESH, message("长" * (MAX_DESCRIPTION + 1)), IDLE, "",
        (TOO_LONG, MENU)),
    Row("photo-first", FRESH, message(media=(PHOTO,)), FILING, FilingStep.DESCRIPTION,
        (ASK_DESCRIPTION,), data={"kind": "complaint", "media": [["photo", "file-1"]]},
        gone=("description",)),
    # -- idle with open cases: triage ----------------------------------------------------
    Row("open-case-free-text", FRESH, message("还没修好"), TRIAGE, "", (TRIAGE_Q,),
        data={"text": "还没修好"}, offers=(f"append:{N}", f"case:{N}", "new:story"),
        open_cases=OPEN),
    Row("open-case-keeps-source", SOURCED, message("还没修好"), TRIAGE, "", (TRIAGE_Q,),
        data={"source": "store42"}, open_cases=OPEN),
    Row("open-case-greeting", FRESH, message("您好"), IDLE, "", (MENU,), open_cases=OPEN),
    Row("open-case-number", FRESH, message(N2), IDLE, intents=(ShowCase(N2),),
        open_cases=OPEN),
    Row("open-case-too-long", FRESH, message("长" * (MAX_DESCRIPTION + 1)), IDLE, "",
        (TOO_LONG, MENU), open_cases=OPEN),
    Row("open-case-photo-only", FRESH, message(media=(PHOTO,)), FILING,
        FilingStep.DESCRIPTION, (ASK_DESCRIPTION,), open_cases=OPEN),
    Row("triage-append", TRIAGED, press(f"append:{N}"), IDLE,
        intents=(AddInfo(N, text="还没修好"),), data={"source": "store42"}),
    Row("triage-new-story", TRIAGED, press("new:story"), FILING, FilingStep.CATEGORY,
        (SORRY_CATEGORY,), data={"description": "还没修好", "source": "store42"}),
    Row("triage-show-case", TRIAGED, press(f"case:{N}"), TRIAGE, intents=(ShowCase(N),),
        data={"text": "还没修好"}),
    Row("triage-writes-again", TRIAGED, message("另外一件事"), TRIAGE, "", (TRIAGE_Q,),
        data={"text": "另外一件事", "source": "store42"}, open_cases=OPEN),
    Row("triage-writes-a-story-when-case-closed", TRIAGED, message(STORY), FILING,
        FilingStep.CATEGORY, (SORRY_CATEGORY,), data={"description": STORY}),
    Row("triage-cancel", TRIAGED, message("/cancel"), IDLE, "", (CANCELLED,),
        gone=("text",)),
    # issue 12: a forged button in triage is said to be stale, and what they wrote is kept
    Row("triage-forged-button", TRIAGED, press("bogus:1"), TRIAGE, "", (STALE, TRIAGE_Q),
        data={"text": "还没修好", "source": "store42"}, open_cases=OPEN),
    Row("triage-append-without-number", TRIAGED, press("append:"), TRIAGE, "",
        (STALE, TRIAGE_Q), data={"text": "还没修好"}, open_cases=OPEN),
    Row("triage-staff-button", TRIAGED, press(f"take:{N}"), TRIAGE, "", (STALE, TRIAGE_Q),
        data={"text": "还没修好"}, open_cases=OPEN),
    Row("triage-forged-button-case-closed-since", TRIAGED, press("bogus:1"), TRIAGE, "",
        (STALE,), data={"text": "还没修好"}, offers=MENU_ACTIONS),
    Row("triage-unreadable", TRIAGED, message(unreadable="location"), TRIAGE, "",
        (CANNOT_READ,), data={"text": "还没修好"}),
    # -- buttons that act whatever the flow ---------------------------------------------
    Row("file-complaint", FRESH, press("file:complaint"), FILING, FilingStep.CATEGORY,
        (ASK_CATEGORY,), data={"kind": "complaint"}, offers=CATEGORIES),
    Row("file-suggestion", FRESH, press("file:suggestion"), FILING, FilingStep.CATEGORY,
        (ASK_CATEGORY,), data={"kind": "suggestion"}),
    Row("file-inquiry", FRESH, press("file:inquiry"), FILING, FilingStep.CATEGORY,
        (ASK_CATEGORY,), data={"kind": "inquiry"}),
    Row("file-keeps-source", SOURCED, press("file:complaint"), FILING, FilingStep.CATEGORY,
        (ASK_CATEGORY,), data={"source": "store42"}),
    Row("file-forged-kind", FRESH, press("file:praise"), IDLE, "", (STALE,),
        offers=MENU_ACTIONS),
    Row("cases-button", FRESH, press("cases"), IDLE, intents=(ShowCases(),)),
    Row("case-button", FRESH, press(f"case:{N}"), IDLE, intents=(ShowCase(N),)),
    Row("case-button-empty", FRESH, press("case:"), IDLE, "", (STALE,)),
    Row("language-en", FRESH, press("lang:en"), IDLE, intents=(SetLanguage("en"),)),
    Row("language-zh-hant", FRESH, press("lang:zh_Hant"), IDLE,
        intents=(SetLanguage("zh_Hant"),)),
    Row("language-zh-hans-mid-survey-keeps-it", SCORING, press("lang:zh_Hans"), Flow.SURVEY,
        CustomerStep.SCORE, intents=(SetLanguage("zh_Hans"),), data={"number": N}),
    Row("language-forged", FRESH, press("lang:fr"), IDLE, "", (STALE,)),
    Row("accept", FRESH, press(f"accept:{N}"), IDLE, intents=(Accept(N),)),
    Row("accept-without-number", FRESH, press("accept:"), IDLE, "", (STALE,)),
    Row("refuse", FRESH, press(f"refuse:{N}"), Flow.REFUSE, CustomerStep.REASON,
        (ASK_REASON,), data={"number": N}),
    Row("add", FRESH, press(f"add:{N}"), Flow.ADD_INFO, CustomerStep.TEXT, (ASK_ADD,),
        data={"number": N}),
    Row("solved-yes", FRESH, press(f"solved:{N}:yes"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_Q,), data={"number": N, "solved": True}, offers=SCORES),
    Row("solved-no", FRESH, press(f"solved:{N}:no"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_Q,), data={"number": N, "solved": False}),
    Row("forged-button", FRESH, press("bogus:1"), IDLE, "", (STALE,), offers=MENU_ACTIONS),
    Row("staff-button", FRESH, press(f"take:{N}"), IDLE, "", (STALE,)),
    Row("append-when-idle", FRESH, press(f"append:{N}"), IDLE, "", (STALE,)),
    Row("new-story-when-idle", FRESH, press("new:story"), IDLE, "", (STALE,)),
    Row("confirm-when-idle", FRESH, press("confirm:submit"), IDLE, "", (STALE,)),
    Row("score-when-idle", FRESH, press("score:5"), IDLE, "", (STALE,)),
    Row("skip-when-idle", FRESH, press("skip:comment"), IDLE, "", (STALE,)),
    Row("button-keeps-source", SOURCED, press("bogus"), IDLE, "", (STALE,),
        data={"source": "store42"}),
    # -- refusing a solution: the reason -------------------------------------------------
    Row("refuse-reason", REFUSING, message("想要退款，不要维修"), IDLE,
        intents=(Refuse(N, "想要退款，不要维修"),)),
    Row("refuse-reason-at-limit", REFUSING, message("x" * MAX_TEXT), IDLE,
        intents=(Refuse(N, "x" * MAX_TEXT),)),
    Row("refuse-empty", REFUSING, message(""), Flow.REFUSE, CustomerStep.REASON,
        (REASON_AGAIN,), data={"number": N}),
    Row("refuse-too-long", REFUSING, message("x" * (MAX_TEXT + 1)), Flow.REFUSE,
        CustomerStep.REASON, (REASON_AGAIN,)),
    Row("refuse-photo-only", REFUSING, message(media=(PHOTO,)), Flow.REFUSE,
        CustomerStep.REASON, (REASON_AGAIN,)),
    Row("refuse-forged-button", REFUSING, press("bogus:1"), Flow.REFUSE, CustomerStep.REASON,
        (REASON_AGAIN,)),
    Row("refuse-unreadable", REFUSING, message(unreadable="voice"), Flow.REFUSE,
        CustomerStep.REASON, (CANNOT_READ,)),
    Row("refuse-cancel", REFUSING, message("/cancel"), IDLE, "", (CANCELLED,)),
    Row("refuse-back-cancels", REFUSING, message("/back"), IDLE, "", (CANCELLED,)),
    Row("refuse-help", REFUSING, message("/help"), Flow.REFUSE, CustomerStep.REASON,
        (GUIDE,), data={"number": N}),
    Row("refuse-then-accept-instead", REFUSING, press(f"accept:{N}"), IDLE,
        intents=(Accept(N),)),
    # -- adding information --------------------------------------------------------------
    Row("add-text", ADDING, message("门还是坏的"), IDLE, intents=(AddInfo(N, "门还是坏的"),)),
    Row("add-photo", ADDING, message(media=(PHOTO,)), IDLE,
        intents=(AddInfo(N, "", (PHOTO,)),)),
    Row("add-text-and-photo", ADDING, message("看照片", media=(PHOTO,)), IDLE,
        intents=(AddInfo(N, "看照片", (PHOTO,)),)),
    Row("add-empty", ADDING, message(""), Flow.ADD_INFO, CustomerStep.TEXT, (ADD_AGAIN,),
        data={"number": N}),
    Row("add-too-long", ADDING, message("x" * (MAX_TEXT + 1)), Flow.ADD_INFO,
        CustomerStep.TEXT, (ADD_AGAIN,)),
    Row("add-control-characters-only", ADDING, message("\x00\x01"), Flow.ADD_INFO,
        CustomerStep.TEXT, (ADD_AGAIN,)),
    Row("add-cases-keeps-waiting", ADDING, message("/cases"), Flow.ADD_INFO,
        CustomerStep.TEXT, intents=(ShowCases(),)),
    # -- the survey ----------------------------------------------------------------------
    Row("score-button", SCORING, press("score:4"), Flow.SURVEY, CustomerStep.COMMENT,
        (ASK_COMMENT,), data={"number": N, "solved": True, "score": 4},
        offers=("skip:comment",)),
    Row("score-typed", SCORING, message("5"), Flow.SURVEY, CustomerStep.COMMENT,
        (ASK_COMMENT,), data={"score": 5}),
    Row("score-typed-one", SCORING, message(" 1 "), Flow.SURVEY, CustomerStep.COMMENT,
        (ASK_COMMENT,), data={"score": 1}),
    Row("score-six", SCORING, message("6"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_AGAIN, SCORE_Q), gone=("score",), offers=SCORES),
    Row("score-zero", SCORING, message("0"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_AGAIN, SCORE_Q)),
    Row("score-words", SCORING, message("很满意"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_AGAIN, SCORE_Q)),
    Row("score-forged", SCORING, press("score:9"), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_AGAIN, SCORE_Q)),
    Row("score-other-button", SCORING, press("skip:comment"), Flow.SURVEY,
        CustomerStep.SCORE, (SCORE_AGAIN, SCORE_Q)),
    Row("score-photo", SCORING, message(media=(PHOTO,)), Flow.SURVEY, CustomerStep.SCORE,
        (SCORE_AGAIN, SCORE_Q)),
    Row("comment-skip", COMMENTING, press("skip:comment"), IDLE,
        intents=(AnswerSurvey(N, False, 2, ""),)),
    Row("comment-text", COMMENTING, message("师傅很耐心"), IDLE,
        intents=(AnswerSurvey(N, False, 2, "师傅很耐心"),)),
    Row("comment-at-limit", COMMENTING, message("好" * MAX_COMMENT), IDLE,
        intents=(AnswerSurvey(N, False, 2, "好" * MAX_COMMENT),)),
    Row("comment-too-long", COMMENTING, message("好" * (MAX_COMMENT + 1)), Flow.SURVEY,
        CustomerStep.COMMENT, (COMMENT_LIMIT,), data={"score": 2}),
    Row("comment-skip-word-is-a-comment", COMMENTING, message("skip"), IDLE,
        intents=(AnswerSurvey(N, False, 2, "skip"),)),
    Row("comment-unreadable", COMMENTING, message(unreadable="sticker"), Flow.SURVEY,
        CustomerStep.COMMENT, (CANNOT_READ,)),
    Row("survey-button-again-restarts", COMMENTING, press(f"solved:{N}:yes"), Flow.SURVEY,
        CustomerStep.SCORE, (SCORE_Q,), data={"solved": True}, gone=("score",)),
    Row("survey-cancel", SCORING, message("取消"), IDLE, "", (CANCELLED,)),
]
# fmt: on


@pytest.mark.parametrize(("row", "language"), table(ROWS))
def test_customer_step(row: Row, language: Language) -> None:
    check(customer.step, row, language)
