"""Files in the dialogue (issue 13): photos sent while triaging or at a filing step that
asks none are kept (an album's rest quietly acknowledged), their stored copies reach the
intent, and a file over the size limit is refused with the limit while the rest of the
message counts (customer and staff)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conversations import customer, filing, staff
from conversations.base.messages import Inbound, Media
from conversations.base.policy import Language
from conversations.customer import TRIAGE
from conversations.filing import FilingStep
from conversations.intents import AddInfo, FileCase, ReplyToCustomer
from conversations.state import IDLE, State
from tests.conversations.flow_table import context, message, press

N = "TS202611-0007"
KEPT = Media("photo", "ph-1", "attachments/ab/" + "a" * 64 + ".jpg", 2048, None)
REST = Media("photo", "ph-2", "attachments/cd/" + "c" * 64 + ".jpg", 4096, None)
DOC = Media("document", "doc-1", "attachments/ef/" + "e" * 64 + ".pdf", 999, "发票.pdf")
ZH = Language.ZH_HANS


def album(*media: Media, text: str = "") -> Inbound:
    return replace(message(text, media=media), album="album-1")


def test_an_albums_rest_at_the_category_step_is_kept_and_acknowledged() -> None:
    asked = State(
        filing.FLOW, FilingStep.CATEGORY, filing.with_media({"description": "漏水"}, (KEPT,))
    )
    outcome = filing.step(asked, album(REST), context(ZH))
    assert outcome.state.step == FilingStep.CATEGORY
    assert filing.media_of(outcome.state.data) == (KEPT, REST)
    (reply,) = outcome.replies
    assert reply.text == filing.file_kept(context(ZH).t)


def test_a_photo_at_a_step_that_asks_none_is_kept_and_the_question_asked_again() -> None:
    asked = State(filing.FLOW, FilingStep.CATEGORY, {"description": "漏水"})
    outcome = filing.step(asked, message(media=(REST,)), context(ZH))
    assert filing.media_of(outcome.state.data) == (REST,)
    assert len(outcome.replies) == 2  # "please choose" and the question, as before


def test_a_photo_at_the_confirmation_is_kept_and_the_summary_shown_again() -> None:
    data = {
        "kind": "complaint",
        "description": "漏水",
        "category": "product_quality",
        "wanted": "replacement",
    }
    outcome = filing.step(
        State(filing.FLOW, FilingStep.CONFIRM, data), message(media=(DOC,)), context(ZH)
    )
    assert outcome.state.step == FilingStep.CONFIRM
    assert filing.media_of(outcome.state.data) == (DOC,)
    assert len(outcome.replies) == 2


def test_the_filed_case_carries_the_stored_copies() -> None:
    data = filing.with_media(
        {"kind": "complaint", "category": "product_quality", "description": "漏水"}, (KEPT, DOC)
    )
    data["media"].append(["photo", "old-ref"])  # a state saved before issue 13
    intent = filing.to_intent(data)
    assert isinstance(intent, FileCase)
    assert intent.media == (KEPT, DOC, Media("photo", "old-ref"))


def test_a_captioned_photo_with_an_open_case_keeps_its_photos_through_triage() -> None:
    ctx = context(ZH, open_cases=(N,))
    asked = customer.step(State(), album(KEPT, text="还是漏水"), ctx)
    assert asked.state.flow == TRIAGE
    rest = customer.step(asked.state, album(REST), ctx)
    assert rest.state.flow == TRIAGE and len(rest.replies) == 1
    appended = customer.step(rest.state, press(f"append:{N}"), ctx)
    assert appended.state.flow == IDLE
    assert appended.intents == (AddInfo(N, "还是漏水", (KEPT, REST)),)


def test_a_new_story_from_triage_keeps_the_photos() -> None:
    ctx = context(ZH, open_cases=(N,))
    asked = customer.step(State(), message("另一件事：门坏了", media=(DOC,)), ctx)
    story = customer.step(asked.state, press("new:story"), ctx)
    assert story.state.flow == filing.FLOW
    assert filing.media_of(story.state.data) == (DOC,)


@pytest.mark.parametrize("language", list(Language))
def test_only_an_oversize_file_is_answered_with_the_limit(language: Language) -> None:
    ctx = context(language)
    too_big = replace(message(), too_large_mb=20)
    outcome = customer.step(State(), too_big, ctx)
    (reply,) = outcome.replies
    assert reply.text == filing.too_large(ctx.t, 20) and "20" in reply.text
    assert outcome.state == State() and outcome.intents == ()


def test_an_oversize_file_with_words_is_refused_and_the_words_count() -> None:
    ctx = context(ZH)
    asked = State(filing.FLOW, FilingStep.DESCRIPTION, {"kind": "complaint"})
    outcome = customer.step(asked, replace(message("水壶底部漏水"), too_large_mb=20), ctx)
    assert outcome.replies[0].text == filing.too_large(ctx.t, 20)
    assert outcome.state.data["description"] == "水壶底部漏水"
    assert len(outcome.replies) == 2  # the refusal, then the next question


def test_staff_are_told_the_limit_too() -> None:
    ctx = context(ZH, role="staff")
    outcome = staff.step(State(), replace(message(chat_id="2001"), too_large_mb=20), ctx)
    (reply,) = outcome.replies
    assert reply.text == filing.too_large(ctx.t, 20)
    words = staff.step(State(), replace(message(f"/reply {N} 已寄出"), too_large_mb=20), ctx)
    assert words.replies[0].text == filing.too_large(ctx.t, 20)
    assert words.intents  # the reply itself still goes


def test_a_staff_albums_rest_follows_its_captioned_first_photo_to_the_case() -> None:
    ctx = context(ZH, role="staff")
    first = staff.step(State(), album(KEPT, text=f"/reply {N} 新水壶的照片"), ctx)
    assert first.intents == (ReplyToCustomer(N, "新水壶的照片", "", (KEPT,)),)
    rest = staff.step(first.state, album(REST), ctx)
    assert rest.intents == (ReplyToCustomer(N, "", "", (REST,)),) and rest.replies == ()
    other = replace(message(media=(DOC,)), album="album-2")  # another album, no caption
    asked = staff.step(rest.state, other, ctx)
    assert asked.intents == () and len(asked.replies) == 1  # how to send it is explained
