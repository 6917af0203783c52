"""What staff are told about work that waits for them (issue 13: the staff side is told
what concerns them, in staff wording): a review, a sent-back resolution, an approval, the
customer's survey answer."""

from __future__ import annotations

from gettext import NullTranslations

LIMIT = 300  # a relayed text's share of a staff message, as the case card's


def review_waiting(t: NullTranslations, number: str, handler: str, summary: str) -> str:
    """To customer service: finished work waits for their review before the survey."""
    return t.gettext(
        "Case {number} is resolved by {handler} and waits for your review:\n{summary}\n"
        "Review it to send the customer the survey, or send it back: /reject {number} reason"
    ).format(number=number, handler=handler, summary=_short(summary))


def resolution_rejected(t: NullTranslations, number: str, reason: str) -> str:
    """To the handler: customer service sent the finished work back."""
    return t.gettext(
        "Customer service sent case {number} back to you: {reason}\n"
        "When it is done, report it again with /resolve {number} summary."
    ).format(number=number, reason=_short(reason))


def solution_approved(t: NullTranslations, number: str, manager: str) -> str:
    """To the handler: the solution went to the customer after a manager approved it."""
    return t.gettext(
        "{manager} approved the solution for case {number}; the customer has been asked "
        "to accept it."
    ).format(number=number, manager=manager)


def survey_answered(
    t: NullTranslations, number: str, *, solved: bool, score: int, comment: str | None
) -> str:
    """To the handler: the customer's survey answer, as they gave it."""
    if solved:
        text = t.gettext("The customer of case {number} answered the survey: solved, {score} of 5.")
    else:
        text = t.gettext(
            "The customer of case {number} answered the survey: not solved, {score} of 5."
        )
    text = text.format(number=number, score=score)
    if comment:
        text += "\n" + t.gettext("Their comment: {comment}").format(comment=_short(comment))
    return text


def _short(text: str, limit: int = LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
