"""The button codec: every action round-trips, fits Telegram's 64 bytes, and anything we
never encoded decodes to None (forged, malformed, stale)."""

from __future__ import annotations

import pytest

from conversations.actions import (
    MAX_BYTES,
    Action,
    CaseButton,
    CaseVerb,
    Choice,
    Pick,
    SolvedButton,
    decode,
    encode,
    picked,
    staff_command,
)

NUMBER = "TS202611-0007"
LONGEST = "ABCDEF209912-999999"  # a six-letter prefix and a six-digit serial

ACTIONS: list[Action] = [
    *(CaseButton(verb, NUMBER) for verb in CaseVerb),
    SolvedButton(NUMBER, True),
    SolvedButton(NUMBER, False),
    *(Choice(pick, "x") for pick in Pick),
    Choice(Pick.CASES),
    Choice(Pick.LANGUAGE, "zh_Hant"),
]


@pytest.mark.parametrize("action", ACTIONS, ids=repr)
def test_every_action_round_trips(action: Action) -> None:
    assert decode(encode(action)) == action


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("take:TS202611-0007", CaseButton(CaseVerb.TAKE, NUMBER)),
        ("send_back:TS202611-0007", CaseButton(CaseVerb.SEND_BACK, NUMBER)),
        ("solved:TS202611-0007:yes", SolvedButton(NUMBER, True)),
        ("lang:en", Choice(Pick.LANGUAGE, "en")),
        ("cases", Choice(Pick.CASES)),
        ("new:story", Choice(Pick.NEW, "story")),
        ("confirm:submit", Choice(Pick.CONFIRM, "submit")),
    ],
)
def test_buttons_already_sent_still_mean_what_they_meant(data: str, action: Action) -> None:
    assert decode(data) == action and encode(action) == data


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        ":",
        "::",
        "take",
        "take:",
        "take:12",
        "take:TS202611-0007 ",
        "take:TS202611-0007:x",
        "details:; DROP TABLE cases",
        "nosuch:TS202611-0007",
        "solved:TS202611-0007",
        "solved:TS202611-0007:maybe",
        "solved:nope:yes",
        "lang:en:extra",
        "lang:\x00",
        "category:" + "x" * 60,
        "TAKE:TS202611-0007",
    ],
)
def test_forged_or_malformed_data_decodes_to_none(data: str | None) -> None:
    assert decode(data) is None


@pytest.mark.parametrize("action", [CaseButton(verb, LONGEST) for verb in CaseVerb], ids=repr)
def test_case_buttons_fit_telegram_callback_data_with_the_longest_number(
    action: Action,
) -> None:
    assert len(encode(action).encode()) <= MAX_BYTES
    assert len(encode(SolvedButton(LONGEST, False)).encode()) <= MAX_BYTES


def test_data_over_64_bytes_is_never_encoded() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(Choice(Pick.CATEGORY, "类" * 20))


def test_picked_reads_only_its_own_pick() -> None:
    assert picked("lang:en", Pick.LANGUAGE) == "en"
    assert picked("category:en", Pick.LANGUAGE) is None
    assert picked("take:TS202611-0007", Pick.LANGUAGE) is None


def test_staff_buttons_become_the_command_that_does_the_same() -> None:
    assert staff_command("take:TS202611-0007") == "/take TS202611-0007"
    assert staff_command("details:TS202611-0007") == "/case TS202611-0007"
    assert staff_command("send_back:TS202611-0007") == "/sendback TS202611-0007"
    assert staff_command("accept:TS202611-0007") is None  # the customer's, not a command
    assert staff_command("take:forged") is None
