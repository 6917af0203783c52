"""The essential statements of one inbound update, written once for both hand-written
references (benchmarks/inbound_sqlite.py, benchmarks/inbound_asyncpg.py).

A turn is a generator: it yields each statement and is sent back the rows it returned,
so the sqlite3 and the asyncpg reference run the very same statements. The dialogue step,
the wording, the grading and the working-time deadlines are the desk's own pure functions
(conversations/, handlers/file.py, handlers/grading.py, handlers/alerts.py), so the
references differ from the desk in storage only. Statements of a customer's update:
claim the update id; one joined read of identity, customer and conversation (new
customers add two inserts); for a filing, one read (phone, repeat and collective checks),
the month's counter, the case, its events, deadlines and supporting departments, and
(rarely) the raise of other cases on the same subject; the conversation upsert; one outbox
insert for everything the update queues. Only the intents these updates produce (filing)
are carried out; any other raises, so a benchmark cannot silently skip work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conversations import customer, notices
from conversations.base.i18n import language_of, translation
from conversations.base.messages import Inbound, Option, Reply
from conversations.base.policy import Language
from conversations.base.privacy import mask_phones_in
from conversations.base.values import (
    ActorKind,
    CaseStatus,
    EventKind,
    OutboxStatus,
    Purpose,
)
from conversations.intents import FileCase
from conversations.state import Context, State
from conversations.wording import status_label
from handlers.alerts import card_choices
from handlers.common import due_words, local_time, summary_of
from handlers.desk import Desk
from handlers.file import NewCase, _deadline_rows, subject_key
from handlers.grading import collective_reason, danger_words_in, reason_words, threshold_grade
from notifications.notices import payload
from storage.models import Case


@dataclass(frozen=True)
class Statement:
    """SQL with `?` placeholders and its parameters (a list of rows when `many`)."""

    sql: str
    params: Sequence[Any]
    many: bool = False


Rows = list[tuple[Any, ...]]
Turn = Generator[Statement, Rows, list[Reply]]


@dataclass(frozen=True)
class Flavour:
    """How a driver wants times and days passed (SQLite: text as SQLAlchemy stores it)."""

    time: Callable[[datetime], Any]
    day: Callable[[date], Any]
    lock: str  # appended to the joined read: the chat's turn is taken once


CLAIM = (
    "INSERT INTO processed_updates (channel, update_id, processed_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING RETURNING update_id"
)
READ_TURN = (
    "SELECT c.id, c.name, c.language, v.flow, v.step, v.data, v.expires_at, "
    "(SELECT count(*) FROM cases o WHERE o.customer_id = c.id AND o.status != 'closed') "
    "FROM identities i JOIN customers c ON c.id = i.customer_id "
    "LEFT JOIN conversations v ON v.channel = i.channel AND v.chat_id = ? "
    "WHERE i.channel = ? AND i.external_id = ?"
)
OPEN_NUMBERS = (
    "SELECT number FROM cases WHERE customer_id = ? AND status != 'closed' ORDER BY id DESC LIMIT 3"
)
NEW_CUSTOMER = "INSERT INTO customers (name, language, created_at) VALUES (?, ?, ?) RETURNING id"
NEW_IDENTITY = (
    "INSERT INTO identities (channel, external_id, customer_id, created_at) VALUES (?, ?, ?, ?)"
)
SAVE_STATE = (
    "INSERT INTO conversations (channel, chat_id, flow, step, data, last_options, "
    "expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (channel, chat_id) DO UPDATE SET flow = excluded.flow, "
    "step = excluded.step, data = excluded.data, last_options = excluded.last_options, "
    "expires_at = excluded.expires_at, updated_at = excluded.updated_at"
)
QUEUE = (
    "INSERT INTO outbox (channel, chat_id, case_id, purpose, payload, status, attempts, "
    "parts_sent, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)"
)
FACTS = (
    "SELECT c.phone, EXISTS (SELECT 1 FROM cases o WHERE o.customer_id = c.id "
    "AND o.category = ? AND o.created_at >= ? "
    "AND (CAST(? AS VARCHAR) IS NULL OR o.subject_key = ?)), "
    "(SELECT count(DISTINCT CASE WHEN o.customer_id != c.id THEN o.customer_id END) "
    "FROM cases o WHERE o.category = ? AND o.subject_key = ? AND o.created_at >= ?) "
    "FROM customers c WHERE c.id = ?"
)
RENAME = "UPDATE customers SET name = ?, phone = ? WHERE id = ?"
COUNTER = (
    "INSERT INTO case_counters (prefix, period, last_serial) VALUES (?, ?, 1) "
    "ON CONFLICT (prefix, period) DO UPDATE SET last_serial = case_counters.last_serial + 1 "
    "RETURNING last_serial"
)
NEW_CASE = (
    "INSERT INTO cases (number, kind, category, severity, proposed_severity, urgency, "
    "status, department, customer_id, subject_key, description, wanted, order_ref, "
    "occurred_on, channel, source, waiting_on_customer, is_repeat, complainant_type, "
    "confidential, reopen_count, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 1) "
    "RETURNING id"
)
EVENTS = (
    "INSERT INTO case_events (case_id, at, actor_kind, actor_id, kind, customer_visible, "
    "data) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
DEADLINES = (
    "INSERT INTO deadlines (case_id, step, due_at, working, escalation_level, set_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
SUPPORTING = "INSERT INTO case_departments (case_id, department) VALUES (?, ?)"
ON_SUBJECT = (
    "SELECT id, number, severity, department FROM cases "
    "WHERE category = ? AND subject_key = ? AND status != 'closed'"
)
RAISE = "UPDATE cases SET severity = ?, updated_at = ?, version = version + 1 WHERE id = ?"


@dataclass
class _Queued:
    """What one update queues, written in one statement at its end."""

    rows: list[tuple[Any, ...]]

    def add(self, chat: tuple[str, str], text: str, options: Sequence[Option], **more: Any) -> None:
        body = payload(text, options)
        body.update(more.pop("extra", {}))
        case_id, purpose = more.get("case_id"), more.get("purpose")
        self.rows.append((*chat, case_id, purpose, json.dumps(body), OutboxStatus.PENDING.value))


def turn(desk: Desk, inbound: Inbound, now: datetime, flavour: Flavour) -> Turn:
    """One customer update in a private chat, as dispatch handles it."""
    at = flavour.time(now)
    if not (yield Statement(CLAIM, (inbound.channel, inbound.update_id, at))):
        return []
    chat = (inbound.channel, inbound.chat_id)
    found = yield Statement(READ_TURN + flavour.lock, (inbound.chat_id, *chat))
    policy = desk.policy
    spoken = language_of(inbound.language, policy.default_language).value
    if found:
        customer_id, name, code, flow, step, data, expires, open_count = found[0]
    else:
        rows = yield Statement(NEW_CUSTOMER, (inbound.sender_name, spoken, at))
        customer_id, name, code, flow, expires, open_count = (
            rows[0][0],
            inbound.sender_name,
            spoken,
            None,
            None,
            0,
        )
        yield Statement(NEW_IDENTITY, (*chat, customer_id, at))
    state = State(flow, step, _json(data)) if flow is not None else State()
    replies: list[Reply] = []
    if not state.idle and expires is not None and _aware(expires) < now:
        state = State(data={k: v for k, v in state.data.items() if k == "source"})
        replies.append(
            Reply(
                translation(language_of(code, policy.default_language)).gettext(
                    "We stopped waiting after a while, so nothing from that "
                    "conversation was filed. Let's start again."
                )
            )
        )
    language = language_of(code, policy.default_language)
    writing = inbound.text.strip() and inbound.button is None
    open_cases: tuple[str, ...] = ()
    if open_count and writing and (state.idle or state.flow == customer.TRIAGE):
        numbers = yield Statement(OPEN_NUMBERS, (customer_id,))
        open_cases = tuple(row[0] for row in numbers)
    context = Context(now, translation(language), language, policy, name, None, open_cases)
    outcome = customer.step(state, inbound, context)
    replies += outcome.replies
    queued = _Queued([])
    for intent in outcome.intents:
        if not isinstance(intent, FileCase):
            msg = f"the reference carries out filings only, not {type(intent).__name__}"
            raise NotImplementedError(msg)
        yield from _file(desk, intent, (customer_id, name, language), chat, now, flavour, queued)
    for reply in replies:
        queued.add(chat, reply.text, reply.options)
    new = outcome.state
    options = ([o.action for o in replies[-1].options] or None) if replies else None
    expiry = None if new.idle else flavour.time(desk.calendar.add(now, policy.conversation_idle))
    yield Statement(
        SAVE_STATE,
        (*chat, new.flow, new.step, json.dumps(new.data), json.dumps(options), expiry, at),
    )
    if queued.rows:
        yield Statement(QUEUE, [(*row, at, at) for row in queued.rows], many=True)
    return replies


def _file(
    desk: Desk,
    intent: FileCase,
    person: tuple[int, str | None, Language],
    chat: tuple[str, str],
    now: datetime,
    flavour: Flavour,
    queued: _Queued,
) -> Generator[Statement, Rows, None]:
    """handlers/file.py's filing in plain statements: read once, serial, then writes."""
    policy, grading, at = desk.policy, desk.policy.grading, flavour.time(now)
    customer_id, name, language = person
    new = NewCase(
        intent.kind,
        intent.category,
        intent.description,
        chat[0],
        intent.wanted,
        intent.order_ref,
        occurred_on=intent.occurred_on,
        source=intent.source,
        complainant_type=intent.complainant_type,
        confidential=intent.confidential,
    )
    category, subject = policy.category(new.category), subject_key(new)
    since = flavour.time(now - timedelta(days=grading.collective_window_days))
    facts = yield Statement(
        FACTS, (new.category, since, subject, subject, new.category, subject, since, customer_id)
    )
    phone, repeat, others = facts[0]
    if (intent.name or name) != name or (intent.phone or phone) != phone:
        phone = intent.phone or phone
        yield Statement(RENAME, (intent.name or name, phone, customer_id))
    severity, words = grading.grades[0], danger_words_in(new.description, grading)
    events: list[tuple[Any, ...]] = [
        (ActorKind.CUSTOMER, customer_id, EventKind.FILED, True, {"kind": new.kind.value})
    ]
    proposed = grading.danger_grade if words else None
    if words:
        events.append(
            (
                ActorKind.SYSTEM,
                None,
                EventKind.GRADE_PROPOSED,
                False,
                {"grade": proposed, "words": words},
            )
        )
    floor = threshold_grade(int(others) + 1, grading.collective, grading)
    if subject is not None and floor is not None:
        reason = collective_reason(int(others) + 1)
        yield from _raise_others(desk, new.category, subject, floor, reason, now, flavour, queued)
        raised = grading.at_least(severity, floor)
        if raised != severity:
            events.append(
                (
                    ActorKind.SYSTEM,
                    None,
                    EventKind.REGRADED,
                    False,
                    {"old": severity, "new": raised, "reason": reason},
                )
            )
            severity = raised
    events.append(
        (
            ActorKind.SYSTEM,
            None,
            EventKind.ROUTED,
            False,
            {"department": category.department, "supporting": category.supporting},
        )
    )
    # The desk's own choice of clocks and their due times (steps and warning rungs).
    shape = Case(kind=new.kind, category=new.category, severity=severity)
    due = [{"escalation_level": 0, **row} for row in _deadline_rows(desk, shape, now)]
    first = min(row["due_at"] for row in due if row["escalation_level"] == 0)
    period = now.astimezone(desk.calendar.zone).strftime("%Y%m")
    serial = (yield Statement(COUNTER, (policy.case_prefix, period)))[0][0]
    number = f"{policy.case_prefix}{period}-{serial:04d}"
    complainant = new.complainant_type or next(iter(policy.complainant_types))
    wanted = new.wanted.value if new.wanted else None
    occurred = flavour.day(new.occurred_on) if new.occurred_on else None
    case_id = (
        yield Statement(
            NEW_CASE,
            (
                number,
                new.kind.value,
                new.category,
                severity,
                proposed,
                new.urgency.value,
                CaseStatus.ASSIGNED.value,
                category.department,
                customer_id,
                subject,
                new.description,
                wanted,
                new.order_ref,
                occurred,
                new.channel,
                new.source,
                False,
                bool(repeat),
                complainant,
                new.confidential,
                at,
                at,
            ),
        )
    )[0][0]
    yield Statement(
        EVENTS,
        [
            (case_id, at, kind.value, actor, what.value, seen, json.dumps(data))
            for kind, actor, what, seen, data in events
        ],
        many=True,
    )
    rows = [
        (case_id, row["step"], flavour.time(row["due_at"]), row["working"], row["escalation_level"])
        for row in due
    ]
    yield Statement(DEADLINES, [(*row, at) for row in rows], many=True)
    if category.supporting:
        yield Statement(SUPPORTING, [(case_id, d) for d in category.supporting], many=True)
    receipt = notices.case_received(translation(language), number, due_words(desk, language, first))
    _announce(
        desk,
        case_id,
        number,
        new,
        severity,
        words,
        phone,
        now,
        queued,
        first,
    )
    _receipt(desk, case_id, number, new, receipt, language, chat, now, queued)


