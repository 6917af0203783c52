"""The business policy (POLICY.md) as validated configuration.

Every rule value the software enforces lives here, read from the TOML file, so code holds
no business constants. These are plain values: any layer may read them.
"""

from __future__ import annotations

import re
import string
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cached_property
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

from conversations.base import phrase_list
from conversations.base.phrases import Phrases
from conversations.base.privacy import Privacy
from conversations.base.retention import Retention


class Step(StrEnum):
    """Service-level steps that carry a deadline (POLICY §5)."""

    ACKNOWLEDGE = "acknowledge"
    PROPOSE = "propose"
    IMPLEMENT = "implement"
    FOLLOW_UP = "follow_up"
    ANSWER = "answer"
    VERIFY = "verify"  # a corrective action's effectiveness is checked
    INVESTIGATE = "investigate"  # investigation started (seed 002: within 1 working day)
    ACCEPT = "accept"  # the customer decides on a proposed solution (hospital: 7 days)
    RESOLVE = "resolve"  # the whole case resolved (seed 002: price 3 days, quality a week)


# Steps every case of a kind starts, so each needs a deadline for every grade and category;
# the others (investigate, accept, resolve) run only where a deadline is configured.
REQUIRED_STEPS: dict[str, tuple[Step, ...]] = {
    "complaint": (Step.ACKNOWLEDGE, Step.PROPOSE, Step.IMPLEMENT, Step.FOLLOW_UP),
    "suggestion": (Step.ACKNOWLEDGE, Step.PROPOSE, Step.IMPLEMENT, Step.FOLLOW_UP),
    "review": (Step.ACKNOWLEDGE, Step.PROPOSE, Step.IMPLEMENT, Step.FOLLOW_UP),
    "inquiry": (Step.ACKNOWLEDGE, Step.ANSWER, Step.FOLLOW_UP),
}


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
    topics: bool = Field(
        False, description="its Telegram group is a forum supergroup: one topic per case"
    )


class Category(Strict):
    key: str
    names: Names
    department: str = Field(description="lead department (POLICY §3 routing)")
    supporting: list[str] = []
    # What the story reader (conversations/story.py, issue 19) looks for in a customer's
    # story: phrases say what is wrong ('多收费', 'rude'); topics what it is about ('账单',
    # 'parcel') and weigh less, so a price complaint about a smoke alarm is billing.
    phrases: dict[Language, list[str]] = Field(
        {}, description="words of a customer's story saying what is wrong in this category"
    )
    topics: dict[Language, list[str]] = Field(
        {}, description="words naming what such stories are about; they weigh less"
    )
    near_misses: dict[Language, list[str]] = Field(
        {}, description="texts inside which a phrase or topic does not count ('准时送到')"
    )
    weight: float = Field(
        1.0, gt=0, le=5, description="how much its words count: above 1 where they decide (safety)"
    )


class Threshold(Strict):
    count: int = Field(gt=0)
    grade: str


class Grading(Strict):
    grades: list[str] = Field(min_length=2, description="lowest first")
    approval_from: str
    managers_alerted_from: str
    danger_words: list[str] = Field([], description="added to the maintained phrase list")
    danger_near_misses: list[str] = Field([], description="texts in which a phrase does not count")
    danger_defaults: bool = Field(True, description="false: the words listed here only")
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

    @cached_property
    def danger_phrases(self) -> Phrases:
        """The maintained list (conversations/base/phrase_list.py) with this config's words
        and near-misses, compiled once (issue 14)."""
        counting = [*(phrase_list.COUNTING if self.danger_defaults else ()), *self.danger_words]
        near = [*(phrase_list.NEAR_MISSES if self.danger_defaults else ())]
        return Phrases(counting, [*near, *self.danger_near_misses])

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


class Audience(StrEnum):
    """Who a rung of the escalation ladder tells."""

    HANDLER = "handler"  # the case's handler; the department group while nobody took it
    LEAD = "lead"  # the department's leads; the department group if it has none
    DEPARTMENT = "department"  # the department's group chat
    MANAGERS = "managers"


