"""Stable names stored in the database and shared by every layer (STYLE habit 7)."""

from enum import StrEnum


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    INQUIRY = "inquiry"
    REVIEW = "review"  # a bad review found on an online platform (seed 003, 差评整改)


class Via(StrEnum):
    """How a complaint filed by staff for the customer reached them (seed 001 首问负责制):
    the case's channel, where no chat with the desk exists (issue 13)."""

    PHONE = "phone"
    COUNTER = "counter"
    LETTER = "letter"
    EMAIL = "email"


class ReviewOutcome(StrEnum):
    """How a review case ends, in place of a survey: the reviewer may be unreachable."""

    CONTACTED = "contacted"
    UPDATED = "updated"  # the reviewer changed or removed the review
    NO_RESPONSE = "no_response"


class CaseStatus(StrEnum):
    """The lifecycle of POLICY §4, in order."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    SOLUTION_PROPOSED = "solution_proposed"
    APPROVED = "approved"
    AGREED_BY_CUSTOMER = "agreed_by_customer"
    IMPLEMENTING = "implementing"
    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Validity(StrEnum):
    VALID = "valid"
    INVALID = "invalid"


class Wanted(StrEnum):
    """What the customer wants (POLICY §1)."""

    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    APOLOGY = "apology"
    COMPENSATION = "compensation"
    EXPLANATION = "explanation"
    OTHER = "other"


class Role(StrEnum):
    """Staff roles: frontline staff, department lead, manager (supervision group)."""

    STAFF = "staff"
    LEAD = "lead"
    MANAGER = "manager"


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    PARKED = "parked"


class EventKind(StrEnum):
    """What a timeline event (case_events.kind) records, in the order of POLICY §4."""

    FILED = "filed"
    GRADE_PROPOSED = "grade_proposed"
    ROUTED = "routed"
    TAKEN = "taken"
    NOTE = "note"
    FINDINGS = "findings"
    ASKED_CUSTOMER = "asked_customer"
    CUSTOMER_ADDED = "customer_added"
    CUSTOMER_UNREACHABLE = "customer_unreachable"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    DEADLINE_WARNED = "deadline_warned"  # a ladder rung before the breach (issue 14)
    LINKED = "linked"  # staff marked two cases as one subject (issue 14)
    REGRADED = "regraded"
    REASSIGNED = "reassigned"
    PROGRESS_REPORTED = "progress_reported"
    SOLUTION_PROPOSED = "solution_proposed"
    APPROVED = "approved"
    SENT_BACK = "sent_back"
    SOLUTION_OFFERED = "solution_offered"
    SOLUTION_ACCEPTED = "solution_accepted"
    SOLUTION_REFUSED = "solution_refused"
    IMPLEMENTING = "implementing"
    RESOLVED = "resolved"
    RESOLUTION_REJECTED = "resolution_rejected"
    FOLLOW_UP_STARTED = "follow_up_started"
    SURVEY_SENT = "survey_sent"
    SURVEY_REMINDED = "survey_reminded"
    SURVEY_ANSWERED = "survey_answered"
    CLOSED = "closed"
    CLOSED_WITHOUT_ANSWER = "closed_without_answer"
    REOPENED = "reopened"
    CORRECTIVE_ACTION = "corrective_action"
    ACTION_VERIFIED = "action_verified"
    MARKED_TYPICAL = "marked_typical"
    REVIEW_LOGGED = "review_logged"
    REVIEW_OUTCOME = "review_outcome"
    VIEWED = "viewed"  # staff opened the full case (POLICY §8: every access is recorded)
    IDENTITY_REVEALED = "identity_revealed"
    STAFF_REPLIED = "staff_replied"  # a handler's message or file to the customer (issue 13)
    ASSIGNED = "assigned"  # a lead or manager gave the case to a named person (issue 13)
    RECEIVED_BY_STAFF = "received_by_staff"  # filed by staff for the customer (seed 001)


class Purpose(StrEnum):
    """Why an outbox row was sent, when it is found again later (outbox.purpose,
    message_refs.purpose): a department card edited in place, the managers' digest."""

    CARD = "card"
    DIGEST = "digest"
    TOPIC = "topic"  # a case's forum topic in a department group (issue 13)
