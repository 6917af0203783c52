"""Filing, step by step, straight through the pure customer flow (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from conversations import customer
from conversations.base.i18n import translation
from conversations.base.messages import Media
from conversations.base.policy import Language
from conversations.base.values import CaseKind, Wanted
from conversations.customer import CustomerStep
from conversations.filing import MAX_DESCRIPTION, MAX_SHORT, FilingStep
from conversations.intents import Accept, FileCase, SetLanguage, ShowCase, ShowCases
from conversations.state import Flow, State
from tests.conversations.flow_table import (
    Row,
    Said,
    check,
    context,
    message,
    press,
    said,
    says_in,
    table,
)
from tests.fakes.policy import test_policy as shipped_policy

FILING, IDLE = Flow.FILING, Flow.IDLE
K, CAT, DESC, DET, WANT, NAME, PHONE, CONF = (
    FilingStep.KIND,
    FilingStep.CATEGORY,
    FilingStep.DESCRIPTION,
    FilingStep.DETAILS,
    FilingStep.WANTED,
    FilingStep.NAME,
    FilingStep.PHONE,
    FilingStep.CONFIRM,
)
STORY = "我买的电水壶底部漏水，想换一个"
PHOTO = Media("photo", "file-1")
CATEGORIES = tuple(f"category:{c.key}" for c in shipped_policy().categories)
KINDS = ("kind:complaint", "kind:suggestion", "kind:inquiry")
WANTS = tuple(f"wanted:{w.value}" for w in Wanted)

CHOOSE = said("Please choose one of the options below.")
STALE = said("That button is not available here (any more).")
NOT_SENT = said("What you had started to tell us was not sent. You can tell us again at any time.")
N = "TS202611-0007"
ASK_KIND = said("What would you like to tell us?")
ASK_CATEGORY = said("Which of these is it about?")
SORRY_CATEGORY = said("We are sorry this happened. Which of these is it about?")
ASK_DESCRIPTION = said("Please tell us what happened. You can send photos too.")
ASK_DETAILS = said(
    "If you have them, send the order or product number and when it happened "
    '(e.g. "yesterday" or 2026-11-20). Otherwise tap Skip.'
)
ASK_WANTED = said("What would you like us to do?")
ASK_NAME = said("How should we address you? Send your name, or tap Skip to stay anonymous.")
BAD_NAME = said("Please send your name (up to 100 characters), or tap Skip.")
ASK_PHONE = said(
    "Send a mobile number if you would like us to call you; only the people "
    "handling your case will see it. Otherwise tap Skip."
)
SUMMARY = says_in("What happened: {description}", description=STORY)
DESCRIBED = said("What happened: {description}", description=STORY)


@dataclass(frozen=True)
class SaidWith(Said):
    """A reply part whose placeholders are themselves translated (a label in a line)."""

    def render(self, language: Language) -> str:
        fmt = {k: v.render(language) if isinstance(v, Said) else v for k, v in self.fmt.items()}
        return translation(language).gettext(self.msgid).format(**fmt)


def line(msgid: str, /, **fmt: Any) -> SaidWith:
    """A line of the summary, its placeholders translated too."""
    return SaidWith(msgid, fmt, whole=False)


ANONYMOUS_SUMMARY = line("Name: {name}", name=said("anonymous"))
# No name from the platform: the summary says it is optional and how to give it (issue 19).
NAME_OPTIONAL = says_in("Name: not given (you can simply reply with your name)")


@dataclass(frozen=True)
class Named(Said):
    """A category's name as the configuration gives it in the row's language."""

    def render(self, language: Language) -> str:
        return shipped_policy().category(self.msgid).names[language]


@dataclass(frozen=True, init=False)
class Lines(Said):
    """Consecutive lines of one reply (the summary), each rendered in the row's language."""

    parts: tuple[Said, ...] = ()

    def __init__(self, parts: tuple[Said, ...]) -> None:
        super().__init__("", {}, whole=False)
        object.__setattr__(self, "parts", parts)

    def render(self, language: Language) -> str:
        return "\n".join(part.render(language) for part in self.parts)


def understood(value: Said) -> SaidWith:
    return SaidWith("{value} (from your description)", {"value": value})


CONFIRM_COMPLAINT = (
    "confirm:submit",
    "edit:category",
    "edit:description",
    "edit:details",
    "edit:wanted",
    "edit:name",
    "edit:phone",
    "who:ask",
    "secret:toggle",
    "confirm:cancel",
)


def at(step: str, base: dict[str, Any] | None = None, **data: Any) -> State:
    return State(FILING, step, {**(base or {}), **data})


def after(*steps: str, **data: Any) -> dict[str, Any]:
    """Data as filing left it once `steps` were answered."""
    base: dict[str, Any] = {"kind": "complaint", "known_name": None, "history": list(steps)}
    filled: dict[str, dict[str, Any]] = {
        CAT: {"category": "product_quality"},
        DESC: {"description": STORY, "media": []},
        DET: {"details_done": True},
        WANT: {"wanted": "replacement"},
        NAME: {"name": "王芳"},
    }
    for step in steps:
        base.update(filled.get(step, {}))
    return {**base, **data}


DONE = after(CAT, DESC, DET, WANT, NAME)
NONAME = after(CAT, DESC, DET, WANT)  # at the summary, no name from the platform (issue 19)
SUGGESTION = after(CAT, DESC, NAME, kind="suggestion")
INQUIRY = after(CAT, DESC, NAME, kind="inquiry")

