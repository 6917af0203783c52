"""What a dialogue asks the use cases to do. Flows decide; handlers carry out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from conversations.base.messages import Media
from conversations.base.values import CaseKind, Validity, Wanted


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
class StaffAction(CaseIntent):
    """A staff command on a case: `action` names the use case, `args` its inputs."""

    action: str = ""
    args: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Findings(CaseIntent):
    validity: Validity = Validity.VALID
    summary: str = ""


@dataclass(frozen=True)
class LogReview:
    platform: str
    category: str
    reviewer: str
    text: str
    rating: int | None = None
    link: str | None = None


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
    | StaffAction
    | Findings
    | LogReview
)