class Rung(Strict):
    """One rung: a warning at a share of the step's length before the breach (`before`),
    or an alert `after` the breach ("0 minutes" = at the breach). Each fires once."""

    before: float | None = Field(None, gt=0, lt=1, description="share of the step, e.g. 0.75")
    after: SpanField | None = None
    notify: list[Audience] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_time(self) -> Self:
        if (self.before is None) == (self.after is None):
            raise ValueError("a rung has either `before` (a share) or `after` (a span)")
        if self.after is not None and self.after.amount < 0:
            raise ValueError("`after` cannot be negative: use `before` for a warning")
        return self

    @property
    def at_breach(self) -> bool:
        return self.after is not None and self.after.amount == 0


class Escalation(Strict):
    """The ladder (POLICY §5): warnings before a breach, then who is told, how long after.
    Without `ladder`: the handler and the group at the breach, managers `manager_after`."""

    manager_after: SpanField = Span(amount=2, unit="hour", working=True)
    ladder: list[Rung] = []

    def rungs(self) -> list[Rung]:
        """Warnings first (earliest share first), then the breach rungs in the order given;
        a rung's place in this list (from 1) is the escalation level of its rows."""
        ladder = self.ladder or [
            Rung(
                after=Span(amount=0, unit="minute", working=False),
                notify=[Audience.HANDLER, Audience.DEPARTMENT],
            ),
            Rung(after=self.manager_after, notify=[Audience.MANAGERS]),
        ]
        warnings = sorted((r for r in ladder if r.before is not None), key=_share)
        return [*warnings, *(r for r in ladder if r.after is not None)]


def _share(rung: Rung) -> float:
    return rung.before or 0.0


class DeadlineRule(Strict):
    """A deadline for some cases only (POLICY §5, the seeds): the first rule whose every
    given condition the case meets wins over the per-grade table."""

    step: Step
    span: SpanField
    grades: list[str] = Field([], description="empty: every grade")
    categories: list[str] = Field([], description="empty: every category")
    kinds: list[str] = Field([], description="complaint, suggestion, inquiry, review")
    cross_department: bool | None = Field(None, description="the category has supporting ones")

    def matches(self, case: CaseFacts, step: Step) -> bool:
        return (
            step == self.step
            and (not self.grades or case.grade in self.grades)
            and (not self.categories or case.category in self.categories)
            and (not self.kinds or case.kind in self.kinds)
            and self.cross_department in (None, case.cross_department)
        )


class CaseFacts(BaseModel):
    """What a case's deadlines depend on."""

    model_config = ConfigDict(frozen=True)

    grade: str
    category: str = ""
    kind: str = "complaint"
    cross_department: bool = False


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


CANNED_PLACEHOLDERS = ("name", "number", "due")


