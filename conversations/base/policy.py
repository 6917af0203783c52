"""The business policy (POLICY.md) as validated configuration.

Every rule value the software enforces lives here, read from the TOML file, so code holds
no business constants. These are plain values: any layer may read them.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)


class Step(StrEnum):
    """Service-level steps that carry a deadline (POLICY §5)."""

    ACKNOWLEDGE = "acknowledge"
    PROPOSE = "propose"
    IMPLEMENT = "implement"
    FOLLOW_UP = "follow_up"
    ANSWER = "answer"
    VERIFY = "verify"  # a corrective action's effectiveness is checked


class Language(StrEnum):
    ZH_HANS = "zh_Hans"
    ZH_HANT = "zh_Hant"
    EN = "en"


_SPAN = re.compile(
    r"^\s*(?P<amount>\d+(?:\.\d+)?)\s+(?P<working>working\s+)?"
    r"(?P<unit>second|minute|hour|day)s?\s*$"
)
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class Span(BaseModel):
    """A deadline length: calendar time, or working time of the business calendar."""

    model_config = ConfigDict(frozen=True)

    amount: float
    unit: str
    working: bool

    @classmethod
    def parse(cls, text: str) -> Span:
        match = _SPAN.match(text)
        if match is None:
            msg = (
                f"cannot read {text!r}: write '<number> [working] <unit>', "
                "e.g. '4 working hours', '30 minutes', '2 working days'"
            )
            raise ValueError(msg)
        return cls(
            amount=float(match["amount"]), unit=match["unit"], working=bool(match["working"])
        )

    def calendar(self) -> timedelta:
        """The length in plain time (for calendar spans)."""
        return timedelta(seconds=self.amount * _UNIT_SECONDS[self.unit])

    def __str__(self) -> str:
        working = "working " if self.working else ""
        return f"{self.amount:g} {working}{self.unit}s"


def _span(value: object) -> object:
    return Span.parse(value) if isinstance(value, str) else value


SpanField = Annotated[Span, BeforeValidator(_span)]
Names = dict[Language, str]


class Strict(BaseModel):
    """Base for config sections: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(Strict):
    key: str
    names: Names
    chats: dict[str, str] = Field({}, description="channel -> group chat for alerts")


class Category(Strict):
    key: str
    names: Names
    department: str = Field(description="lead department (POLICY §3 routing)")
    supporting: list[str] = []


class Threshold(Strict):
    count: int = Field(gt=0)
    grade: str


class Grading(Strict):
    grades: list[str] = Field(min_length=2, description="lowest first")
    approval_from: str
    managers_alerted_from: str
    danger_words: list[str] = []
    danger_grade: str
    collective_window_days: int = Field(30, gt=0)
    collective: list[Threshold] = []
    unresolved_days: list[Threshold] = []
    second_complaint_grade: str
    progress_reports_from: str | None = Field(
        None, description="open cases from this grade up report progress; default approval_from"
    )
    names: dict[str, Names] = Field({}, description="grade -> name per language")

    @model_validator(mode="after")
    def _grades_known(self) -> Self:
        named = [self.approval_from, self.managers_alerted_from, self.danger_grade]
        named.append(self.progress_from)
        named += [t.grade for t in (*self.collective, *self.unresolved_days)]
        named.append(self.second_complaint_grade)
        for grade in named:
            if grade not in self.grades:
                msg = f"grade {grade!r} is not one of grading.grades {self.grades}"
                raise ValueError(msg)
        return self

    @property
    def progress_from(self) -> str:
        """The lowest grade whose open cases report progress to customer service."""
        return self.progress_reports_from or self.approval_from

    def label(self, grade: str, language: Language) -> str:
        return self.names.get(grade, {}).get(language, grade)

    def rank(self, grade: str) -> int:
        return self.grades.index(grade)

    def at_least(self, grade: str, floor: str) -> str:
        """The higher of two grades."""
        return grade if self.rank(grade) >= self.rank(floor) else floor


class Closure(Strict):
    start: date
    end: date
    reason: str = ""


def _hhmm(value: str) -> time:
    return time.fromisoformat(value)