def _announce(
    desk: Desk,
    case_id: int,
    number: str,
    new: NewCase,
    severity: str,
    words: list[str],
    phone: str | None,
    now: datetime,
    queued: _Queued,
    next_due: datetime,
) -> None:
    """handlers/file.py's _announce: the card and the managers' alert."""
    policy, grading = desk.policy, desk.policy.grading
    case = Case(
        number=number,
        kind=new.kind,
        category=new.category,
        severity=severity,
        department=policy.category(new.category).department,
        description=new.description,
        confidential=new.confidential,
        status=CaseStatus.ASSIGNED,
    )
    staff = translation(policy.default_language)
    shown = summary_of(desk, case, phone, local_time(desk, next_due))
    card = notices.case_card(staff, shown, None)
    choices = card_choices(staff, CaseStatus.ASSIGNED, number)
    for chat_of_department in policy.department(case.department).chats.items():
        queued.add(
            chat_of_department,
            mask_phones_in(card),
            choices,
            case_id=case_id,
            purpose=Purpose.CARD.value,
        )
    if grading.rank(severity) >= grading.rank(grading.managers_alerted_from) or words:
        reason = ", ".join(words) or grading.label(severity, policy.default_language)
        alert = mask_phones_in(notices.manager_alert(staff, shown, reason))
        for managers in policy.department(policy.manager_department).chats.items():
            queued.add(managers, alert, (), case_id=case_id)


