"""Words for stored names (statuses, refusals) in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from gettext import NullTranslations
from typing import Any

from conversations.base.values import CaseStatus, EventKind, Role, Via


def status_label(t: NullTranslations, status: CaseStatus) -> str:
    g = t.gettext
    labels = {
        CaseStatus.RECEIVED: g("received"),
        CaseStatus.ASSIGNED: g("passed to the responsible team"),
        CaseStatus.ACKNOWLEDGED: g("being handled"),
        CaseStatus.INVESTIGATING: g("being looked into"),
        CaseStatus.SOLUTION_PROPOSED: g("solution being prepared"),
        CaseStatus.APPROVED: g("solution ready for you"),
        CaseStatus.AGREED_BY_CUSTOMER: g("solution agreed"),
        CaseStatus.IMPLEMENTING: g("solution being carried out"),
        CaseStatus.RESOLVED: g("resolved, being checked"),
        CaseStatus.FOLLOW_UP: g("waiting for your feedback"),
        CaseStatus.CLOSED: g("closed"),
    }
    return labels[status]


def staff_status_label(t: NullTranslations, status: CaseStatus, *, approval: bool = False) -> str:
    """A status as staff read it: where the work stands and who it waits for, never the
    customer's words ("waiting for your feedback", issue 13). `approval`: a proposed
    solution waits for a manager before the customer sees it."""
    g = t.gettext
    if status is CaseStatus.SOLUTION_PROPOSED and approval:
        return g("waiting for a manager's approval")
    labels = {
        CaseStatus.RECEIVED: g("not routed yet"),
        CaseStatus.ASSIGNED: g("new, waiting to be taken"),
        CaseStatus.ACKNOWLEDGED: g("taken on"),
        CaseStatus.INVESTIGATING: g("under investigation"),
        CaseStatus.SOLUTION_PROPOSED: g("solution offered, waiting for the customer"),
        CaseStatus.APPROVED: g("approved, waiting for the customer"),
        CaseStatus.AGREED_BY_CUSTOMER: g("agreed by the customer, to be carried out"),
        CaseStatus.IMPLEMENTING: g("being carried out"),
        CaseStatus.RESOLVED: g("resolved, waiting for review"),
        CaseStatus.FOLLOW_UP: g("in follow-up, waiting for the customer's survey"),
        CaseStatus.CLOSED: g("closed"),
    }
    return labels[status]


def event_label(t: NullTranslations, kind: str, data: Mapping[str, Any] | None = None) -> str:
    """A timeline event as staff read it (the customer's view has its own wording); every
    EventKind has one (tests/conversations/test_labels.py), a kind unknown here shows as is.
    `data`, the event's own: an answer staff recorded for the customer says so."""
    if data and data.get("recorded_by"):
        recorded = recorded_label(t, kind, str(data["recorded_by"]), str(data.get("via") or ""))
        if recorded is not None:
            return recorded
    g = t.gettext
    labels: dict[str, str] = {
        EventKind.FILED: g("filed"),
        EventKind.GRADE_PROPOSED: g("grade proposed"),
        EventKind.ROUTED: g("routed"),
        EventKind.TAKEN: g("taken on"),
        EventKind.NOTE: g("note"),
        EventKind.FINDINGS: g("findings recorded"),
        EventKind.ASKED_CUSTOMER: g("customer asked for information"),
        EventKind.CUSTOMER_ADDED: g("customer added information"),
        EventKind.CUSTOMER_UNREACHABLE: g("customer cannot be messaged"),
        EventKind.OVERDUE: g("overdue"),
        EventKind.ESCALATED: g("escalated to managers"),
        EventKind.DEADLINE_WARNED: g("deadline reminder sent"),
        EventKind.LINKED: g("linked as one subject"),
        EventKind.REGRADED: g("grade changed"),
        EventKind.REASSIGNED: g("reassigned"),
        EventKind.PROGRESS_REPORTED: g("progress reported to customer service"),
        EventKind.SOLUTION_PROPOSED: g("solution proposed"),
        EventKind.APPROVED: g("solution approved"),
        EventKind.SENT_BACK: g("solution sent back"),
        EventKind.SOLUTION_OFFERED: g("solution offered to the customer"),
        EventKind.SOLUTION_ACCEPTED: g("customer accepted the solution"),
        EventKind.SOLUTION_REFUSED: g("customer refused the solution"),
        EventKind.IMPLEMENTING: g("solution being carried out"),
        EventKind.RESOLVED: g("resolved"),
        EventKind.RESOLUTION_REJECTED: g("resolution rejected on review"),
        EventKind.FOLLOW_UP_STARTED: g("follow-up started"),
        EventKind.SURVEY_SENT: g("satisfaction survey sent"),
        EventKind.SURVEY_REMINDED: g("survey reminder sent"),
        EventKind.SURVEY_ANSWERED: g("customer answered the survey"),
        EventKind.CLOSED: g("closed"),
        EventKind.CLOSED_WITHOUT_ANSWER: g("closed without the customer's answer"),
        EventKind.REOPENED: g("reopened"),
        EventKind.CORRECTIVE_ACTION: g("corrective action recorded"),
        EventKind.ACTION_VERIFIED: g("corrective action verified"),
        EventKind.MARKED_TYPICAL: g("marked as a typical case"),
        EventKind.REVIEW_LOGGED: g("bad review logged"),
        EventKind.REVIEW_OUTCOME: g("review outcome recorded"),
        EventKind.VIEWED: g("full case opened"),
        EventKind.IDENTITY_REVEALED: g("customer's identity shown"),
        EventKind.STAFF_REPLIED: g("message sent to the customer"),
        EventKind.ASSIGNED: g("assigned to a named person"),
        EventKind.RECEIVED_BY_STAFF: g("taken from the customer by staff"),
    }
    return labels.get(kind, kind)


def recorded_label(t: NullTranslations, kind: str, staff: str, via: str) -> str | None:
    """An answer a customer with no chat gave staff, who recorded it for them, named with
    who and how it was taken ("韩梅梅代客户确认接受方案（电话）"); None for other events."""
    g = t.gettext
    labels: dict[str, str] = {
        EventKind.SOLUTION_ACCEPTED: g("{staff} recorded the customer's acceptance ({way})"),
        EventKind.SOLUTION_REFUSED: g("{staff} recorded the customer's refusal ({way})"),
        EventKind.SURVEY_ANSWERED: g("{staff} recorded the customer's survey answer ({way})"),
    }
    ways: dict[str, str] = {
        Via.PHONE: g("by phone"),
        Via.COUNTER: g("at the counter"),
        Via.LETTER: g("by letter"),
        Via.EMAIL: g("by email"),
    }
    label = labels.get(kind)
    if label is None:
        return None
    return label.format(staff=staff, way=ways.get(via) or g("outside the chat"))


def role_label(t: NullTranslations, role: Role) -> str:
    g = t.gettext
    labels = {
        Role.STAFF: g("frontline staff"),
        Role.LEAD: g("department lead"),
        Role.MANAGER: g("manager"),
    }
    return labels[role]


def refusal(t: NullTranslations, key: str, params: dict[str, Any], *, staff: bool = False) -> str:
    """A polite sentence for a refusal; unknown keys get a general one, never a crash.
    `staff`: a status in it is named in staff wording."""
    g = t.gettext
    texts = {
        "case.not_found": g("We could not find that case among yours. Please check the number."),
        "case.wrong_status": g("Case {number} cannot do that now; it is {status}."),
        "case.already_taken": g("Case {number} is already being handled by {owner}."),
        "case.busy": g("Someone else changed this case just now. Please try again."),
        "case.closed": g("Case {number} is closed. To complain again, send your message."),
        "case.needs_agreement": g(
            "Case {number} needs a solution the customer has agreed to first."
        ),
        "case.no_approval_needed": g("Case {number} does not need approval."),
        "access.staff_only": g("Only registered staff can do that."),
        "access.role": g("That needs the role: {needed}."),
        "access.department": g("Case {number} belongs to {department}; you cannot act on it."),
        "access.not_handler": g("Only the handler of case {number} or their lead can do that."),
        "access.own_work": g("Someone else must review the work on case {number}."),
        "input.empty": g("Please send some text."),
        "input.too_long": g("Please keep it under {limit} characters."),
        "file.empty_description": g("Please describe what happened in a few words."),
        "file.too_long": g("Please keep it under {limit} characters."),
        "file.unknown_category": g("Please choose one of the options below."),
        "survey.not_open": g("The survey for case {number} is not open."),
        "survey.score_range": g("Please choose a number from 1 to 5."),
        "manage.unknown_department": g("There is no department {department}."),
        "manage.same_department": g("The case is already with {department}."),
        "link.same_case": g("A case cannot be linked to itself ({number})."),
        "link.already": g("Cases {number} and {other} are already one subject."),
        "manage.unknown_grade": g("Grades are: {grades}."),
        "staff.bad_invite": g("That invitation code is not valid or was already used."),
        "staff.already_registered": g("You are already registered as staff."),
        "staff.unknown_command": g("Unknown command."),
        "staff.ambiguous": g(
            "More than one person is called {person}; please write one of: {names}."
        ),
        "assign.closed": g("Case {number} is closed; it cannot be assigned."),
        "assign.unknown": g(
            "No one called {person} can take case {number}. Those who can: {names}."
        ),
        "assign.already": g("{person} already handles case {number}."),
        "away.unknown": g("No one called {person} can stand in for you. Those who can: {names}."),
        "away.self": g("Please name someone else to stand in for you."),
        "away.dates": g("The last day must be today or later, and not before the first."),
        "away.none": g("You have no absence recorded from today on."),
        "access.withdrawn": g(
            "Your staff access to the desk has been withdrawn. "
            "If you think this is a mistake, please ask your lead."
        ),
        "review.duplicate": g("This review was logged before, as case {number}."),
        "review.platform": g("Platforms are: {platforms}."),
        "review.reviewer": g("Please give the reviewer's name (up to 200 characters)."),
        "review.not_review": g("Case {number} is not a review."),
        "review.outcome": g("Say contacted, updated or no_response."),
        "capa.format": g(
            "Please send: root cause | correction | prevention | owner | due date (YYYY-MM-DD)."
        ),
        "capa.past_date": g("The due date {day} has already passed."),
        "capa.needs_valid": g("Case {number} needs findings marked valid first (/valid)."),
        "capa.result": g("Say whether it was effective or ineffective."),
        "capa.none_open": g("Case {number} has no corrective action waiting for verification."),
        "relay.case_closed": g(
            "Case {number} is closed: nothing more can be sent to its customer through it."
        ),
        "relay.no_chat": g(
            "The customer of case {number} has no chat with the desk; "
            "please reach them by phone or in writing."
        ),
        "relay.not_a_case": g(
            "That message is not about a case. To write to a customer, send /reply N text."
        ),
        "canned.unknown": g("There is no canned answer #{wanted} for case {number}. Try: {keys}."),
        "canned.none": g("No canned answers are set up for case {number}."),
        "on_behalf.has_chat": g(
            "The customer of case {number} has a chat with the desk and answers there "
            "themselves (the solution's Accept and Refuse buttons, the survey)."
        ),
        "on_behalf.awaiting_approval": g(
            "The solution for case {number} waits for a manager's approval; the customer "
            "can answer it once it is approved."
        ),
        "staff_file.via": g("Say how the complaint came: {ways}."),
        "staff_file.name": g(
            "The customer's name needs a letter and at most 100 characters (- if anonymous)."
        ),
        "staff_file.contact": g(
            "The contact must be a mobile number (11 digits, e.g. 13812345678), or for a "
            "complaint by email an email address of up to 32 characters (- if none)."
        ),
    }
    text = texts.get(key, g("Sorry, that cannot be done right now."))
    if "roles" in params:
        needed = g(" or ").join(role_label(t, role) for role in params["roles"])
        params = {**params, "needed": needed}
    if params.get("status") in set(CaseStatus):
        label = staff_status_label if staff else status_label
        params = {**params, "status": label(t, CaseStatus(params["status"]))}
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def cannot_read(t: NullTranslations) -> str:
    """For a voice note, sticker, location and the like: said, not silently re-asked."""
    return t.gettext(
        "I can read text, photos and files only. Please write it down, or send a photo."
    )