# A story that told the category, the wish and the date (issue 19): the summary says so.
READ_ALL = ["category", "wanted", "occurred_on"]
TOLD = after(DESC, NAME, category="product_quality", wanted="replacement",
             occurred_on="2026-11-23", read=READ_ALL)  # fmt: skip
TOLD_SUMMARY = Lines(
    (
        line("About: {category}", category=understood(Named("product_quality"))),
        said("What happened: {description}", description=STORY),
        line("When: {day}", day=understood(said("2026-11-23"))),
        line("You would like: {wanted}", wanted=understood(said("Replacement"))),
    )
)
# The same, its category being corrected (edit:category pressed on the summary).
CORRECTING = {
    **{key: value for key, value in TOLD.items() if key != "category"},
    "read": ["wanted", "occurred_on"],
    "wrong_category": "product_quality",
}
TOLD_SUMMARY_NO_DATE = Lines(
    (
        line("About: {category}", category=understood(Named("product_quality"))),
        said("What happened: {description}", description=STORY),
        said("When: {day}", day="2026-11-20"),
        line("You would like: {wanted}", wanted=understood(said("Replacement"))),
    )
)
CONFIRM_TOLD = (
    "confirm:submit",
    "edit:category",
    "edit:wanted",
    "edit:when",
    "edit:description",
    "edit:details",
    "edit:name",
    "edit:phone",
    "who:ask",
    "secret:toggle",
    "confirm:cancel",
)
ASK_WHEN = said(
    'When did it happen? Send the date (e.g. "yesterday" or 2026-11-20), '
    "or tap Skip if you are not sure."
)
BAD_DATE = said("That does not look like a date. Please send one like 2026-11-20, or tap Skip.")
FIRST = ("category:delivery", "category:billing")
LIKELY_FIRST = (*FIRST, *(c for c in CATEGORIES if c not in FIRST))
WRONG = "category:product_quality"
WRONG_LAST = (*(c for c in CATEGORIES if c != WRONG), WRONG)
# One tap (issue 19): the next likely categories offered on the summary of a read category.
LIKELY4 = ["product_quality", "delivery", "billing", "aftersales"]
OFFERED = TOLD | {"likely": LIKELY4, "alternatives": ["delivery", "billing"]}
ALT_CONFIRM = ("confirm:submit", "alt:delivery", "alt:billing", *CONFIRM_TOLD[1:])
ALT_AFTER_WHEN = ("confirm:submit", "alt:delivery", "alt:billing", "edit:category",
                  "edit:wanted", *CONFIRM_TOLD[4:])  # fmt: skip
CHOSEN_NOW = ("confirm:submit", "edit:wanted", "edit:when", "edit:category", *CONFIRM_TOLD[4:])

