"""Filing uses what the story says (issue 19), through the pure customer flow in three
languages: what was read surely is not asked and is marked on the summary, a guess is
corrected with one question and the summary comes back, a vague story is asked today's
questions, uncertain fields are asked with the likely answer first, and the name, asked
only when the platform gives none, can be skipped (the case is filed anonymously).

The stories go through the real reader (conversations/story.py); the one test that needs
a reading the reader is unsure of patches a stand-in into the filing flow.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conversations import customer, filing
from conversations.base.i18n import translation
from conversations.base.messages import Inbound, Reply
from conversations.base.policy import Language, Policy
from conversations.base.values import CaseKind, Wanted
from conversations.filing import FilingStep
from conversations.intents import FileCase
from conversations.state import Flow, Outcome, State
from conversations.story import Guess, Reading
from tests.conversations.flow_table import context, message, press
from tests.fakes.policy import test_policy as shipped_policy

ZHS, ZHT, EN = Language.ZH_HANS, Language.ZH_HANT, Language.EN
# The category (delivery), the wish (refund) and the date (yesterday: 2026-11-23), in one
# message each.
TOLD = {
    ZHS: "快递昨天显示已签收，但我根本没收到包裹，我要退款。",
    ZHT: "快遞昨天顯示已簽收，但我根本沒收到包裹，我要退款。",
    EN: "Yesterday the tracking said my parcel was delivered, but I never received it. "
    "I want a refund.",
}
VAGUE = {ZHS: "我有个问题想反映一下", ZHT: "我有個問題想反映一下", EN: "I have something to report"}
YESTERDAY = date(2026, 11, 23)
ALL = pytest.mark.parametrize("language", list(Language))
CATEGORIES = tuple(f"category:{c.key}" for c in shipped_policy().categories)


def run(state: State, *inbounds: Inbound, language: Language, name: str | None) -> Outcome:
    outcome = Outcome(state)
    ctx = context(language, known_name=name)
    for inbound in inbounds:
        outcome = customer.step(outcome.state, inbound, ctx)
    return outcome


def only(outcome: Outcome) -> Reply:
    (reply,) = outcome.replies
    return reply


def actions(reply: Reply) -> tuple[str, ...]:
    return tuple(option.action for option in reply.options)


def understood(language: Language, label: str, value: str) -> str:
    """A summary line saying the value was read from the story."""
    t = translation(language).gettext
    return t(label).format(
        **{_slot(label): t("{value} (from your description)").format(value=value)}
    )


def _slot(label: str) -> str:
    return label[label.index("{") + 1 : label.index("}")]


def category_name(key: str, language: Language) -> str:
    return shipped_policy().category(key).names[language]


@ALL
def test_a_story_naming_category_wish_and_date_goes_straight_to_the_summary(
    language: Language,
) -> None:
    told = run(State(), message(TOLD[language]), language=language, name="王芳")
    assert (told.state.flow, told.state.step) == (Flow.FILING, FilingStep.CONFIRM)
    summary = only(told).text
    t = translation(language).gettext
    assert understood(language, "About: {category}", category_name("delivery", language)) in summary
    assert understood(language, "You would like: {wanted}", t("Refund")) in summary
    assert understood(language, "When: {day}", "2026-11-23") in summary
    assert actions(only(told))[:4] == (
        "confirm:submit",
        "edit:category",
        "edit:wanted",
        "edit:when",
    )
    filed = run(told.state, press("confirm:submit"), language=language, name="王芳")
    assert filed.intents == (
        FileCase(
            CaseKind.COMPLAINT,
            "delivery",
            TOLD[language],
            Wanted.REFUND,
            occurred_on=YESTERDAY,
            name="王芳",
        ),
    )


@ALL
def test_correcting_the_guessed_category_asks_only_it_and_comes_back(language: Language) -> None:
    told = run(State(), message(TOLD[language]), language=language, name="王芳")
    asked = run(told.state, press("edit:category"), language=language, name="王芳")
    assert asked.state.step == FilingStep.CATEGORY
    assert actions(only(asked))[-1] == "category:delivery"  # the wrong guess offered last
    assert sorted(actions(only(asked))) == sorted(CATEGORIES)
    back = run(asked.state, press("category:product_quality"), language=language, name="王芳")
    assert back.state.step == FilingStep.CONFIRM  # nothing else asked
    summary = only(back).text
    t = translation(language).gettext
    about = t("About: {category}").format(category=category_name("product_quality", language))
    assert f"{about}\n" in summary  # the customer's own choice: not marked as read
    assert understood(language, "You would like: {wanted}", t("Refund")) in summary
    assert actions(only(back))[:3] == ("confirm:submit", "edit:wanted", "edit:when")
    filed = run(back.state, press("confirm:submit"), language=language, name="王芳")
    (case,) = filed.intents
    assert isinstance(case, FileCase)
    assert (case.category, case.wanted, case.occurred_on) == (
        "product_quality",
        Wanted.REFUND,
        YESTERDAY,
    )


@ALL
def test_correcting_the_read_date_asks_only_the_date(language: Language) -> None:
    told = run(State(), message(TOLD[language]), language=language, name="王芳")
    asked = run(told.state, press("edit:when"), language=language, name="王芳")
    assert (asked.state.step, actions(only(asked))) == (FilingStep.WHEN, ("skip:when",))
    back = run(asked.state, message("2026-11-20"), language=language, name="王芳")
    assert back.state.step == FilingStep.CONFIRM
    assert back.state.data["occurred_on"] == "2026-11-20"
    t = translation(language).gettext
    assert f"{t('When: {day}').format(day='2026-11-20')}\n" in only(back).text


@ALL
def test_a_vague_story_gets_todays_questions(language: Language) -> None:
    """Nothing read surely: category (every one offered), details, wish, summary; a name
    typed at the summary is taken there (issue 19: the name question moved to the summary)."""
    steps = []
    state = State()
    for inbound in (
        message(VAGUE[language]),
        press("category:aftersales"),
        press("skip:details"),
        press("wanted:repair"),
        message("Li Na"),
    ):
        outcome = run(state, inbound, language=language, name=None)
        steps.append((outcome.state.step, frozenset(actions(outcome.replies[-1]))))
        state = outcome.state
    assert [step for step, _ in steps] == [
        FilingStep.CATEGORY,
        FilingStep.DETAILS,
        FilingStep.WANTED,
        FilingStep.CONFIRM,
        FilingStep.CONFIRM,
    ]
    assert steps[0][1] == frozenset(CATEGORIES)
    assert steps[2][1] == frozenset(f"wanted:{w.value}" for w in Wanted)
    assert "skip:name" not in steps[3][1]
    assert (state.data["category"], state.data["wanted"], state.data["read"]) == (
        "aftersales",
        "repair",
        [],
    )
    assert state.data["name"] == "Li Na"
    assert "edit:when" not in steps[4][1]  # nothing to correct: all the customer's answers


@ALL
def test_the_name_is_never_asked_before_the_summary_and_is_optional(language: Language) -> None:
    """Issue 19: without a name from the platform the summary comes straight away, saying
    the name is optional and how to give it; Submit files anonymously."""
    shown = run(State(), message(TOLD[language]), language=language, name=None)
    t = translation(language).gettext
    assert shown.state.step == FilingStep.CONFIRM
    assert t("Name: not given (you can simply reply with your name)") in only(shown).text
    assert "skip:name" not in actions(only(shown))
    filed = run(shown.state, press("confirm:submit"), language=language, name=None)
    (case,) = filed.intents
    assert isinstance(case, FileCase) and case.name is None and case.category == "delivery"
    assert case.anonymous


@ALL
def test_a_name_typed_at_the_summary_is_taken_and_the_story_again_is_not(
    language: Language,
) -> None:
    shown = run(State(), message(TOLD[language]), language=language, name=None)
    again = run(shown.state, message(TOLD[language]), language=language, name=None)
    assert again.state.data.get("name") is None and len(again.replies) == 2
    named = run(again.state, message("Li Na"), language=language, name=None)
    t = translation(language).gettext
    assert t("Name: {name}").format(name="Li Na") in only(named).text
    filed = run(named.state, press("confirm:submit"), language=language, name=None)
    (case,) = filed.intents
    assert isinstance(case, FileCase) and case.name == "Li Na" and not case.anonymous


@ALL
def test_a_story_told_after_the_menu_fills_what_is_left(language: Language) -> None:
    """From the menu the category comes first (the customer's); the story then tells the
    wish and the date: the summary follows."""
    told = run(
        State(),
        press("file:complaint"),
        press("category:product_quality"),
        message(TOLD[language]),
        language=language,
        name="王芳",
    )
    assert told.state.step == FilingStep.CONFIRM
    assert told.state.data["category"] == "product_quality"  # not overridden by the story
    assert told.state.data["read"] == ["wanted", "occurred_on"]
    assert actions(only(told))[:3] == ("confirm:submit", "edit:wanted", "edit:when")


def test_the_near_misses_of_the_issue_reach_the_summary_as_read() -> None:
    """A threat's 今天 is no incident date; 不要退款，只要换一个 is a replacement."""
    threat = run(
        State(),
        message("快递昨天签收了但包裹没收到，今天再不处理我就投诉到消协，我要退款"),
        language=ZHS,
        name="王芳",
    )
    assert threat.state.data.get("occurred_on") == "2026-11-23"
    no_refund = run(
        State(), message("包裹没收到，我不要退款，只要换一个"), language=ZHS, name="王芳"
    )
    assert no_refund.state.data["wanted"] == "replacement"
    vague_threat = run(State(), message("今天再不处理我就投诉到消协"), language=ZHS, name="王芳")
    assert "occurred_on" not in vague_threat.state.data


def test_a_new_description_is_read_again_and_the_customers_choice_stays() -> None:
    told = run(State(), message(TOLD[ZHS]), language=ZHS, name="王芳")
    corrected = run(
        told.state, press("edit:category"), press("category:other"), language=ZHS, name="王芳"
    )
    asked = run(corrected.state, press("edit:description"), language=ZHS, name="王芳")
    assert asked.state.step == FilingStep.DESCRIPTION
    again = run(asked.state, message("包裹一直没到，想要赔偿"), language=ZHS, name="王芳")
    data = again.state.data
    assert (data["category"], data["wanted"]) == ("other", "compensation")  # chosen; read anew
    assert "occurred_on" not in data and data["read"] == ["wanted"]  # the old story's date went


UNSURE = Reading(
    category=Guess("billing", 0.5),
    likely_categories=("billing", "safety"),
    wanted=Guess(Wanted.REFUND, 0.6),
    occurred_on=Guess(YESTERDAY, 0.7),
    order_ref=None,
    phone=None,
    danger=(),
    collective=False,
)


def test_uncertain_fields_are_asked_with_the_likely_answer_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def stand_in(text: str, policy: Policy, language: Language, now: datetime) -> Reading:
        return UNSURE

    monkeypatch.setattr(filing, "read_story", stand_in)
    story = run(State(), message("烟雾报警器收费比标价高"), language=ZHS, name="王芳")
    assert story.state.step == FilingStep.CATEGORY
    assert actions(only(story))[:2] == ("category:billing", "category:safety")
    typed = run(story.state, message("2"), language=ZHS, name="王芳")  # as shown: safety
    assert typed.state.data["category"] == "safety"
    assert typed.state.step == FilingStep.DETAILS  # an unsure date is not taken
    wish = run(typed.state, press("skip:details"), language=ZHS, name="王芳")
    assert actions(only(wish))[0] == "wanted:refund"
    done = run(wish.state, message("1"), language=ZHS, name="王芳")
    assert (done.state.step, done.state.data["wanted"]) == (FilingStep.CONFIRM, "refund")
    assert done.state.data["read"] == []
