"""What a dialogue asks the use cases to do. Flows decide; handlers carry out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from conversations.base.messages import Media
from conversations.base.values import CaseKind, ReviewOutcome, Validity, Wanted


@dataclass(frozen=True)
class FileCase:
    kind: CaseKind
    category: str
    description: str
    wanted: Wanted | None = None
    order_ref: str | None = None
    occurred_on: date | None = None
    name: str | None = None
    phone: str | None = None
    media: tuple[Media, ...] = ()
    source: str | None = None
    complainant_type: str | None = None
    confidential: bool = False
    anonymous: bool = False  # filed without a name (none given, or Skip; issue 19)


@dataclass(frozen=True)
class CaseIntent:
    """Base for intents about one case, named by its number."""

    number: str


@dataclass(frozen=True)
class ShowCases:
    """The sender's own cases (customer) or open work (staff)."""


@dataclass(frozen=True)
class ShowCase(CaseIntent):
    pass


@dataclass(frozen=True)
class FindCases:
    """Staff looking a case up by case or order number, phone or customer name."""

    text: str


@dataclass(frozen=True)
class AddInfo(CaseIntent):
    text: str = ""
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class Accept(CaseIntent):
    pass


@dataclass(frozen=True)
class Refuse(CaseIntent):
    reason: str = ""


@dataclass(frozen=True)
class AnswerSurvey(CaseIntent):
    solved: bool = True
    score: int = 5
    comment: str = ""


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class Register:
    code: str


@dataclass(frozen=True)
class SignIn:
    """Staff ask for a one-time sign-in link to the desk's pages (issue 16: /signin)."""


@dataclass(frozen=True)
class MyData:
    """/mydata: the customer asks what the desk holds about them (issue 15)."""


@dataclass(frozen=True)
class ForgetMe:
    """/forgetme: asked first, carried out when `confirmed` (issue 15)."""

    confirmed: bool = False


@dataclass(frozen=True)
class Findings(CaseIntent):
    """What was found, whose fault it is (validity) and why (POLICY §4, investigating)."""

    validity: Validity = Validity.VALID
    summary: str = ""
    root_cause: str = ""


@dataclass(frozen=True)
class LogReview:
    """A bad review to log as a case (seed 003), typed in chat or imported from a file."""

    platform: str
    reviewer: str
    text: str
    rating: int | None = None
    link: str | None = None
    reviewed_at: datetime | None = None
    category: str = "other"
    order_ref: str | None = None

    @property
    def source_key(self) -> str:
        """What makes a review the same review on a re-import: its link, else who, when
        and what."""
        if self.link:
            return self.link[:500]
        digest = hashlib.sha1(self.text.encode()).hexdigest()[:16]
        when = self.reviewed_at.isoformat() if self.reviewed_at else ""
        return f"{self.reviewer}|{when}|{digest}"[:500]


# -- staff actions on a case: one type each, fields already parsed -------------------


@dataclass(frozen=True)
class ReplyToCustomer(CaseIntent):
    """`/reply N text`, `/reply N #key` (a canned answer), or a photo or file captioned
    `/reply N`: a message from the handler to the case's customer (issue 13)."""

    text: str = ""
    canned: str = ""
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class ReplyInChat:
    """Staff wrote where the case is implied: a Telegram reply (`quoted`: the id of the
    bot's message answered) in their private chat, or a message in a case's forum topic
    (`chat` is then 'group:thread', `quoted` may be None). The use case finds the case."""

    chat: str
    quoted: str | None = None
    text: str = ""
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class ListCanned:
    """`/canned [N]`: the canned answers, for case N's category when a number is given."""

    number: str | None = None


@dataclass(frozen=True)
class Assign(CaseIntent):
    """`/assign N person`: a lead or manager gives the case to a named person."""

    person: str = ""


@dataclass(frozen=True)
class Away:
    """`/away FROM TO substitute`: the sender is away those days (inclusive); their alerts
    and new assignments go to the substitute meanwhile. `/away off` cancels (cancel=True)."""

    starts_on: date = date.min
    ends_on: date = date.min
    substitute: str = ""
    cancel: bool = False


