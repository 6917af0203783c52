"""The commands that record a no-chat customer's answers (/accepted, /refused, /rated),
stepped straight through the staff flow: their typed intents, the reason or the survey's
answers asked next, and the arguments the flow refuses itself (no database). Who may
record, and for which customer, is the use case's (tests/handlers/test_on_behalf.py)."""

from __future__ import annotations

import pytest

from conversations import intents as i
from conversations import staff
from conversations.base.policy import Language
from conversations.commands import MAX_COMMENT
from conversations.state import Flow, State
from tests.conversations.flow_table import Row, check, message, refused, said, table

IDLE, INPUT = Flow.IDLE, Flow.STAFF_INPUT
N = "TS202611-0007"
FRESH = State()
REASON = said("Send the reason the customer gave.")
ASK_ANSWER = said(
    "Send the customer's answer: solved or unsolved, the score from 1 to 5, then any "
    "comment, e.g. solved 5 thank you."
)
USAGE = said(
    "Usage: /rated {number} solved|unsolved SCORE [comment], the score from 1 to 5, "
    "e.g. /rated {number} solved 5 thank you.",
    number=N,
)
SCORE_RANGE = refused("survey.score_range")


def waiting(command: str) -> State:
    return State(INPUT, "text", {"command": command, "number": N, "words": []})


# fmt: off
ROWS = [
    # -- at once -----------------------------------------------------------------------------
    Row("accepted", FRESH, message(f"/accepted {N}"), IDLE, intents=(i.RecordAccepted(N),)),
    Row("accepted-lower-case-number", FRESH, message("/accepted ts202611-0007"), IDLE,
        intents=(i.RecordAccepted(N),)),
    Row("refused", FRESH, message(f"/refused {N} 想要退款，不要换新"), IDLE,
        intents=(i.RecordRefused(N, "想要退款，不要换新"),)),
    Row("rated-solved", FRESH, message(f"/rated {N} solved 5"), IDLE,
        intents=(i.RecordSurvey(N, True, 5, ""),)),
    Row("rated-with-comment", FRESH, message(f"/rated {N} solved 4 服务很好 谢谢"), IDLE,
        intents=(i.RecordSurvey(N, True, 4, "服务很好 谢谢"),)),
    Row("rated-unsolved", FRESH, message(f"/rated {N} UNSOLVED 1 还是漏水\n第二行"), IDLE,
        intents=(i.RecordSurvey(N, False, 1, "还是漏水\n第二行"),)),
    Row("rated-comment-at-the-limit", FRESH,
        message(f"/rated {N} solved 5 {'好' * MAX_COMMENT}"), IDLE,
        intents=(i.RecordSurvey(N, True, 5, "好" * MAX_COMMENT),)),
    # -- the number missing, or more than /accepted takes ------------------------------------
    *(Row(f"no-number-{name}", FRESH, message(f"/{name}"), IDLE, "",
          (said("Which case? Add its number, e.g. /{command} TS202611-0007.", command=name),))
      for name in ("accepted", "refused", "rated")),
    Row("accepted-takes-only-the-number", FRESH, message(f"/accepted {N} 客户同意"), IDLE, "",
        (said("/{command} takes only the case number, e.g. /{command} {number}",
              command="accepted", number=N),)),
    # -- the reason, the answers asked next --------------------------------------------------
    Row("refused-asks-reason", FRESH, message(f"/refused {N}"), INPUT, "text", (REASON,),
        data={"command": "refused", "number": N}),
    Row("refused-reason-next", waiting("refused"), message("想要退款"), IDLE,
        intents=(i.RecordRefused(N, "想要退款"),)),
    Row("rated-asks-answer", FRESH, message(f"/rated {N}"), INPUT, "text", (ASK_ANSWER,),
        data={"command": "rated", "number": N}),
    Row("rated-answer-next", waiting("rated"), message("solved 5 很满意"), IDLE,
        intents=(i.RecordSurvey(N, True, 5, "很满意"),)),
    Row("rated-bad-answer-next", waiting("rated"), message("很满意"), IDLE, "", (USAGE,)),
    Row("rated-waiting-empty-asks-again", waiting("rated"), message("  "), INPUT, "text",
        (ASK_ANSWER,)),
    # -- answers the flow refuses itself ---------------------------------------------------
    Row("rated-no-score", FRESH, message(f"/rated {N} solved"), IDLE, "", (USAGE,)),
    Row("rated-score-only", FRESH, message(f"/rated {N} 5"), IDLE, "", (USAGE,)),
    Row("rated-score-first", FRESH, message(f"/rated {N} 5 solved"), IDLE, "", (USAGE,)),
    Row("rated-not-a-word", FRESH, message(f"/rated {N} yes 5"), IDLE, "", (USAGE,)),
    Row("rated-score-in-words", FRESH, message(f"/rated {N} solved five"), IDLE, "", (USAGE,)),
    Row("rated-score-negative", FRESH, message(f"/rated {N} solved -1"), IDLE, "", (USAGE,)),
    Row("rated-score-fraction", FRESH, message(f"/rated {N} solved 4.5"), IDLE, "", (USAGE,)),
    *(Row(f"rated-score-{score}", FRESH, message(f"/rated {N} solved {score}"), IDLE, "",
          (SCORE_RANGE,))
      for score in ("0", "6", "10")),
    Row("rated-comment-too-long", FRESH,
        message(f"/rated {N} solved 5 {'好' * (MAX_COMMENT + 1)}"), IDLE, "",
        (refused("input.too_long", limit=MAX_COMMENT),)),
    # -- a command while one waits does what it says -----------------------------------------
    Row("rated-waiting-other-command", waiting("rated"), message(f"/accepted {N}"), IDLE, "",
        (said("/{command} {number} was not sent; send it again when ready.",
              command="rated", number=N),), intents=(i.RecordAccepted(N),)),
]
# fmt: on


@pytest.mark.parametrize(("row", "language"), table(ROWS))
def test_on_behalf_step(row: Row, language: Language) -> None:
    check(staff.step, row, language)


@pytest.mark.parametrize("language", list(Language))
def test_help_names_the_commands(language: Language) -> None:
    from conversations.base.i18n import translation

    shown = staff.help_text(translation(language))
    assert all(f"/{name} N" in shown for name in ("accepted", "refused", "rated"))
