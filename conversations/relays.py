"""Words of the conversation through a case (issue 13): staff's messages as the customer
reads them, canned answers, and the customer's answers as the handler reads them."""

from __future__ import annotations

from collections.abc import Sequence
from gettext import NullTranslations

from conversations.base.policy import CannedAnswer, Language


def from_desk(t: NullTranslations, number: str, text: str) -> str:
    """A staff member's message, introduced as the desk's, in the customer's language."""
    if not text:
        return t.gettext("Our team sent you this about your case {number}.").format(number=number)
    return t.gettext("A message from our team about your case {number}:\n\n{text}").format(
        number=number, text=text
    )


def polite_name(t: NullTranslations) -> str:
    """How a canned answer's {name} addresses a customer whose name the desk does not know."""
    return t.gettext("valued customer")


def soon(t: NullTranslations) -> str:
    """A canned answer's {due} when no deadline is running."""
    return t.gettext("as soon as we can")


def first_line(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def canned_list(
    t: NullTranslations, language: Language, answers: Sequence[CannedAnswer], number: str | None
) -> str:
    """`/canned [N]`: each key with the first line of its text in the reader's language."""
    if not answers:
        if number:
            return t.gettext("No canned answers are set up for case {number}.").format(
                number=number
            )
        return t.gettext("No canned answers are set up.")
    if number:
        head = t.gettext("Canned answers for case {number} (send one with /reply {number} #key):")
    else:
        head = t.gettext("Canned answers (send one with /reply N #key):")
    lines = [head.format(number=number)]
    lines += [f"#{answer.key}  {first_line(answer.text(language))}" for answer in answers]
    return "\n".join(lines)


def sent_to_customer(t: NullTranslations, number: str, files: int) -> str:
    """The staff member's acknowledgement, in their own language."""
    if files:
        return t.gettext("Sent to the customer of case {number}, with {count} file(s).").format(
            number=number, count=files
        )
    return t.gettext("Sent to the customer of case {number}.").format(number=number)


def customer_accepted(t: NullTranslations, number: str, due: str) -> str:
    """For the handler (staff wording): the customer agreed; the implement clock runs."""
    return t.gettext(
        "The customer accepted the solution for case {number}. "
        "Please carry it out by {due}, then send /resolve {number} summary."
    ).format(number=number, due=due)


def customer_refused(t: NullTranslations, number: str, reason: str) -> str:
    """For the handler (staff wording): the customer said no, and why."""
    return t.gettext(
        "The customer refused the solution for case {number}.\nReason: {reason}\n"
        "Please propose another: /propose {number} solution."
    ).format(number=number, reason=reason)


def filed_with(t: NullTranslations, number: str, count: int) -> str:
    """For the department, after the card: the files the customer filed the case with."""
    return t.gettext("The customer sent {count} photo(s) or file(s) with case {number}.").format(
        count=count, number=number
    )