@dataclass(frozen=True)
class FileOnBehalf:
    """First-contact ownership (seed 001 首问负责制): staff file a complaint they took by
    `via` (phone, counter, letter, email) for the customer named in `filing`; the sender
    owns the case until the department takes it."""

    via: str
    filing: FileCase


@dataclass(frozen=True)
class Take(CaseIntent):
    pass


@dataclass(frozen=True)
class AddNote(CaseIntent):
    text: str = ""


@dataclass(frozen=True)
class AskCustomer(CaseIntent):
    question: str = ""


@dataclass(frozen=True)
class Propose(CaseIntent):
    solution: str = ""


@dataclass(frozen=True)
class Approve(CaseIntent):
    pass


@dataclass(frozen=True)
class SendBack(CaseIntent):
    reason: str = ""


@dataclass(frozen=True)
class StartWork(CaseIntent):
    pass


@dataclass(frozen=True)
class Resolve(CaseIntent):
    summary: str = ""


@dataclass(frozen=True)
class Review(CaseIntent):
    pass


@dataclass(frozen=True)
class RejectResolution(CaseIntent):
    reason: str = ""


@dataclass(frozen=True)
class CloseUnanswered(CaseIntent):
    pass


@dataclass(frozen=True)
class Reassign(CaseIntent):
    department: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Regrade(CaseIntent):
    grade: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Link(CaseIntent):
    """`/link N M`: case M is the same subject as case N (issue 14)."""

    other: str = ""


@dataclass(frozen=True)
class MarkTypical(CaseIntent):
    lesson: str = ""


@dataclass(frozen=True)
class RecordCapa(CaseIntent):
    """Corrective and preventive action: cause, correction, prevention, owner, due day."""

    root_cause: str = ""
    corrective: str = ""
    preventive: str = ""
    owner: str = ""
    due_on: date = date.min


class Verification(StrEnum):
    EFFECTIVE = "effective"
    INEFFECTIVE = "ineffective"


@dataclass(frozen=True)
class Verify(CaseIntent):
    result: Verification = Verification.EFFECTIVE
    note: str = ""


@dataclass(frozen=True)
class RecordOutcome(CaseIntent):
    outcome: ReviewOutcome = ReviewOutcome.CONTACTED
    note: str = ""


# -- a customer with no chat answers through staff (first-contact ownership) --------


@dataclass(frozen=True)
class RecordAccepted(CaseIntent):
    """`/accepted N`: the customer, who has no chat with the desk, accepted the proposed
    solution by phone or in person; staff record it for them."""


@dataclass(frozen=True)
class RecordRefused(CaseIntent):
    """`/refused N reason`: that customer refused it, for the reason they gave."""

    reason: str = ""


@dataclass(frozen=True)
class RecordSurvey(CaseIntent):
    """`/rated N solved|unsolved SCORE [comment]`: that customer's survey answer."""

    solved: bool = True
    score: int = 5
    comment: str = ""


StaffIntent = (
    Take
    | AddNote
    | AskCustomer
    | Propose
    | Approve
    | SendBack
    | StartWork
    | Resolve
    | Review
    | RejectResolution
    | CloseUnanswered
    | Reassign
    | Regrade
    | Link
    | MarkTypical
    | RecordCapa
    | Verify
    | RecordOutcome
    | Findings
    | LogReview
    | ReplyToCustomer
    | ReplyInChat
    | ListCanned
    | Assign
    | Away
    | FileOnBehalf
    | RecordAccepted
    | RecordRefused
    | RecordSurvey
)

Intent = (
    FileCase
    | ShowCases
    | ShowCase
    | FindCases
    | AddInfo
    | Accept
    | Refuse
    | AnswerSurvey
    | SetLanguage
    | Register
    | SignIn
    | MyData
    | ForgetMe
    | StaffIntent
)
