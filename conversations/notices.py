"""The wording of what the desk says on its own initiative (POLICY §6 tone).

Each function takes the recipient's translation and plain values and returns the text;
named placeholders keep every language free to order the sentence its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import NullTranslations

from conversations.actions import SolvedButton, encode
from conversations.base.messages import Option
from conversations.base.values import CaseStatus
from conversations.wording import staff_status_label


@dataclass(frozen=True)
class CaseSummary:
    """What a staff alert shows: no full contact details (POLICY §8)."""

    number: str
    kind: str
    category: str
    severity: str
    department: str
    description: str
    masked_phone: str
    due: str
    urgent: bool = False  # from the customer's words or a danger phrase (issue 14)


def case_received(t: NullTranslations, number: str, due: str) -> str:
    return t.gettext(
        "Thank you, and we are sorry for the trouble. Your case number is {number}. "
        "We will contact you by {due} at the latest."
    ).format(number=number, due=due)


def case_card(
    t: NullTranslations,
    case: CaseSummary,
    handler: str | None,
    status: CaseStatus = CaseStatus.ASSIGNED,
    *,
    approval: bool = False,
    supporting: bool = False,
    received: bool = False,
) -> str:
    """A department's card: where the case stands and who has it, first ("taken on · 李雷",
    not "new case" forever, issue 13), then what it is about. A supporting department's
    copy says so (POLICY §3: the lead department owns the case). `received`: the handler
    is the staff member who took it from the customer (seed 001) and the department has
    yet to take it over."""
    if received and handler:
        state = t.gettext("Received by {handler} for the customer · waiting for the department")
        state = state.format(handler=handler)
    else:
        state = card_state(t, status, handler, approval=approval)
    if supporting:
        state = t.gettext("Supporting · {state}").format(state=state)
    if case.urgent:  # on the first line, which a notification's preview shows
        state = t.gettext("{header} · urgent").format(header=state)
    header = t.gettext("Case {number} · {severity} · {category}").format(
        number=case.number, severity=case.severity, category=case.category
    )
    body = t.gettext("Contact: {phone}\nDue: {due}\n{description}").format(
        phone=case.masked_phone or "-", due=case.due, description=_short(case.description)
    )
    return f"{state}\n{header}\n{body}"


def card_state(
    t: NullTranslations, status: CaseStatus, handler: str | None, *, approval: bool = False
) -> str:
    """The status in staff wording with the handler's name when someone has the case."""
    label = staff_status_label(t, status, approval=approval)
    if not handler:
        return label
    return t.gettext("{status} · {handler}").format(status=label, handler=handler)


def manager_alert(t: NullTranslations, case: CaseSummary, reason: str) -> str:
    return t.gettext("Attention: case {number} is {severity} ({reason}).").format(
        number=case.number, severity=case.severity, reason=reason
    )


def danger_proposed(
    t: NullTranslations, number: str, phrases: list[str], grade: str, key: str
) -> str:
    """Danger phrases on a case below the danger grade: named once each, the grade proposed
    for a person to confirm (issue 14: never 'case N is general' while asking to raise it)."""
    return t.gettext(
        "Attention: case {number} mentions {phrases}. Proposed grade: {grade}. "
        "To confirm: /regrade {number} {key} <reason>"
    ).format(number=number, phrases=t.gettext(", ").join(phrases), grade=grade, key=key)


def danger_noted(t: NullTranslations, number: str, phrases: list[str], grade: str) -> str:
    """Danger phrases on a case already at the danger grade or above."""
    return t.gettext("Attention: case {number} ({grade}) mentions {phrases}.").format(
        number=number, phrases=t.gettext(", ").join(phrases), grade=grade
    )


def status_changed(t: NullTranslations, number: str, status: str) -> str:
    return t.gettext("Update on your case {number}: {status}.").format(number=number, status=status)


def solution_offer(t: NullTranslations, number: str, solution: str) -> str:
    return t.gettext(
        "Here is what we propose for case {number}:\n{solution}\nDo you accept it?"
    ).format(number=number, solution=solution)


