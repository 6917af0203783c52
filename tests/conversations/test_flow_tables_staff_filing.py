"""`/file`, step by step, through the pure staff flow (no database), in three languages:
a complaint taken by phone, at the counter, by letter or by email, filed for the customer
(issue 13, seed 001 首问负责制)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conversations import staff, staff_filing
from conversations.base.messages import Media
from conversations.base.policy import Language
from conversations.base.values import CaseKind, Wanted
from conversations.intents import FileCase, FileOnBehalf, SetLanguage, ShowCases, Take
from conversations.staff_filing import MAX_CONTACT, StaffFilingStep
from conversations.state import Flow, State
from tests.conversations.flow_table import (
    Row,
    check,
    context,
    message,
    press,
    said,
    says_in,
    table,
)
from tests.fakes.policy import test_policy as shipped_policy

FILING, IDLE = Flow.STAFF_FILING, Flow.IDLE
VIA, NAME, CONTACT, CAT, DESC, DET, WANT, CONF = (
    StaffFilingStep.VIA,
    StaffFilingStep.NAME,
    StaffFilingStep.CONTACT,
    StaffFilingStep.CATEGORY,
    StaffFilingStep.DESCRIPTION,
    StaffFilingStep.DETAILS,
    StaffFilingStep.WANTED,
    StaffFilingStep.CONFIRM,
)
STORY = "电话里说买的电水壶底部漏水"
N = "TS202611-0007"
PHOTO = Media("photo", "file-9")
KEPT = Media("photo", "file-8", "files/8.jpg", 1200, "letter.jpg")  # saved by the adapter
VIAS = ("via:phone", "via:counter", "via:letter", "via:email")
CATEGORIES = tuple(f"category:{c.key}" for c in shipped_policy().categories)
WANTS = tuple(f"wanted:{w.value}" for w in Wanted)
CONFIRMS = ("confirm:submit", "confirm:cancel")

ASK_VIA = said("Filing a complaint for a customer. How did it reach you?")
ASK_NAME = said("The customer's name? Send - if they stay anonymous.")
ASK_PHONE = said("The customer's mobile number? Send - if they gave none.")
ASK_EMAIL = said("The customer's email address or mobile number? Send - if none.")
ASK_CATEGORY = said("Which of these is it about?")
ASK_DESCRIPTION = said(
    "What happened, as the customer told it? Photos of a letter can be sent too."
)
ASK_DETAILS = said(
    "If you have them, send the order or product number and when it happened "
    '(e.g. "yesterday" or 2026-11-20). Otherwise tap Skip.'
)
ASK_WANTED = said("What does the customer want?")
CHOOSE = said("Please choose one of the options below.")
STALE = said("That button is not available here (any more).")
BAD_NAME = said(
    "Please send the customer's name (up to 100 characters), or - if they stay anonymous."
)
BAD_PHONE = said(
    "That does not look like a mobile number (11 digits, e.g. 13812345678). "
    "Please try again, or send -."
)
BAD_EMAIL = said(
    "That is neither an email address (up to {limit} characters) nor a mobile "
    "number (11 digits, e.g. 13812345678). Please try again, or send -.",
    limit=MAX_CONTACT,
)
TOO_LONG = said(
    "That is longer than we can take ({limit} characters at most). "
    "Please shorten it and send it again.",
    limit=10_000,
)
PHOTO_FIRST = said("Photo received. Now please describe what happened in a few words.")
CANCELLED = said("Cancelled; nothing was filed.")
FILE_KEPT = said("Received, thank you: it is kept with what you are telling us.")
LEFT = said("The complaint was not filed; send /file to start again.")
SUMMARY = says_in("What happened: {description}", description=STORY)
CANNOT_READ = said("I can read text, photos and files only. Please write it down, or send a photo.")


def at(step: str, **data: Any) -> State:
    return State(FILING, step, {"kind": "complaint", **data})


TOLD = {"via": "phone", "name": "王芳", "contact": "13812345678"}
STORIED = {**TOLD, "category": "product_quality", "description": STORY, "media": []}
DONE = {**STORIED, "details_done": True, "wanted": "replacement"}
INTENT = FileOnBehalf(
    "phone",
    FileCase(
        kind=CaseKind.COMPLAINT,
        category="product_quality",
        description=STORY,
        wanted=Wanted.REPLACEMENT,
        name="王芳",
        phone="13812345678",
    ),
)

# fmt: off
ROWS = [
    # -- start -----------------------------------------------------------------------------
    Row("start", State(), message("/file"), FILING, VIA, (ASK_VIA,), offers=VIAS),
    Row("start-with-bot-name", State(), message("/file@desk_bot"), FILING, VIA, (ASK_VIA,)),
    # -- how it came -----------------------------------------------------------------------
    Row("via-button", at(VIA), press("via:phone"), FILING, NAME, (ASK_NAME,),
        data={"via": "phone"}),
    Row("via-typed-number", at(VIA), message("3"), FILING, NAME, (ASK_NAME,),
        data={"via": "letter"}),
    Row("via-unknown-button", at(VIA), press("via:fax"), FILING, VIA, (CHOOSE, ASK_VIA),
        gone=("via",), offers=VIAS),
    Row("via-other-step-button", at(VIA), press("wanted:refund"), FILING, VIA,
        (CHOOSE, ASK_VIA)),
    Row("via-text", at(VIA), message("传真"), FILING, VIA, (CHOOSE, ASK_VIA)),
    # -- the customer's name ---------------------------------------------------------------
    Row("name", at(NAME, via="counter"), message(" 王芳 "), FILING, CONTACT, (ASK_PHONE,),
        data={"name": "王芳"}),
    Row("name-anonymous", at(NAME, via="letter"), message("-"), FILING, CONTACT,
        (ASK_PHONE,), data={"name": None}),
    Row("name-too-long", at(NAME, via="phone"), message("王" * 101), FILING, NAME,
        (BAD_NAME, ASK_NAME), gone=("name",)),
    Row("name-digits", at(NAME, via="phone"), message("13812345678"), FILING, NAME,
        (BAD_NAME, ASK_NAME)),
    Row("name-button", at(NAME, via="phone"), press("via:phone"), FILING, NAME,
        (BAD_NAME, ASK_NAME)),
    Row("name-for-email-asks-address", at(NAME, via="email"), message("Wang"), FILING,
        CONTACT, (ASK_EMAIL,)),
    # -- contact ---------------------------------------------------------------------------
    Row("phone", at(CONTACT, via="phone", name="王芳"), message("138 1234 5678"), FILING,
        CAT, (ASK_CATEGORY,), data={"contact": "13812345678"}, offers=CATEGORIES),
    Row("phone-none", at(CONTACT, via="letter", name=None), message("-"), FILING, CAT,
        (ASK_CATEGORY,), data={"contact": None}),
    Row("phone-bad", at(CONTACT, via="phone", name="王芳"), message("12345"), FILING,
        CONTACT, (BAD_PHONE, ASK_PHONE), gone=("contact",)),
    Row("phone-email-refused-by-phone", at(CONTACT, via="phone", name="王芳"),
        message("wang@example.com"), FILING, CONTACT, (BAD_PHONE, ASK_PHONE)),
    Row("email-address", at(CONTACT, via="email", name="Wang"),
        message("wang@example.com"), FILING, CAT, (ASK_CATEGORY,),
        data={"contact": "wang@example.com"}),
    Row("email-qq-address", at(CONTACT, via="email", name="Wang"),
        message("13812345678@qq.com"), FILING, CAT, (ASK_CATEGORY,),
        data={"contact": "13812345678@qq.com"}),
    Row("email-phone", at(CONTACT, via="email", name="Wang"), message("13812345678"),
        FILING, CAT, (ASK_CATEGORY,), data={"contact": "13812345678"}),
    Row("email-bad", at(CONTACT, via="email", name="Wang"), message("wang at example"),
        FILING, CONTACT, (BAD_EMAIL, ASK_EMAIL)),
    Row("email-too-long", at(CONTACT, via="email", name="Wang"),
        message("a" * 30 + "@example.com"), FILING, CONTACT, (BAD_EMAIL, ASK_EMAIL)),
    # -- the customer flow's questions -----------------------------------------------------
    Row("category", at(CAT, **TOLD), press("category:product_quality"), FILING, DESC,
        (ASK_DESCRIPTION,), data={"category": "product_quality"}),
    Row("category-unknown-button", at(CAT, **TOLD), press("category:weather"), FILING, CAT,
        (CHOOSE, ASK_CATEGORY), gone=("category",)),
    Row("description", at(DESC, **TOLD, category="product_quality"), message(STORY),
        FILING, DET, (ASK_DETAILS,), data={"description": STORY}, offers=("skip:details",)),
    Row("description-with-order-skips-details", at(DESC, **TOLD, category="delivery"),
        message("订单号 A123456 没有送到"), FILING, WANT, (ASK_WANTED,),
        data={"order_ref": "A123456"}, offers=WANTS),
    Row("description-photo-first", at(DESC, **TOLD, category="product_quality"),
        message(media=(PHOTO,)), FILING, DESC, (PHOTO_FIRST,),
        data={"media": [["photo", "file-9"]]}, gone=("description",)),
    Row("photo-at-another-step-is-kept", at(NAME, via="letter"), message(media=(KEPT,)),
        FILING, NAME, (FILE_KEPT,), data={"media": [["photo", "file-8"]],
        "media_kept": {"file-8": ["files/8.jpg", 1200, "letter.jpg"]}}),
    Row("photo-at-the-summary-is-kept", at(CONF, **DONE), message(media=(PHOTO,)), FILING,
        CONF, (FILE_KEPT,), data={"media": [["photo", "file-9"]]}),
    Row("description-too-long", at(DESC, **TOLD, category="product_quality"),
        message("长" * 10_001), FILING, DESC, (TOO_LONG, ASK_DESCRIPTION),
        gone=("description",)),
    Row("description-empty-button", at(DESC, **TOLD, category="product_quality"),
        press("skip:details"), FILING, DESC,
        (said("Please describe what happened in a few words."), ASK_DESCRIPTION)),
    Row("details-skip", at(DET, **STORIED), press("skip:details"), FILING, WANT,
        (ASK_WANTED,), data={"details_done": True}),
    Row("details-date", at(DET, **STORIED), message("昨天"), FILING, WANT, (ASK_WANTED,),
        data={"occurred_on": "2026-11-23"}),
    Row("details-too-long", at(DET, **STORIED), message("x" * 201), FILING, DET,
        (said("Please keep this under {limit} characters.", limit=200), ASK_DETAILS)),
    Row("wanted", at(WANT, **STORIED, details_done=True), press("wanted:replacement"),
        FILING, CONF, (SUMMARY,), data={"wanted": "replacement"}, offers=CONFIRMS),
    Row("wanted-unknown-button", at(WANT, **STORIED, details_done=True),
        press("wanted:money"), FILING, WANT, (CHOOSE, ASK_WANTED), offers=WANTS),
    # -- the summary -----------------------------------------------------------------------
    Row("summary-names-how-and-who", at(WANT, **STORIED, details_done=True),
        press("wanted:refund"), FILING, CONF,
        (says_in("How it came: {via}", via=""),)),
    Row("summary-anonymous", at(WANT, **{**STORIED, "name": None, "contact": None},
        details_done=True), press("wanted:refund"), FILING, CONF,
        (says_in("Customer: {name}", name=""),)),
    Row("confirm-submit", at(CONF, **DONE), press("confirm:submit"), IDLE,
        intents=(INTENT,)),
    Row("confirm-typed-submit", at(CONF, **DONE), message("1"), IDLE, intents=(INTENT,)),
    Row("confirm-cancel", at(CONF, **DONE), press("confirm:cancel"), IDLE, "", (CANCELLED,)),
    Row("confirm-unknown-button", at(CONF, **DONE), press("edit:category"), FILING, CONF,
        (STALE, SUMMARY), offers=CONFIRMS),
    Row("confirm-text", at(CONF, **DONE), message("好的"), FILING, CONF, (CHOOSE, SUMMARY)),
    # -- leaving ---------------------------------------------------------------------------
    Row("cancel-mid-way", at(NAME, via="phone"), message("/cancel"), IDLE, "", (CANCELLED,)),
    Row("cancel-at-the-summary", at(CONF, **DONE), message("/cancel"), IDLE, "", (CANCELLED,)),
    Row("command-mid-way-acts-and-says-so", at(DESC, **TOLD, category="billing"),
        message("/mine"), IDLE, "", (LEFT,), intents=(ShowCases(),)),
    Row("help-mid-way-leaves", at(CONTACT, via="phone", name="王芳"), message("/help"),
        IDLE, "", (LEFT, says_in("/file"))),
    Row("file-again-restarts", at(WANT, **STORIED, details_done=True), message("/file"),
        FILING, VIA, (LEFT, ASK_VIA)),
    Row("case-button-mid-way", at(CAT, **TOLD), press(f"take:{N}"), IDLE, "", (LEFT,),
        intents=(Take(N),)),
    Row("language-button-keeps-the-filing", at(NAME, via="phone"), press("lang:en"),
        FILING, NAME, intents=(SetLanguage("en"),), data={"via": "phone"}),
    Row("unreadable-mid-way", at(NAME, via="phone"), message(unreadable="sticker"),
        FILING, NAME, (CANNOT_READ,)),
]
# fmt: on


@pytest.mark.parametrize(("row", "language"), table(ROWS))
def test_staff_filing_step(row: Row, language: Language) -> None:
    check(staff.step, row, language)


@pytest.mark.parametrize("language", tuple(Language))
def test_a_whole_staff_filing_chains_the_steps_to_one_intent(language: Language) -> None:
    ctx = context(language, role="staff")
    state = State()
    said_last = ""
    for sent in (
        message("/file"),
        press("via:counter"),
        message("-"),
        message(media=(KEPT,)),
        message("13812345678"),
        press("category:product_quality"),
        message(media=(PHOTO,)),
        message(STORY),
        message("2026-11-20"),
        press("wanted:refund"),
        press("confirm:submit"),
    ):
        outcome = staff.step(state, sent, ctx)
        state = outcome.state
        said_last = outcome.replies[-1].text if outcome.replies else said_last
    assert state.idle and "13812345678" in said_last
    assert outcome.intents == (
        FileOnBehalf(
            "counter",
            FileCase(
                kind=CaseKind.COMPLAINT,
                category="product_quality",
                description=STORY,
                wanted=Wanted.REFUND,
                occurred_on=date(2026, 11, 20),
                name=None,
                phone="13812345678",
                media=(KEPT, PHOTO),
            ),
        ),
    )


def test_every_question_is_a_step_and_the_flow_is_stored_as_staff_file() -> None:
    assert set(staff_filing.BY_KEY) == set(StaffFilingStep) - {StaffFilingStep.CONFIRM}
    assert staff_filing.FLOW is Flow.STAFF_FILING and Flow.STAFF_FILING.value == "staff_file"