def placeholders(template: str) -> set[str]:
    """The `{field}` names a template uses; a malformed brace, a conversion or a format
    spec is an error (a canned text is shown to customers as written)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        msg = f"cannot read {template[:40]!r}: {error} (write {{{{ or }}}} for a brace)"
        raise ValueError(msg) from None
    names = set()
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion:
            msg = f"write {{{field}}} without a format or conversion"
            raise ValueError(msg)
        names.add(field)
    return names


class CannedAnswer(Strict):
    """A ready answer staff send with `/reply N #key` (issue 13): one text per language,
    with {name}, {number} and {due} filled in the customer's language when sent."""

    key: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    categories: list[str] = Field([], description="empty: every category")
    texts: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        languages = [language.value for language in Language]
        unknown = sorted(set(self.texts) - set(languages))
        if unknown:
            msg = f"canned answer {self.key!r}: unknown language(s) {unknown}; use {languages}"
            raise ValueError(msg)
        missing = [code for code in languages if not self.texts.get(code, "").strip()]
        if missing:
            msg = f"canned answer {self.key!r} has no text in {missing}: each needs {languages}"
            raise ValueError(msg)
        for code, text in self.texts.items():
            try:
                extra = sorted(placeholders(text) - set(CANNED_PLACEHOLDERS))
            except ValueError as error:
                msg = f"canned answer {self.key!r} ({code}): {error}"
                raise ValueError(msg) from None
            if extra:
                msg = (
                    f"canned answer {self.key!r} ({code}) uses unknown placeholder(s) {extra}; "
                    f"known: {list(CANNED_PLACEHOLDERS)}"
                )
                raise ValueError(msg)
        return self

    def fits(self, category: str) -> bool:
        return not self.categories or category in self.categories

    def text(self, language: Language) -> str:
        return self.texts[language.value]

    def render(self, language: Language, name: str, number: str, due: str) -> str:
        """The text in `language` with its placeholders filled (validated at load)."""
        return self.text(language).format(name=name, number=number, due=due)


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
    deadline_rules: list[DeadlineRule] = Field(
        [], description="per category, kind, cross-department; the first match wins"
    )
    calendar: Calendar = Calendar()
    escalation: Escalation = Escalation()
    measures: Measures = Measures()
    digest: Digest = Digest()
    corrective: Corrective = Corrective()
    retention: Retention = Retention()  # issue 15
    privacy: Privacy = Privacy()  # issue 15: phone regions recognised in free text
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
    canned: list[CannedAnswer] = Field([], description="answers sent with /reply N #key")

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
        self._rules_resolve()
        self._canned_resolve()
        return self

    def _canned_resolve(self) -> None:
        categories, seen = {c.key for c in self.categories}, set()
        for answer in self.canned:
            if answer.key in seen:
                msg = f"canned answer {answer.key!r} is defined twice: keys must be unique"
                raise ValueError(msg)
            seen.add(answer.key)
            unknown = sorted(set(answer.categories) - categories)
            if unknown:
                msg = (
                    f"canned answer {answer.key!r} names unknown categories {unknown}; "
                    f"known {sorted(categories)}"
                )
                raise ValueError(msg)

    def canned_for(self, category: str | None = None) -> list[CannedAnswer]:
        """The canned answers, those fitting `category` when one is given."""
        return [a for a in self.canned if category is None or a.fits(category)]

    def _rules_resolve(self) -> None:
        categories = {c.key for c in self.categories}
        for index, rule in enumerate(self.deadline_rules):
            for name, given, known in (
                ("grades", rule.grades, set(self.grading.grades)),
                ("categories", rule.categories, categories),
                ("kinds", rule.kinds, set(REQUIRED_STEPS)),
            ):
                unknown = sorted(set(given) - known)
                if unknown:
                    msg = f"deadline_rules.{index}.{name}: unknown {unknown}; known {sorted(known)}"
                    raise ValueError(msg)

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

    def deadline(self, grade: str, step: Step, case: CaseFacts | None = None) -> Span | None:
        """The span of `step` for a case: the first matching rule, else the grade's table."""
        facts = case or CaseFacts(grade=grade)
        for rule in self.deadline_rules:
            if rule.matches(facts, step):
                return rule.span
        return self.deadlines.get(facts.grade, {}).get(step)

    def facts(self, grade: str, category: str, kind: str) -> CaseFacts:
        """The deadline-relevant facts of a case (cross-department: supporting departments)."""
        try:
            cross = bool(self.category(category).supporting)
        except KeyError:
            cross = False
        return CaseFacts(grade=grade, category=category, kind=kind, cross_department=cross)

    def missing_deadlines(self) -> dict[tuple[str, Step], list[str]]:
        """(grade, step) -> the 'kind in category' combinations a case would start with no
        deadline for (filing or the step would fail); empty when every one has one."""
        missing: dict[tuple[str, Step], list[str]] = {}
        for grade in self.grading.grades:
            for category in self.categories:
                for kind, steps in REQUIRED_STEPS.items():
                    facts = self.facts(grade, category.key, kind)
                    for step in steps:
                        if self.deadline(grade, step, facts) is None:
                            missing.setdefault((grade, step), []).append(
                                f"{kind} in {category.key}"
                            )
        return missing
