"""All tables of DESIGN §3; importing this module registers them on the metadata."""

from storage.models.cases import (
    Attachment,
    Case,
    CaseCounter,
    CaseEvent,
    Deadline,
    SupportingDepartment,
    Survey,
)
from storage.models.messaging import (
    Conversation,
    DigestRun,
    MessageRef,
    OutboxMessage,
    PlatformToken,
    ProcessedUpdate,
    ServiceWindow,
)
from storage.models.people import Customer, Identity, Staff, StaffInvite

__all__ = [
    "Attachment",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "Conversation",
    "Customer",
    "Deadline",
    "DigestRun",
    "Identity",
    "MessageRef",
    "OutboxMessage",
    "PlatformToken",
    "ProcessedUpdate",
    "ServiceWindow",
    "Staff",
    "StaffInvite",
    "SupportingDepartment",
    "Survey",
]