def approval_request(t: NullTranslations, number: str, solution: str) -> str:
    return t.gettext("Please approve the solution for case {number}:\n{solution}").format(
        number=number, solution=solution
    )


def survey(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "We have finished the work on your case {number}. Is your problem solved?"
    ).format(number=number)


def closed(t: NullTranslations, number: str) -> str:
    return t.gettext("Case {number} is closed. Thank you for helping us improve.").format(
        number=number
    )


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question(t: NullTranslations, number: str, text: str) -> str:
    return t.gettext(
        "About your case {number}, we need a little more from you:\n{question}"
    ).format(number=number, question=text)


def sent_back(t: NullTranslations, number: str, reason: str) -> str:
    return t.gettext("Case {number} was sent back: {reason}").format(number=number, reason=reason)


def customer_added(t: NullTranslations, number: str, text: str) -> str:
    return t.gettext("The customer added to case {number}:\n{text}").format(
        number=number, text=_short(text)
    )


def reopened(t: NullTranslations, number: str, severity: str) -> str:
    return t.gettext(
        "Case {number} is reopened for a second rectification, now graded {severity}."
    ).format(number=number, severity=severity)


def reassigned(t: NullTranslations, number: str, reason: str) -> str:
    return t.gettext("Case {number} was reassigned to you: {reason}").format(
        number=number, reason=reason
    )


def solved_options(t: NullTranslations, number: str) -> list[Option]:
    """The survey's first question, asked again by its reminder."""
    return [
        Option(t.gettext("Yes, solved"), encode(SolvedButton(number, True))),
        Option(t.gettext("No, not solved"), encode(SolvedButton(number, False))),
    ]


def survey_reminder(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "A gentle reminder about case {number}: is your problem solved? Your answer helps "
        "us improve."
    ).format(number=number)


def conversation_expired(t: NullTranslations) -> str:
    return t.gettext(
        "We stopped waiting after a while, so nothing from that conversation was filed. "
        "Let's start again."
    )


def customer_unreachable(t: NullTranslations, number: str, channel: str) -> str:
    return t.gettext(
        "The customer of case {number} can no longer be messaged on {channel} (they may "
        "have blocked the bot). The case goes on; please reach them by phone."
    ).format(number=number, channel=channel)


def overdue(t: NullTranslations, number: str, step: str, due: str) -> str:
    return t.gettext("Overdue: case {number}, step “{step}” was due {due}.").format(
        number=number, step=step, due=due
    )


def escalated(t: NullTranslations, number: str, step: str, since: str, handler: str) -> str:
    return t.gettext(
        "Escalation: case {number} is still overdue for “{step}” (overdue since {since}); "
        "handler: {handler}."
    ).format(number=number, step=step, since=since, handler=handler)


def grade_raised(t: NullTranslations, number: str, grade: str, reason: str) -> str:
    return t.gettext("Case {number} is now graded {grade} ({reason}).").format(
        number=number, grade=grade, reason=reason
    )


def progress_report(
    t: NullTranslations,
    case: CaseSummary,
    status: str,
    handler: str | None,
    lines: list[str],
    *,
    waiting: bool = False,
) -> str:
    """What customer service reads about an open serious case, regularly (POLICY §5)."""
    header = t.gettext("Progress of case {number} · {severity} · {status}").format(
        number=case.number, severity=case.severity, status=status
    )
    owner = t.gettext("Handler: {handler} · next step due {due}").format(
        handler=handler or t.gettext("not taken yet"), due=case.due
    )
    parts = [header, owner]
    if waiting:
        parts.append(t.gettext("Waiting for the customer's answer; the clock is paused."))
    if lines:
        parts += [t.gettext("Since the last report:"), *lines]
    else:
        parts.append(t.gettext("Nothing recorded since the last report."))
    return "\n".join(parts)


def progress_nudge(t: NullTranslations, number: str) -> str:
    return t.gettext(
        "Case {number}: nothing was recorded since the last progress report. "
        "Customer service relies on it; please add a note (/note {number} ...)."
    ).format(number=number)