class Calendar(Strict):
    """Working time: hours, weekends, region holidays, config additions (DESIGN §5)."""

    timezone: str = "Asia/Shanghai"
    region: str = Field("CN", description="'CN' uses the chinesecalendar package; 'none' skips")
    working_hours: list[tuple[str, str]] = [("09:00", "18:00")]
    weekend: list[int] = Field([5, 6], description="ISO weekday numbers minus one; 5,6 = Sat,Sun")
    holidays: list[date] = Field([], description="extra days off, e.g. a year not yet published")
    workdays: list[date] = Field([], description="extra make-up working days (调休)")
    closures: list[Closure] = []

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            msg = f"unknown time zone {value!r}"
            raise ValueError(msg) from error
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours_ordered(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        previous = time.min
        for start, end in value:
            begin, finish = _hhmm(start), _hhmm(end)
            if not previous <= begin < finish:
                msg = f"working hours {start}-{end} must be ordered and not overlap"
                raise ValueError(msg)
            previous = finish
        if not value:
            raise ValueError("at least one working-hours interval is needed")
        return value

    def intervals(self) -> list[tuple[time, time]]:
        return [(_hhmm(start), _hhmm(end)) for start, end in self.working_hours]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Escalation(Strict):
    """Overdue ladder (POLICY §5): who is told, how long after the deadline."""

    manager_after: SpanField = Span(amount=2, unit="hour", working=True)


class Recipient(Strict):
    channel: str
    chat: str


class Digest(Strict):
    """The managers' daily digest (POLICY §7): when, to whom, how long the lists are."""

    at: str = Field("08:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="local time")
    recipients: list[Recipient] = Field(
        [], description="default: the chats of the manager department"
    )
    top: int = Field(10, ge=1, le=50)
    trend_days: int = Field(14, ge=2, le=60)

    @property
    def send_time(self) -> time:
        return time.fromisoformat(self.at)


class Corrective(Strict):
    """Corrective and preventive actions (seeds 001, 003): when their effect is verified."""

    verify_after: SpanField = Span(amount=30, unit="day", working=False)


class Measures(Strict):
    satisfied_from: int = Field(4, ge=1, le=5)


class RosterEntry(Strict):
    """A staff member from the config file, with their account on each channel."""

    name: str = Field(min_length=1, max_length=200)
    department: str
    role: str = Field("staff", pattern=r"^(staff|lead|manager)$")
    accounts: dict[str, str] = Field({}, description="channel -> user id, e.g. telegram")


class Policy(Strict):
    """Everything POLICY.md leaves to configuration, validated as one piece."""

    case_prefix: str = Field("TS", pattern=r"^[A-Z]{1,6}$")
    default_language: Language = Language.ZH_HANS
    departments: list[Department] = Field(min_length=1)
    manager_department: str
    service_department: str = Field(description="customer service: intake and follow-up")
    categories: list[Category] = Field(min_length=1)
    grading: Grading
    deadlines: dict[str, dict[Step, SpanField]]
    calendar: Calendar = Calendar()
    escalation: Escalation = Escalation()
    measures: Measures = Measures()
    digest: Digest = Digest()
    corrective: Corrective = Corrective()
    complainant_types: dict[str, Names] = Field(
        {
            "customer": {
                Language.ZH_HANS: "顾客",
                Language.ZH_HANT: "顧客",
                Language.EN: "Customer",
            },
            "resident": {
                Language.ZH_HANS: "业主/住户",
                Language.ZH_HANT: "業主/住戶",
                Language.EN: "Resident or owner",
            },
            "employee": {
                Language.ZH_HANS: "员工/合作方",
                Language.ZH_HANT: "員工/合作方",
                Language.EN: "Employee or partner",
            },
            "other": {Language.ZH_HANS: "其他", Language.ZH_HANT: "其他", Language.EN: "Other"},
        },
        description="who is complaining (seed 002); the first is the default",
    )
    review_platforms: dict[str, Names] = Field(
        {
            "dianping": {
                Language.ZH_HANS: "大众点评",
                Language.ZH_HANT: "大眾點評",
                Language.EN: "Dianping",
            },
            "meituan": {Language.ZH_HANS: "美团", Language.ZH_HANT: "美團", Language.EN: "Meituan"},
            "taobao": {
                Language.ZH_HANS: "淘宝/天猫",
                Language.ZH_HANT: "淘寶/天貓",
                Language.EN: "Taobao/Tmall",
            },
            "jd": {Language.ZH_HANS: "京东", Language.ZH_HANT: "京東", Language.EN: "JD"},
            "douyin": {Language.ZH_HANS: "抖音", Language.ZH_HANT: "抖音", Language.EN: "Douyin"},
            "xiaohongshu": {
                Language.ZH_HANS: "小红书",
                Language.ZH_HANT: "小紅書",
                Language.EN: "Xiaohongshu",
            },
            "amap": {
                Language.ZH_HANS: "高德地图",
                Language.ZH_HANT: "高德地圖",
                Language.EN: "Amap",
            },
            "other": {Language.ZH_HANS: "其他", Language.ZH_HANT: "其他", Language.EN: "Other"},
        },
        description="where bad reviews are found (seed 003)",
    )
    conversation_idle: SpanField = Span(amount=60, unit="minute", working=False)
    survey_reminder_after: SpanField = Span(amount=1, unit="day", working=True)
    progress_report_every: SpanField = Span(amount=1, unit="day", working=True)
    staff: list[RosterEntry] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> Self:
        known = {d.key for d in self.departments}
        for role in ("manager_department", "service_department"):
            if getattr(self, role) not in known:
                msg = f"{role} {getattr(self, role)!r} is not a department"
                raise ValueError(msg)
        for category in self.categories:
            for key in (category.department, *category.supporting):
                if key not in known:
                    msg = f"category {category.key!r} routes to unknown department {key!r}"
                    raise ValueError(msg)
        for member in self.staff:
            if member.department not in known:
                msg = f"staff {member.name!r} is in unknown department {member.department!r}"
                raise ValueError(msg)
        for grade in self.grading.grades:
            if grade not in self.deadlines:
                msg = f"deadlines.{grade} is missing: every grade needs its deadlines"
                raise ValueError(msg)
        return self

    def department(self, key: str) -> Department:
        for department in self.departments:
            if department.key == key:
                return department
        msg = f"unknown department {key!r}"
        raise KeyError(msg)

    def digest_recipients(self) -> list[Recipient]:
        if self.digest.recipients:
            return list(self.digest.recipients)
        chats = self.department(self.manager_department).chats
        return [Recipient(channel=channel, chat=chat) for channel, chat in chats.items()]

    def category(self, key: str) -> Category:
        for category in self.categories:
            if category.key == key:
                return category
        msg = f"unknown category {key!r}"
        raise KeyError(msg)

    def deadline(self, grade: str, step: Step) -> Span | None:
        return self.deadlines.get(grade, {}).get(step)
