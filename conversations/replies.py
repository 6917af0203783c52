"""What the desk answers the person who acted, once a use case has done it. The words
live here, beside the dialogues; handlers pass the translation and the values."""

from __future__ import annotations

from gettext import NullTranslations

from conversations.base.values import CaseStatus
from conversations.wording import staff_status_label


def done(t: NullTranslations, number: str, status: CaseStatus, *, approval: bool = False) -> str:
    """A staff action went through: where the case stands now, in staff wording."""
    return t.gettext("Done. Case {number} is now: {status}.").format(
        number=number, status=staff_status_label(t, status, approval=approval)
    )


def media_only(t: NullTranslations, count: int) -> str:
    """The timeline's words for an addition that was only photos or files."""
    return t.gettext("(sent {count} photo(s) or file(s))").format(count=count)


def info_added(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "Thank you. We added it to case {number} and told the person handling it."
    ).format(number=number)


def accepted(t: NullTranslations, due: str) -> str:
    """`due` is already in words ("tomorrow 10:00"), or "-" when no deadline is set."""
    return t.gettext("Thank you. We will carry it out by {due}.").format(due=due)


def refused(t: NullTranslations) -> str:
    return t.gettext(
        "Thank you for telling us. The person handling your case "
        "will come back with a new proposal."
    )


def reopened(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "We are sorry the problem is not solved yet. We have reopened "
        "case {number} and will contact you soon."
    ).format(number=number)


def review_logged(t: NullTranslations, number: str) -> str:
    return t.gettext("Logged as case {number}.").format(number=number)


def language_set(t: NullTranslations) -> str:
    """Said in the language just chosen (each catalog words it in its own language)."""
    return t.gettext("Done. I will speak English with you from now on.")


# -- answers staff recorded for a customer with no chat (handlers/on_behalf.py) --------


def recorded_accepted(t: NullTranslations, number: str, due: str) -> str:
    """`due` is already in words, or "-" when no deadline is set."""
    return t.gettext(
        "Recorded for the customer: they accepted the solution for case {number}. "
        "It is to be carried out by {due}."
    ).format(number=number, due=due)


def recorded_refused(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "Recorded for the customer: they refused the solution for case {number}. "
        "Their reason went to the handler, who proposes another."
    ).format(number=number)


def recorded_survey(t: NullTranslations, number: str, score: int, *, closed: bool) -> str:
    """Satisfied: the case closed. Otherwise it is reopened (a second rectification)."""
    if closed:
        text = t.gettext(
            "Recorded for the customer: their survey answer for case {number}, {score} of 5. "
            "The case is closed."
        )
    else:
        text = t.gettext(
            "Recorded for the customer: they are not satisfied with case {number}, "
            "{score} of 5. It is reopened and back with the handler."
        )
    return text.format(number=number, score=score)
