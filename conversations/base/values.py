"""Stable names stored in the database and shared by every layer (STYLE habit 7)."""

from enum import StrEnum


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    INQUIRY = "inquiry"
    REVIEW = "review"  # a bad review found on an online platform (seed 003, 差评整改)


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
