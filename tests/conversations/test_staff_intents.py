"""Staff commands and buttons become typed intents in the pure flow (issue 12): every
field parsed (validity, verification result, review outcome, the CAPA plan and its
date), a bad argument answered there, never a string left for a use case to decode."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations import intents as i
from conversations import staff
from conversations.base.i18n import translation
from conversations.base.messages import Inbound
from conversations.base.policy import Language
from conversations.base.values import ReviewOutcome, Validity
from conversations.state import IDLE, Context, Outcome, State
from tests.fakes.policy import test_policy as policy

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
N = "TS202611-0007"
PLAN = "密封圈批次不稳 | 召回批次7 | 抽检提高到10% | 采购部王经理 | 2026-12-15"


def ctx(role: str = "manager") -> Context:
    return Context(NOW, translation(Language.EN), Language.EN, policy(), "李雷", role)


def send(text: str = "", button: str | None = None, state: State | None = None) -> Outcome:
    inbound = Inbound("console", "1", "s1", "s1", NOW, text=text, button=button)
    return staff.step(state or State(IDLE), inbound, ctx())


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        (f"/take {N}", i.Take(N)),
        (f"/approve {N}", i.Approve(N)),
        (f"/review {N}", i.Review(N)),
        (f"/close {N}", i.CloseUnanswered(N)),
        (f"/implement {N}", i.StartWork(N)),
        (f"/case {N}", i.ShowCase(N)),
        (f"/note {N} called the store", i.AddNote(N, "called the store")),
        (
            f"/valid {N} seal defect | supplier batch",
            i.Findings(N, Validity.VALID, "seal defect", "supplier batch"),
        ),
        (f"/invalid {N} wrong voltage", i.Findings(N, Validity.INVALID, "wrong voltage")),
        (
            f"/invalid {N} wrong voltage | unclear manual",
            i.Findings(N, Validity.INVALID, "wrong voltage", "unclear manual"),
        ),
        (f"/propose {N} a new kettle", i.Propose(N, "a new kettle")),
        (f"/sendback {N} too costly", i.SendBack(N, "too costly")),
        (f"/reject {N} not fixed", i.RejectResolution(N, "not fixed")),
        (f"/resolve {N} replaced it", i.Resolve(N, "replaced it")),
        (f"/ask {N} which batch?", i.AskCustomer(N, "which batch?")),
        (f"/reassign {N} logistics the courier", i.Reassign(N, "logistics", "the courier")),
        (f"/regrade {N} major media", i.Regrade(N, "major", "media")),
        (f"/typical {N} check seals", i.MarkTypical(N, "check seals")),
        (
            f"/capa {N} {PLAN}",
            i.RecordCapa(
                N,
                "密封圈批次不稳",
                "召回批次7",
                "抽检提高到10%",
                "采购部王经理",
                date(2026, 12, 15),
            ),
        ),
        (f"/verify {N} effective 3 months", i.Verify(N, i.Verification.EFFECTIVE, "3 months")),
        (f"/verify {N} Ineffective again", i.Verify(N, i.Verification.INEFFECTIVE, "again")),
        (f"/outcome {N} updated 4 stars", i.RecordOutcome(N, ReviewOutcome.UPDATED, "4 stars")),
        (f"/outcome {N} no_response -", i.RecordOutcome(N, ReviewOutcome.NO_RESPONSE, "-")),
        ("/mine", i.ShowCases()),
        ("/find 5678", i.FindCases("5678")),
        ("/register abc123", i.Register("abc123")),
    ],
    ids=lambda value: value if isinstance(value, str) else type(value).__name__,
)
def test_a_command_becomes_its_typed_intent(text: str, intent: i.Intent) -> None:
    outcome = send(text)
    assert outcome.intents == (intent,) and outcome.replies == ()
    assert outcome.state.idle


@pytest.mark.parametrize(
    ("button", "intent"),
    [
        (f"take:{N}", i.Take(N)),
        (f"approve:{N}", i.Approve(N)),
        (f"review:{N}", i.Review(N)),
        (f"details:{N}", i.ShowCase(N)),
        ("lang:zh_Hant", i.SetLanguage("zh_Hant")),
    ],
)
def test_a_button_becomes_its_typed_intent(button: str, intent: i.Intent) -> None:
    assert send(button=button).intents == (intent,)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (f"/verify {N} maybe fine", "Say whether it was effective or ineffective."),
        (f"/outcome {N} deleted gone", "Say contacted, updated or no_response."),
        (
            f"/capa {N} cause | fix | prevent",
            "Please send: root cause | correction | prevention | owner | due date (YYYY-MM-DD).",
        ),
        (
            f"/capa {N} cause | fix | prevent | owner | 15/12/2026",
            "Please send: root cause | correction | prevention | owner | due date (YYYY-MM-DD).",
        ),
        (
            f"/capa {N} cause | fix | prevent | owner | 2026-11-23",
            "The due date 2026-11-23 has already passed.",
        ),
        (
            f"/capa {N} cause | fix | prevent | {'o' * 201} | 2026-12-15",
            "Please keep it under 200 characters.",
        ),
    ],
)
def test_an_argument_that_does_not_parse_is_answered_in_the_flow(text: str, answer: str) -> None:
    outcome = send(text)
    assert outcome.intents == ()
    assert [r.text for r in outcome.replies] == [answer]


def test_the_capa_due_date_is_the_desks_day_not_utcs() -> None:
    """02:00 UTC is 10:00 in Shanghai: today there is 2026-11-24, so it is not past."""
    outcome = send(f"/capa {N} cause | fix | prevent | owner | 2026-11-24")
    assert outcome.intents == (i.RecordCapa(N, "cause", "fix", "prevent", "owner", NOW.date()),)


def test_a_command_asks_for_its_text_then_the_next_message_completes_the_intent() -> None:
    asked = send(f"/propose {N}")
    assert asked.intents == () and not asked.state.idle
    assert [r.text for r in asked.replies] == ["Send the solution to propose."]
    done = send("a new kettle", state=asked.state)
    assert done.intents == (i.Propose(N, "a new kettle"),)


def test_the_result_word_given_and_the_note_sent_next_make_one_intent() -> None:
    asked = send(f"/verify {N} effective")
    assert [r.text for r in asked.replies] == ["Send a note on the result."]
    done = send("no repeat in 3 months", state=asked.state)
    assert done.intents == (i.Verify(N, i.Verification.EFFECTIVE, "no repeat in 3 months"),)


@pytest.mark.parametrize(
    "button", [f"take:{N}x", "take:", "take", f"nosuch:{N}", f"accept:{N}", f"solved:{N}:yes"]
)
def test_a_forged_or_foreign_button_gets_the_stale_answer_and_no_intent(button: str) -> None:
    outcome = send(button=button)
    assert outcome.intents == ()
    assert outcome.replies[0].text == "That button is not available here (any more)."


def test_only_leads_and_managers_get_a_reassign_intent_from_the_button() -> None:
    inbound = Inbound("console", "1", "s1", "s1", NOW, button=f"reassign:{N}")
    refused = staff.step(State(IDLE), inbound, ctx("staff"))
    assert refused.intents == () and refused.state.idle
    assert staff.step(State(IDLE), inbound, ctx("lead")).state.flow == staff.FLOW
