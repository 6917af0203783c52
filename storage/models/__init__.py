"""All tables of DESIGN §3; importing this module registers them on the metadata."""

from storage.models.cases import (
    Attachment,
    Case,
    CaseCounter,
    CaseEvent,
    CorrectiveAction,
    Deadline,
    Review,
    SupportingDepartment,
    Survey,
    TypicalCase,
)
from storage.models.messaging import (
    ChatMove,
    Conversation,
    DigestRun,
    Lease,
    MessageRef,
    OutboxMessage,
    PlatformToken,
    ProcessedUpdate,
    ServiceWindow,
)
from storage.models.people import Customer, Identity, Staff, StaffAbsence, StaffInvite
from storage.models.privacy import AuditEntry, TimelineUnlock

__all__ = [
    "Attachment",
    "AuditEntry",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "ChatMove",
    "Conversation",
    "CorrectiveAction",
    "Customer",
    "Deadline",
    "DigestRun",
    "Identity",
    "Lease",
    "MessageRef",
    "OutboxMessage",
    "PlatformToken",
    "ProcessedUpdate",
    "Review",
    "ServiceWindow",
    "Staff",
    "StaffAbsence",
    "StaffInvite",
    "SupportingDepartment",
    "Survey",
    "TimelineUnlock",
    "TypicalCase",
]