def _receipt(
    desk: Desk,
    case_id: int,
    number: str,
    new: NewCase,
    receipt: str,
    code: Language,
    chat: tuple[str, str],
    now: datetime,
    queued: _Queued,
) -> None:
    """The receipt, with the values a template message shows (Notifier.template_values)."""
    policy = desk.policy
    zone = ZoneInfo(policy.calendar.timezone)
    values = {
        "number": number,
        "status": status_label(translation(code), CaseStatus.ASSIGNED),
        "category": policy.category(new.category).names.get(code, new.category),
        "time": now.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "message": " ".join(receipt.split()),
        "solution": "",
    }
    queued.add(chat, receipt, (), case_id=case_id, extra={"template": "received", "values": values})


def _raise_others(
    desk: Desk,
    category: str,
    subject: str,
    floor: str,
    reason: str,
    now: datetime,
    flavour: Flavour,
    queued: _Queued,
) -> Generator[Statement, Rows, None]:
    """handlers/grading.py's raise_on_subject: every open case of the subject rises."""
    grading, at = desk.policy.grading, flavour.time(now)
    staff = translation(desk.policy.default_language)
    for case_id, number, severity, department in (yield Statement(ON_SUBJECT, (category, subject))):
        raised = grading.at_least(severity, floor)
        if raised == severity:
            continue
        yield Statement(RAISE, (raised, at, case_id))
        data = json.dumps({"old": severity, "new": raised, "reason": reason})
        yield Statement(
            EVENTS,
            [(case_id, at, ActorKind.SYSTEM.value, None, EventKind.REGRADED.value, False, data)],
            many=True,
        )
        label = grading.label(raised, desk.policy.default_language)
        text = mask_phones_in(
            notices.grade_raised(staff, number, label, reason_words(staff, reason))
        )
        groups = [department]
        if grading.rank(raised) >= grading.rank(grading.managers_alerted_from):
            groups.append(desk.policy.manager_department)
        for group in groups:
            for address in desk.policy.department(group).chats.items():
                queued.add(address, text, (), case_id=case_id)


def _json(value: Any) -> dict[str, Any]:
    return dict(json.loads(value)) if isinstance(value, str) else dict(value or {})


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
