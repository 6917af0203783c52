"""Words for stored names (statuses, refusals) in the reader's language."""

from __future__ import annotations

from gettext import NullTranslations
from typing import Any

from conversations.base.values import CaseStatus, Role


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


def event_label(t: NullTranslations, kind: str) -> str:
    """A timeline event as staff read it (the customer's view has its own wording)."""
    g = t.gettext
    labels = {
        "filed": g("filed"),
        "grade_proposed": g("grade proposed"),
        "routed": g("routed"),
        "taken": g("taken on"),
        "note": g("note"),
        "findings": g("findings recorded"),
        "asked_customer": g("customer asked for information"),
        "customer_added": g("customer added information"),
        "overdue": g("overdue"),
        "escalated": g("escalated to managers"),
        "deadline_warned": g("deadline reminder sent"),
        "linked": g("linked as one subject"),
        "regraded": g("grade changed"),
        "reassigned": g("reassigned"),
        "solution_proposed": g("solution proposed"),
        "approved": g("solution approved"),
        "sent_back": g("solution sent back"),
        "solution_offered": g("solution offered to the customer"),
        "solution_accepted": g("customer accepted the solution"),
        "solution_refused": g("customer refused the solution"),
        "implementing": g("solution being carried out"),
        "resolved": g("resolved"),
        "resolution_rejected": g("resolution rejected on review"),
        "customer_unreachable": g("customer cannot be messaged"),
        "corrective_action": g("corrective action recorded"),
        "action_verified": g("corrective action verified"),
    }
    return labels.get(kind, kind)


def role_label(t: NullTranslations, role: Role) -> str:
    g = t.gettext
    labels = {
        Role.STAFF: g("frontline staff"),
        Role.LEAD: g("department lead"),
        Role.MANAGER: g("manager"),
    }
    return labels[role]


def refusal(t: NullTranslations, key: str, params: dict[str, Any]) -> str:
    """A polite sentence for a refusal; unknown keys get a general one, never a crash."""
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
    }
    text = texts.get(key, g("Sorry, that cannot be done right now."))
    if "roles" in params:
        needed = g(" or ").join(role_label(t, role) for role in params["roles"])
        params = {**params, "needed": needed}
    if params.get("status") in set(CaseStatus):
        params = {**params, "status": status_label(t, CaseStatus(params["status"]))}
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def cannot_read(t: NullTranslations) -> str:
    """For a voice note, sticker, location and the like: said, not silently re-asked."""
    return t.gettext(
        "I can read text, photos and files only. Please write it down, or send a photo."
    )
