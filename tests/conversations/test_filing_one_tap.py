"""A category the story reader guessed wrongly is corrected in one tap on the summary
(issue 19), through the pure customer flow in three languages with the real reader: the
summary offers the next likely categories ("Change to: ..."), a press sets one and shows
the summary again (the one correction turn), typed numbers and labels follow what was
shown, and a stale or forged alternative changes nothing. A skipped name files the case
as anonymous."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.values import Wanted
from conversations.filing import ALTERNATIVES, FilingStep
from conversations.intents import FileCase
from conversations.state import Flow, State
from tests.conversations.flow_table import message, press
from tests.conversations.test_filing_story import TOLD, actions, category_name, only, run

ZHS, ZHT, EN = Language.ZH_HANS, Language.ZH_HANT, Language.EN
ALL = pytest.mark.parametrize("language", list(Language))
YESTERDAY = date(2026, 11, 23)
# Read surely as safety (a fire hazard), product quality the next likely: the customer says
# it is a quality problem. Each says the wish (refund / compensation) and the date.
HAZARD = {
    ZHS: "昨天在你们店买的充电宝，充电的时候鼓包冒烟，差点着火。我要退货。",
    ZHT: "昨天在你們店買的行動電源，充電的時候膨脹冒煙，差點著火。我要退貨。",
    EN: "The heater I bought from you sparked and caught fire yesterday, it is a fire hazard. "
    "I want compensation.",
}
WISH = {ZHS: Wanted.REFUND, ZHT: Wanted.REFUND, EN: Wanted.COMPENSATION}
# Read surely as safety, with three more likely: two are offered, best first.
SIGN = "昨天早上在你们小区门口，一块广告牌被风吹下来，差一点砸到我孩子。请马上修好。"


def change_to(key: str, language: Language) -> str:
    t = translation(language).gettext
    return t("Change to: {category}").format(category=category_name(key, language))


def marked(key: str, language: Language) -> str:
    t = translation(language).gettext
    shown = t("{value} (from your description)").format(value=category_name(key, language))
    return t("About: {category}").format(category=shown)


def plain(key: str, language: Language) -> str:
    t = translation(language).gettext
    return t("About: {category}").format(category=category_name(key, language)) + "\n"


@ALL
def test_a_wrong_guess_is_corrected_in_one_tap_and_filed(language: Language) -> None:
    told = run(State(), message(HAZARD[language]), language=language, name="王芳")
    assert told.state.step == FilingStep.CONFIRM
    summary = only(told)
    assert marked("safety", language) in summary.text
    assert actions(summary)[:3] == ("confirm:submit", "alt:product_quality", "edit:category")
    assert summary.options[1].label == change_to("product_quality", language)
    assert told.state.data[ALTERNATIVES] == ["product_quality"]
    tapped = run(told.state, press("alt:product_quality"), language=language, name="王芳")
    again = only(tapped)  # the one correction turn: the summary again, nothing asked
    assert tapped.state.step == FilingStep.CONFIRM
    assert plain("product_quality", language) in again.text  # chosen now: not marked
    assert "alt:product_quality" not in actions(again) and ALTERNATIVES not in tapped.state.data
    assert actions(again)[:3] == ("confirm:submit", "edit:wanted", "edit:when")
    filed = run(tapped.state, press("confirm:submit"), language=language, name="王芳")
    (case,) = filed.intents
    assert isinstance(case, FileCase)
    assert (case.category, case.wanted, case.occurred_on, case.anonymous) == (
        "product_quality",
        WISH[language],
        YESTERDAY,
        False,
    )


@ALL
def test_the_alternative_typed_as_its_number_or_label(language: Language) -> None:
    """WeChat and the console show the options numbered: 2 is the first alternative."""
    told = run(State(), message(HAZARD[language]), language=language, name="王芳")
    by_number = run(told.state, message("2"), language=language, name="王芳")
    label = change_to("product_quality", language)
    by_label = run(told.state, message(label), language=language, name="王芳")
    for outcome in (by_number, by_label):
        assert outcome.state.step == FilingStep.CONFIRM
        assert outcome.state.data["category"] == "product_quality"
        assert "category" not in outcome.state.data["read"]
    asked = run(told.state, message("3"), language=language, name="王芳")  # Correct the category
    assert asked.state.step == FilingStep.CATEGORY


def test_two_alternatives_at_most_in_the_likely_order() -> None:
    told = run(State(), message(SIGN), language=ZHS, name="王芳")
    assert marked("safety", ZHS) in only(told).text
    assert told.state.data["likely"][:4] == ["safety", "facilities", "billing", "aftersales"]
    assert actions(only(told))[:4] == (
        "confirm:submit",
        "alt:facilities",
        "alt:billing",
        "edit:category",
    )
    labels = [o.label for o in only(told).options[1:3]]
    assert labels == [change_to("facilities", ZHS), change_to("billing", ZHS)]
    assert labels[0] == "改为：设施环境"  # Chinese throughout
    assert "alt:aftersales" not in actions(only(told))


@ALL
def test_a_stale_or_forged_alternative_changes_nothing(language: Language) -> None:
    t = translation(language).gettext
    stale = t("That button is not available here (any more).")
    told = run(State(), message(HAZARD[language]), language=language, name="王芳")
    forged = run(told.state, press("alt:contract"), language=language, name="王芳")
    assert forged.replies[0].text == stale
    assert forged.state == told.state
    asked = run(told.state, press("edit:category"), language=language, name="王芳")
    late = run(asked.state, press("alt:product_quality"), language=language, name="王芳")
    assert (late.state, late.replies[0].text) == (asked.state, stale)
    assert late.replies[1].text == only(asked).text  # the question again
    chosen = run(asked.state, press("category:contract"), language=language, name="王芳")
    again = run(chosen.state, press("alt:product_quality"), language=language, name="王芳")
    assert again.state == chosen.state and again.replies[0].text == stale
    assert again.state.data["category"] == "contract"


@ALL
def test_a_surely_read_story_with_nothing_else_likely_offers_no_alternative(
    language: Language,
) -> None:
    told = run(State(), message(TOLD[language]), language=language, name="王芳")
    assert not any(a.startswith("alt:") for a in actions(only(told)))
    assert ALTERNATIVES not in told.state.data


@ALL
def test_a_skipped_name_files_an_anonymous_case(language: Language) -> None:
    asked = run(State(), message(HAZARD[language]), language=language, name=None)
    skipped = run(asked.state, press("skip:name"), language=language, name=None)
    assert skipped.state.flow == Flow.FILING
    filed = run(skipped.state, press("confirm:submit"), language=language, name=None)
    (case,) = filed.intents
    assert isinstance(case, FileCase) and case.anonymous and case.name is None
    named = run(asked.state, message("王芳"), press("confirm:submit"), language=language, name=None)
    (case,) = named.intents
    assert isinstance(case, FileCase) and not case.anonymous and case.name == "王芳"


@ALL
def test_an_alternative_pressed_after_filing_is_refused(language: Language) -> None:
    t = translation(language).gettext
    told = run(State(), message(HAZARD[language]), language=language, name="王芳")
    filed = run(told.state, press("confirm:submit"), language=language, name="王芳")
    late = run(filed.state, press("alt:product_quality"), language=language, name="王芳")
    assert late.state == State() and not late.intents
    assert [r.text for r in late.replies] == [t("That button is not available here (any more).")]