# fmt: off
ROWS = [
    # -- kind (only a stored state from before the menu knew the kind asks it) -----------
    Row("kind-button", at(K), press("kind:suggestion"), FILING, CAT, (ASK_CATEGORY,),
        data={"kind": "suggestion"}, offers=CATEGORIES),
    Row("kind-typed-number", at(K), message("3"), FILING, CAT, (ASK_CATEGORY,),
        data={"kind": "inquiry"}),
    Row("kind-forged", at(K), press("kind:praise"), FILING, K, (CHOOSE, ASK_KIND), offers=KINDS),
    Row("kind-text", at(K), message("hmm"), FILING, K, (CHOOSE, ASK_KIND)),
    # -- category --------------------------------------------------------------------------
    Row("category-button-after-story", at(CAT, after(DESC)), press("category:delivery"),
        FILING, DET, (ASK_DETAILS,), data={"category": "delivery"}, offers=("skip:details",)),
    Row("category-button-before-story", at(CAT, kind="complaint"), press("category:billing"),
        FILING, DESC, (ASK_DESCRIPTION,), data={"category": "billing", "history": [CAT]}),
    Row("category-typed-number", at(CAT, kind="complaint"), message("1"), FILING, DESC,
        (ASK_DESCRIPTION,), data={"category": "product_quality"}),
    Row("category-forged", at(CAT, after(DESC)), press("category:weather"), FILING, CAT,
        (CHOOSE, SORRY_CATEGORY), gone=("category",), offers=CATEGORIES),
    Row("category-typed-out-of-range", at(CAT, kind="complaint"), message("99"), FILING, CAT,
        (CHOOSE, ASK_CATEGORY)),
    Row("category-other-step-button", at(CAT, kind="complaint"), press("wanted:refund"),
        FILING, CAT, (CHOOSE, ASK_CATEGORY)),
    Row("category-inquiry-no-name-summary", at(CAT, after(DESC, kind="inquiry")),
        press("category:other"), FILING, CONF, (NAME_OPTIONAL,)),
    # -- description ----------------------------------------------------------------------
    Row("description-text", at(DESC, after(CAT)), message(STORY), FILING, DET,
        (ASK_DETAILS,), data={"description": STORY, "media": []}),
    Row("description-text-and-photo", at(DESC, after(CAT)),
        message(STORY, media=(PHOTO,)), FILING, DET, (ASK_DETAILS,),
        data={"media": [["photo", "file-1"]]}),
    Row("description-photo-only-stays", at(DESC, after(CAT)), message(media=(PHOTO,)),
        FILING, DESC,
        (said("Photo received. Now please describe what happened in a few words."),),
        data={"media": [["photo", "file-1"]]}, gone=("description",)),
    Row("description-photo-then-text-keeps-photo",
        at(DESC, after(CAT), media=[["photo", "file-1"]]), message(STORY), FILING, DET,
        (ASK_DETAILS,), data={"media": [["photo", "file-1"]], "description": STORY}),
    Row("description-empty", at(DESC, after(CAT)), message("  "), FILING, DESC,
        (said("Please describe what happened in a few words."), ASK_DESCRIPTION)),
    Row("description-too-long", at(DESC, after(CAT)), message("长" * (MAX_DESCRIPTION + 1)),
        FILING, DESC, (said("That is longer than we can take ({limit} characters at most). "
                            "Please shorten it and send it again.", limit=MAX_DESCRIPTION),
                       ASK_DESCRIPTION), gone=("description",)),
    Row("description-at-the-limit", at(DESC, after(CAT)), message("长" * MAX_DESCRIPTION),
        FILING, DET, (ASK_DETAILS,)),
    Row("description-finds-details", at(DESC, after(CAT)),
        message("订单 88123456 昨天送到就坏了，电话 138 1234 5678"), FILING, WANT, (ASK_WANTED,),
        data={"order_ref": "88123456", "occurred_on": "2026-11-23", "phone": "13812345678"},
        offers=WANTS),
    Row("description-suggestion-asks-details",
        at(DESC, after(CAT, kind="suggestion")), message("多开一个收银台"), FILING, DET,
        (ASK_DETAILS,)),
    Row("description-inquiry-known-name-to-summary",
        at(DESC, after(CAT, kind="inquiry"), known_name="王芳"), message(STORY), FILING, CONF,
        (SUMMARY,)),
    Row("description-control-characters-dropped", at(DESC, after(CAT)),
        message(f"\x00{STORY}\x07"), FILING, DET, (ASK_DETAILS,), data={"description": STORY}),
    # -- details --------------------------------------------------------------------------
    Row("details-skip-button", at(DET, after(CAT, DESC)), press("skip:details"), FILING,
        WANT, (ASK_WANTED,), data={"details_done": True}),
    Row("details-skip-typed", at(DET, after(CAT, DESC)), message("跳过"), FILING, WANT,
        (ASK_WANTED,), data={"details_done": True}, gone=("order_ref",)),
    Row("details-skip-typed-en", at(DET, after(CAT, DESC)), message("Skip"), FILING, WANT,
        (ASK_WANTED,), data={"details_done": True}, gone=("order_ref",)),
    Row("details-order", at(DET, after(CAT, DESC)), message("SF1234567"), FILING, WANT,
        (ASK_WANTED,), data={"order_ref": "SF1234567"}),
    Row("details-date", at(DET, after(CAT, DESC)), message("昨天"), FILING, WANT,
        (ASK_WANTED,), data={"occurred_on": "2026-11-23"}, gone=("order_ref",)),
    Row("details-product-name", at(DET, after(CAT, DESC)), message("蓝色电水壶"), FILING,
        WANT, (ASK_WANTED,), data={"order_ref": "蓝色电水壶"}),
    Row("details-empty", at(DET, after(CAT, DESC)), message(media=(PHOTO,)), FILING, DET,
        (said("Please send the details, or tap Skip."), ASK_DETAILS)),
    Row("details-too-long", at(DET, after(CAT, DESC)), message("x" * (MAX_SHORT + 1)),
        FILING, DET, (said("Please keep this under {limit} characters.", limit=MAX_SHORT),
                      ASK_DETAILS), gone=("order_ref",)),
    Row("details-known-name-to-summary", at(DET, after(CAT, DESC), known_name="王芳",
        wanted="refund"), press("skip:details"), FILING, CONF, (SUMMARY,)),
    # -- wanted ---------------------------------------------------------------------------
    Row("wanted-button", at(WANT, after(CAT, DESC, DET)), press("wanted:refund"), FILING,
        CONF, (NAME_OPTIONAL,), data={"wanted": "refund"}),
    Row("wanted-typed-number", at(WANT, after(CAT, DESC, DET)), message("2"), FILING, CONF,
        (NAME_OPTIONAL,), data={"wanted": "replacement"}),
    Row("wanted-known-name", at(WANT, after(CAT, DESC, DET), known_name="王芳"),
        press("wanted:apology"), FILING, CONF, (SUMMARY,), offers=CONFIRM_COMPLAINT),
    Row("wanted-forged", at(WANT, after(CAT, DESC, DET)), press("wanted:gold"), FILING,
        WANT, (CHOOSE, ASK_WANTED), gone=("wanted",), offers=WANTS),
    Row("wanted-free-text", at(WANT, after(CAT, DESC, DET)), message("赔钱"), FILING, WANT,
        (CHOOSE, ASK_WANTED)),
    # -- name -----------------------------------------------------------------------------
    Row("name", at(NAME, after(CAT, DESC, DET, WANT)), message(" 王芳 "), FILING, CONF,
        (SUMMARY,), data={"name": "王芳"}, offers=CONFIRM_COMPLAINT),
    Row("name-empty", at(NAME, after(CAT, DESC, DET, WANT)), message(""), FILING, NAME,
        (BAD_NAME, ASK_NAME)),
    Row("name-too-long", at(NAME, after(CAT, DESC, DET, WANT)), message("名" * 101), FILING,
        NAME, (BAD_NAME, ASK_NAME)),
    Row("name-a-digit", at(NAME, after(CAT, DESC, DET, WANT)), message("1"), FILING, NAME,
        (BAD_NAME, ASK_NAME)),
    Row("name-bidi-stripped", at(NAME, after(CAT, DESC, DET, WANT)), message("\u202e王芳\u2069"),
        FILING, CONF, (SUMMARY,), data={"name": "王芳"}, offers=CONFIRM_COMPLAINT),
    # issue 19: the name can be skipped; the case is then filed anonymously
    Row("name-not-asked-the-summary-offers-it", at(WANT, after(CAT, DESC, DET)),
        press("wanted:refund"), FILING, CONF, (NAME_OPTIONAL,), gone=("name", "anonymous"),
        offers=CONFIRM_COMPLAINT),
    # issue 19: no name question before the summary; a name typed at the summary is taken
    # (plausible, short, not a sentence, not the story, nothing the reader recognises)
    Row("summary-typed-name-taken", at(CONF, NONAME), message(" 王芳 "), FILING, CONF,
        (SUMMARY,), data={"name": "王芳", "anonymous": False}, offers=CONFIRM_COMPLAINT),
    Row("summary-typed-latin-name-taken", at(CONF, NONAME), message("Mary Smith"), FILING,
        CONF, (line("Name: {name}", name="Mary Smith"),), data={"name": "Mary Smith"}),
    Row("summary-typed-name-bidi-stripped", at(CONF, NONAME), message("\u202e王芳\u2069"),
        FILING, CONF, (SUMMARY,), data={"name": "王芳"}),
    Row("summary-story-again-not-a-name", at(CONF, NONAME), message(STORY), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-other-story-not-a-name", at(CONF, NONAME), message("快递没到"), FILING,
        CONF, (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-sentence-not-a-name", at(CONF, NONAME), message("太差了"), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-english-sentence-not-a-name", at(CONF, NONAME), message("it is broken"),
        FILING, CONF, (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-wish-not-a-name", at(CONF, NONAME), message("refund"), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-phone-not-a-name", at(CONF, NONAME), message("13812345678"), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-slash-word-not-a-name", at(CONF, NONAME), message("/王芳"), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-too-long-not-a-name", at(CONF, NONAME), message("名" * 31), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-punctuated-not-a-name", at(CONF, NONAME), message("王芳，谢谢"), FILING,
        CONF, (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-digit-not-a-name", at(CONF, NONAME), message("1a"), FILING, CONF,
        (CHOOSE, NAME_OPTIONAL), gone=("name",)),
    Row("summary-name-given-typed-not-taken", at(CONF, DONE), message("李雷"), FILING, CONF,
        (CHOOSE, SUMMARY), data={"name": "王芳"}),
    Row("summary-platform-name-typed-not-taken", at(CONF, NONAME, known_name="王芳"),
        message("李雷"), FILING, CONF, (CHOOSE, SUMMARY), gone=("name",)),
    Row("summary-anonymous-chosen-typed-not-taken", at(CONF, NONAME, name=None,
        anonymous=True), message("李雷"), FILING, CONF, (CHOOSE, ANONYMOUS_SUMMARY),
        data={"name": None, "anonymous": True}),
    Row("summary-typed-number-is-the-option", at(CONF, NONAME), message("1"), IDLE,
        intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY, Wanted.REPLACEMENT,
                          anonymous=True),)),
    Row("summary-submit-without-name-anonymous", at(CONF, NONAME), press("confirm:submit"),
        IDLE, intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY,
                                Wanted.REPLACEMENT, anonymous=True),)),
    Row("summary-submit-after-typed-name", at(CONF, NONAME, name="王芳", anonymous=False),
        press("confirm:submit"), IDLE,
        intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY, Wanted.REPLACEMENT,
                          name="王芳"),)),
    Row("summary-change-name-asks-it-with-skip", at(CONF, NONAME), press("edit:name"),
        FILING, NAME, (ASK_NAME,), data={"editing_name": True}, offers=("skip:name",)),
    Row("name-skip-button", at(NAME, after(CAT, DESC, DET, WANT)), press("skip:name"), FILING,
        CONF, (ANONYMOUS_SUMMARY,), data={"name": None, "anonymous": True},
        offers=CONFIRM_COMPLAINT),
    Row("name-skip-typed", at(NAME, after(CAT, DESC, DET, WANT)), message("跳过"), FILING,
        CONF, (ANONYMOUS_SUMMARY,), data={"name": None, "anonymous": True}),
    Row("name-anonymous-typed", at(NAME, after(CAT, DESC, DET, WANT)), message("匿名"), FILING,
        CONF, (ANONYMOUS_SUMMARY,), data={"name": None, "anonymous": True}),
    Row("name-skip-stale-elsewhere", at(DET, after(CAT, DESC)), press("skip:name"), FILING,
        DET, (said("Please send the details, or tap Skip."), ASK_DETAILS), gone=("name",)),
    Row("name-after-anonymous-edit", at(NAME, after(CAT, DESC, DET, WANT), anonymous=True),
        message("王芳"), FILING, CONF, (SUMMARY,), data={"name": "王芳", "anonymous": False}),
    # -- what the story told (issue 19): marked on the summary, corrected one at a time --
    Row("told-summary-marks-what-was-read", at(CONF, TOLD), message("?!"), FILING, CONF,
        (CHOOSE, TOLD_SUMMARY), offers=CONFIRM_TOLD),
    Row("told-correct-category-asks-only-it", at(CONF, TOLD), press("edit:category"),
        FILING, CAT, (SORRY_CATEGORY,), gone=("category",),
        data={"read": ["wanted", "occurred_on"], "wrong_category": "product_quality"},
        offers=WRONG_LAST),
    Row("told-corrected-category-comes-back", at(CAT, CORRECTING), press("category:delivery"),
        FILING, CONF,
        (Lines((line("About: {category}", category=Named("delivery")), DESCRIBED)),),
        data={"category": "delivery"},
        offers=("confirm:submit", "edit:wanted", "edit:when", "edit:category",
                *CONFIRM_TOLD[4:])),
    Row("told-wrong-guess-typed-number-follows-the-order",
        at(CAT, CORRECTING, likely=["delivery"]),
        message("1"), FILING, CONF, (SUMMARY,), data={"category": "delivery"}),
    Row("told-correct-category-pressed-twice", at(CAT, CORRECTING), press("edit:category"),
        FILING, CAT,
        (CHOOSE, SORRY_CATEGORY), gone=("category",), offers=WRONG_LAST),
    Row("told-correcting-keeps-a-photo", at(CAT, CORRECTING), message(media=(PHOTO,)),
        FILING, CAT,
        (CHOOSE, SORRY_CATEGORY), data={"media": [["photo", "file-1"]]}),
    Row("told-correcting-language-change-keeps-it", at(CAT, CORRECTING, read=["wanted"]),
        press("lang:en"), FILING, CAT, intents=(SetLanguage("en"),), data={"read": ["wanted"]}),
    Row("told-correcting-cancel", at(CAT, CORRECTING), message("/cancel"), IDLE, "",
        (said("Cancelled. What else can we do for you?"),), gone=("description", "read")),
    Row("told-correct-wish", at(CONF, TOLD), press("edit:wanted"), FILING, WANT,
        (ASK_WANTED,), gone=("wanted",), data={"read": ["category", "occurred_on"]}),
    Row("told-corrected-wish-comes-back", at(WANT, TOLD, read=["category", "occurred_on"]),
        press("wanted:refund"), FILING, CONF, (SUMMARY,),
        data={"wanted": "refund", "read": ["category", "occurred_on"]}),
    Row("told-correct-date", at(CONF, TOLD), press("edit:when"), FILING, FilingStep.WHEN,
        (ASK_WHEN,), data={"editing_when": True, "read": ["category", "wanted"]},
        offers=("skip:when",)),
    Row("told-correct-date-typed-number", at(CONF, TOLD), message("4"), FILING,
        FilingStep.WHEN, (ASK_WHEN,)),
    Row("when-a-date", at(FilingStep.WHEN, TOLD, editing_when=True, read=["category"]),
        message("11月20日"), FILING, CONF, (SUMMARY,),
        data={"occurred_on": "2026-11-20", "read": ["category"]}, gone=("editing_when",)),
    Row("when-yesterday", at(FilingStep.WHEN, TOLD, editing_when=True), message("yesterday"),
        FILING, CONF, (SUMMARY,), data={"occurred_on": "2026-11-23"}),
    Row("when-skip", at(FilingStep.WHEN, TOLD, editing_when=True), press("skip:when"), FILING,
        CONF, (SUMMARY,), data={"occurred_on": None, "details_done": True},
        gone=("editing_when",)),
    Row("when-not-a-date", at(FilingStep.WHEN, TOLD, editing_when=True), message("hmm"),
        FILING, FilingStep.WHEN, (BAD_DATE, ASK_WHEN), data={"editing_when": True}),
    Row("when-in-the-future", at(FilingStep.WHEN, TOLD, editing_when=True),
        message("2026-12-25"), FILING, FilingStep.WHEN, (BAD_DATE, ASK_WHEN)),
    Row("when-too-long", at(FilingStep.WHEN, TOLD, editing_when=True),
        message("昨" * (MAX_SHORT + 1)), FILING, FilingStep.WHEN,
        (said("Please keep this under {limit} characters.", limit=MAX_SHORT), ASK_WHEN)),
    Row("when-photo-kept-and-asked-again", at(FilingStep.WHEN, TOLD, editing_when=True),
        message(media=(PHOTO,)), FILING, FilingStep.WHEN, (BAD_DATE, ASK_WHEN),
        data={"media": [["photo", "file-1"]]}),
    Row("when-not-offered-when-not-read", at(CONF, DONE), press("edit:when"), FILING, CONF,
        (STALE, SUMMARY), data=DONE),
    Row("told-back-from-summary-with-no-history", at(CONF, TOLD, history=[]),
        message("/back"), FILING, CONF, (TOLD_SUMMARY,), data={"read": READ_ALL}),
    # a category or wish button under an earlier message changes that answer where the
    # filing stands (the story's guess too); one for a question not answered yet does not
    Row("earlier-category-at-the-summary", at(CONF, TOLD), press("category:delivery"),
        FILING, CONF, (SUMMARY,), data={"category": "delivery",
                                        "read": ["wanted", "occurred_on"]}),
    Row("earlier-category-at-details", at(DET, after(CAT, DESC)), press("category:delivery"),
        FILING, DET, (ASK_DETAILS,), data={"category": "delivery"}),
    Row("earlier-wish-at-the-summary", at(CONF, DONE), press("wanted:refund"), FILING, CONF,
        (SUMMARY,), data={"wanted": "refund"}),
    Row("earlier-wish-not-a-suggestions", at(CONF, SUGGESTION), press("wanted:refund"),
        FILING, CONF, (STALE, SUMMARY), gone=("wanted",)),
    Row("earlier-category-forged", at(CONF, TOLD), press("category:weather"), FILING, CONF,
        (STALE, SUMMARY), data={"category": "product_quality", "read": READ_ALL}),
    Row("earlier-wish-not-asked-yet", at(DET, after(CAT, DESC)), press("wanted:refund"),
        FILING, DET, (said("Please send the details, or tap Skip."), ASK_DETAILS),
        gone=("wanted",)),
    # what the story only suggests is offered first
    Row("category-likely-first", at(CAT, after(DESC), likely=["delivery", "billing"]),
        press("category:weather"), FILING, CAT, (CHOOSE, SORRY_CATEGORY),
        offers=LIKELY_FIRST),
    Row("category-likely-typed-number", at(CAT, after(DESC), likely=["delivery", "billing"]),
        message("2"), FILING, DET, (ASK_DETAILS,), data={"category": "billing"}),
    Row("category-likely-unknown-key-ignored", at(CAT, after(DESC), likely=["weather"]),
        message("1"), FILING, DET, (ASK_DETAILS,), data={"category": "product_quality"}),
    Row("wanted-likely-first", at(WANT, after(CAT, DESC, DET), likely_wanted="repair"),
        press("wanted:gold"), FILING, WANT, (CHOOSE, ASK_WANTED),
        offers=("wanted:repair", *(w for w in WANTS if w != "wanted:repair"))),
    Row("wanted-likely-typed-number", at(WANT, after(CAT, DESC, DET), likely_wanted="repair"),
        message("1"), FILING, CONF, (NAME_OPTIONAL,), data={"wanted": "repair"}),
    # -- phone (asked only when the customer edits it) ------------------------------------
    Row("phone", at(PHONE, DONE, editing_phone=True), message("138-1234-5678"), FILING,
        CONF, (SUMMARY,), data={"phone": "13812345678"}, gone=("editing_phone",)),
    Row("phone-skip", at(PHONE, DONE, editing_phone=True), press("skip:phone"), FILING,
        CONF, (SUMMARY,), data={"phone": None}, gone=("editing_phone",)),
    Row("phone-bad", at(PHONE, DONE, editing_phone=True), message("12345"), FILING, PHONE,
        (said("That does not look like a mobile number (11 digits, e.g. "
              "13812345678). Please try again or tap Skip."), ASK_PHONE),
        data={"editing_phone": True}, offers=("skip:phone",)),
    # -- the summary: submit, cancel, edits, who, confidentiality -------------------------
    Row("confirm-submit", at(CONF, DONE), press("confirm:submit"), IDLE,
        intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY, Wanted.REPLACEMENT,
                          name="王芳"),)),
    Row("confirm-submit-typed-number", at(CONF, DONE), message("1"), IDLE,
        intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY, Wanted.REPLACEMENT,
                          name="王芳"),)),
    Row("confirm-submit-everything",
        at(CONF, DONE, order_ref="88123456", occurred_on="2026-11-23", phone="13812345678",
           media=[["photo", "file-1"]], source="store42", complainant_type="resident",
           confidential=True),
        press("confirm:submit"), IDLE,
        intents=(FileCase(CaseKind.COMPLAINT, "product_quality", STORY, Wanted.REPLACEMENT,
                          "88123456", date(2026, 11, 23), "王芳", "13812345678", (PHOTO,),
                          "store42", "resident", True),)),
    Row("confirm-submit-suggestion", at(CONF, SUGGESTION), press("confirm:submit"), IDLE,
        intents=(FileCase(CaseKind.SUGGESTION, "product_quality", STORY, name="王芳"),)),
    Row("confirm-submit-inquiry-known-name", at(CONF, after(CAT, DESC, kind="inquiry"),
        known_name="Wang"), press("confirm:submit"), IDLE,
        intents=(FileCase(CaseKind.INQUIRY, "product_quality", STORY, name="Wang"),)),
    Row("confirm-cancel", at(CONF, DONE), press("confirm:cancel"), IDLE, "",
        (said("Cancelled; nothing was filed."),), gone=("description",)),
    Row("confirm-edit-category", at(CONF, DONE), press("edit:category"), FILING, CAT,
        (SORRY_CATEGORY,), gone=("category",), data={"wanted": "replacement"}),
    Row("confirm-edit-description", at(CONF, DONE), press("edit:description"), FILING,
        DESC, (ASK_DESCRIPTION,), gone=("description",)),
    Row("confirm-edit-details", at(CONF, DONE, order_ref="1", occurred_on="2026-11-23"),
        press("edit:details"), FILING, DET, (ASK_DETAILS,),
        gone=("details_done", "order_ref", "occurred_on")),
    Row("confirm-edit-wanted", at(CONF, DONE), press("edit:wanted"), FILING, WANT,
        (ASK_WANTED,), gone=("wanted",)),
    Row("confirm-edit-name", at(CONF, DONE, known_name="Wang"), press("edit:name"), FILING,
        NAME, (ASK_NAME,), data={"known_name": None}, gone=("name",)),
    Row("confirm-edit-phone", at(CONF, DONE), press("edit:phone"), FILING, PHONE,
        (ASK_PHONE,), data={"editing_phone": True}),
    Row("confirm-edit-typed-number", at(CONF, DONE), message("2"), FILING, CAT,
        (SORRY_CATEGORY,), gone=("category",)),
    # issue 12: a button the summary never offered gets the stale-button answer and the
    # summary again, nothing reopened
    Row("confirm-edit-unknown-step", at(CONF, DONE), press("edit:confirm"), FILING, CONF,
        (STALE, SUMMARY), data=DONE),
    Row("confirm-edit-kind-not-offered", at(CONF, DONE), press("edit:kind"), FILING, CONF,
        (STALE, SUMMARY), data=DONE),
    Row("confirm-edit-wanted-not-offered-to-a-suggestion", at(CONF, SUGGESTION),
        press("edit:wanted"), FILING, CONF, (STALE, SUMMARY), data=SUGGESTION),
    Row("confirm-edit-details-not-offered-to-an-inquiry", at(CONF, INQUIRY),
        press("edit:details"), FILING, CONF, (STALE, SUMMARY), data=INQUIRY),
    Row("confirm-secret-on", at(CONF, DONE), press("secret:toggle"), FILING, CONF,
        (SUMMARY, ), data={"confidential": True}),
    Row("confirm-secret-off", at(CONF, DONE, confidential=True), press("secret:toggle"),
        FILING, CONF, (SUMMARY,), data={"confidential": False}),
    Row("confirm-secret-shown", at(CONF, DONE, confidential=True), press("who:resident"),
        FILING, CONF, (says_in("Confidential: only managers will see who you are."),)),
    Row("confirm-who-ask", at(CONF, DONE), press("who:ask"), FILING, CONF,
        (said("Which describes you best?"),),
        offers=("who:customer", "who:resident", "who:employee", "who:other")),
    Row("confirm-who-chosen", at(CONF, DONE), press("who:employee"), FILING, CONF,
        (SUMMARY,), data={"complainant_type": "employee"}),
    Row("confirm-who-forged", at(CONF, DONE), press("who:ceo"), FILING, CONF,
        (STALE, SUMMARY), gone=("complainant_type",)),
    Row("confirm-free-text", at(CONF, DONE), message("好的"), FILING, CONF,
        (CHOOSE, SUMMARY)),
    Row("confirm-forged-action", at(CONF, DONE), press("confirm:pay"), FILING, CONF,
        (STALE, SUMMARY)),
    Row("confirm-other-step-button", at(CONF, DONE), press("skip:details"), FILING, CONF,
        (STALE, SUMMARY)),
    Row("confirm-suggestion-offers", at(CONF, SUGGESTION), message("?!"), FILING, CONF,
        (CHOOSE, SUMMARY),
        offers=tuple(a for a in CONFIRM_COMPLAINT if a != "edit:wanted")),
    # -- commands inside filing -----------------------------------------------------------
    Row("back-from-wanted", at(WANT, after(CAT, DESC, DET)), message("/back"), FILING, DET,
        (ASK_DETAILS,), gone=("details_done",), data={"history": [CAT, DESC]}),
    Row("back-typed-word", at(WANT, after(CAT, DESC, DET)), message("返回"), FILING, DET,
        (ASK_DETAILS,)),
    Row("back-from-summary-asks-name-again", at(CONF, DONE, known_name="Wang"),
        message("/back"), FILING, NAME, (ASK_NAME,), gone=("name",), data={"known_name": None}),
    Row("back-with-no-history", at(CAT, kind="complaint"), message("/back"), FILING, CAT,
        (ASK_CATEGORY,)),
    Row("cancel-mid-filing", at(WANT, after(CAT, DESC, DET)), message("/cancel"), IDLE, "",
        (said("Cancelled. What else can we do for you?"),), gone=("description",)),
    Row("cancel-typed-word", at(DESC, after(CAT)), message("取消"), IDLE, "",
        (said("Cancelled. What else can we do for you?"),)),
    Row("help-repeats-the-question", at(DET, after(CAT, DESC)), message("/help"), FILING,
        DET, (says_in("You can describe a problem in your own words, check your cases with "
                      "/cases, go back a step with /back, stop with /cancel, or change "
                      "language with /language."), ASK_DETAILS), data={"description": STORY}),
    Row("help-at-summary", at(CONF, DONE), message("帮助"), FILING, CONF,
        (says_in("You can describe a problem in your own words, check your cases with "
                 "/cases, go back a step with /back, stop with /cancel, or change "
                 "language with /language."), SUMMARY)),
    Row("cases-keeps-filing", at(WANT, after(CAT, DESC, DET)), message("/cases"), FILING,
        WANT, intents=(ShowCases(),), data={"description": STORY}),
    Row("menu-button-restarts-and-says-so", at(WANT, after(CAT, DESC, DET)),
        press("file:suggestion"), FILING, CAT, (NOT_SENT, ASK_CATEGORY),
        data={"kind": "suggestion"}, gone=("description",)),
    # issue 12: an old case button or a language button mid-filing either keeps the filing
    # (it needs no answer) or says the unfinished filing was not sent
    Row("language-keeps-filing", at(WANT, after(CAT, DESC, DET)), press("lang:en"), FILING,
        WANT, intents=(SetLanguage("en"),), data={"description": STORY}),
    Row("accept-keeps-filing", at(DESC, after(CAT)), press(f"accept:{N}"), FILING, DESC,
        intents=(Accept(N),)),
    Row("case-button-keeps-filing", at(NAME, after(CAT, DESC)), press(f"case:{N}"), FILING,
        NAME, intents=(ShowCase(N),), data={"description": STORY}),
    Row("refuse-leaves-filing-and-says-so", at(WANT, after(CAT, DESC, DET)),
        press(f"refuse:{N}"), Flow.REFUSE, CustomerStep.REASON,
        (NOT_SENT, said("We are sorry it does not suit you. What would you prefer?")),
        data={"number": N}, gone=("description",)),
    # -- one tap (issue 19): a read category's next likely ones, offered on the summary ---
    Row("alternatives-on-the-summary", at(FilingStep.WHEN, TOLD, editing_when=True,
        likely=LIKELY4), message("2026-11-20"), FILING, CONF, (TOLD_SUMMARY_NO_DATE,),
        data={"alternatives": ["delivery", "billing"]}, offers=ALT_AFTER_WHEN),
    Row("alternatives-only-configured-ones", at(FilingStep.WHEN, TOLD, editing_when=True,
        likely=["weather", "product_quality", "delivery"]), message("2026-11-20"), FILING,
        CONF, (TOLD_SUMMARY_NO_DATE,), data={"alternatives": ["delivery"]},
        offers=("confirm:submit", "alt:delivery", *ALT_AFTER_WHEN[3:])),
    Row("alternatives-none-when-nothing-else-likely", at(FilingStep.WHEN, TOLD,
        editing_when=True, likely=["product_quality"]), message("2026-11-20"), FILING, CONF,
        (TOLD_SUMMARY_NO_DATE,), gone=("alternatives",), offers=ALT_AFTER_WHEN[:1] +
        ALT_AFTER_WHEN[3:]),
    Row("alternative-press-sets-the-category", at(CONF, OFFERED), press("alt:billing"),
        FILING, CONF, (Lines((line("About: {category}", category=Named("billing")),
                               DESCRIBED)),),
        data={"category": "billing", "read": ["wanted", "occurred_on"],
              "wrong_category": "product_quality"}, gone=("alternatives",),
        offers=CHOSEN_NOW),
    Row("alternative-typed-number", at(CONF, OFFERED), message("2"), FILING, CONF,
        (SUMMARY,), data={"category": "delivery", "read": ["wanted", "occurred_on"]},
        gone=("alternatives",), offers=CHOSEN_NOW),
    Row("alternative-numbers-shift-the-corrections", at(CONF, OFFERED), message("4"),
        FILING, CAT, (SORRY_CATEGORY,), gone=("category",),
        data={"wrong_category": "product_quality"}),
    Row("alternatives-and-the-full-question", at(CONF, OFFERED), press("edit:category"),
        FILING, CAT, (SORRY_CATEGORY,), offers=(
            "category:delivery", "category:billing", "category:aftersales",
            *(c for c in CATEGORIES if c.split(":")[1] not in LIKELY4),
            "category:product_quality")),
    Row("alternative-forged", at(CONF, OFFERED), press("alt:safety"), FILING, CONF,
        (STALE, TOLD_SUMMARY), data={"category": "product_quality", "read": READ_ALL,
                                     "alternatives": ["delivery", "billing"]},
        offers=ALT_CONFIRM),
    Row("alternative-unknown-category", at(CONF, OFFERED), press("alt:weather"), FILING,
        CONF, (STALE, TOLD_SUMMARY), data={"category": "product_quality", "read": READ_ALL}),
    Row("alternative-stale-after-the-correction", at(CONF, TOLD, category="billing",
        read=["wanted", "occurred_on"], likely=LIKELY4), press("alt:delivery"), FILING, CONF,
        (STALE, SUMMARY), data={"category": "billing", "read": ["wanted", "occurred_on"]}),
    Row("alternative-stale-at-the-category-question", at(CAT, CORRECTING, likely=LIKELY4),
        press("alt:delivery"), FILING, CAT, (STALE, SORRY_CATEGORY), gone=("category",)),
    Row("alternative-stale-at-another-question", at(FilingStep.WHEN, OFFERED,
        editing_when=True), press("alt:delivery"), FILING, FilingStep.WHEN, (STALE, ASK_WHEN),
        data={"category": "product_quality", "read": READ_ALL}),
    Row("alternatives-never-for-a-chosen-category", at(NAME, after(CAT, DESC, DET, WANT),
        likely=["delivery", "billing"]), message("王芳"), FILING, CONF, (SUMMARY,),
        gone=("alternatives",), offers=CONFIRM_COMPLAINT),
    Row("alternatives-gone-after-an-earlier-category-button", at(CONF, OFFERED),
        press("category:aftersales"), FILING, CONF, (SUMMARY,),
        data={"category": "aftersales"}, gone=("alternatives",), offers=CHOSEN_NOW),
    Row("add-leaves-filing-and-says-so", at(CONF, DONE), press(f"add:{N}"), Flow.ADD_INFO,
        CustomerStep.TEXT, (NOT_SENT, said("Send what you would like to add (text or photos).")),
        data={"number": N}),
    Row("survey-leaves-filing-and-says-so", at(DET, after(CAT, DESC)),
        press(f"solved:{N}:yes"), Flow.SURVEY, CustomerStep.SCORE,
        (NOT_SENT, said("How satisfied are you, from 5 (very) to 1 (not at all)?"))),
    Row("unreadable-keeps-step", at(DET, after(CAT, DESC)), message(unreadable="voice"),
        FILING, DET, (said("I can read text, photos and files only. Please write it down, "
                           "or send a photo."),), data={"description": STORY}),
    Row("step-this-version-lacks", at("colour", after(CAT)), message("red"), FILING, DESC,
        (ASK_DESCRIPTION,)),
]
# fmt: on


@pytest.mark.parametrize(("row", "language"), table(ROWS))
def test_filing_step(row: Row, language: Language) -> None:
    check(customer.step, row, language)


def test_a_whole_filing_chains_the_steps_to_one_file_case() -> None:
    """Menu, category, story, details, wanted, name, submit: each state feeds the next."""
    ctx = context(Language.EN)
    state = State()
    for inbound in (
        press("file:complaint"),
        press("category:delivery"),
        message("The parcel arrived crushed", media=(PHOTO,)),
        message("SF1234567"),
        press("wanted:compensation"),
        message("Li Na"),
    ):
        state = customer.step(state, inbound, ctx).state
    assert (state.flow, state.step) == (FILING, CONF)
    outcome = customer.step(state, press("confirm:submit"), ctx)
    assert outcome.state == State()
    assert outcome.intents == (
        FileCase(
            CaseKind.COMPLAINT,
            "delivery",
            "The parcel arrived crushed",
            Wanted.COMPENSATION,
            "SF1234567",
            name="Li Na",
            media=(PHOTO,),
        ),
    )
