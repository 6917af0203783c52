"""What the database holds after the run, and the proof checked against the fake's records.

Each check adds a line to `failures` instead of stopping at the first, so one run shows
everything that went wrong (lost updates, missing or doubled cases, unsent or oversent
messages, gaps in case numbers)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.telegram.format import pages
from storage.engine import open_database
from storage.models import Case, CaseEvent, Identity, OutboxMessage, ProcessedUpdate
from tests.crash.bot_api import CrashBotAPI
from tests.crash.customers import Customer

NUMBER = re.compile(r"^TS(\d{6})-(\d{4})$")


@dataclass(frozen=True)
class Filed:
    number: str
    description: str
    telegram_user: str
    filed_events: int
    taken: bool


@dataclass(frozen=True)
class Queued:
    id: int
    chat_id: str
    texts: tuple[str, ...]  # as Telegram receives them: escaped, split into parts
    status: str


@dataclass
class Snapshot:
    processed: list[str]
    cases: list[Filed]
    outbox: list[Queued]


async def read_database(url: str) -> Snapshot:
    """Everything the proof needs, read straight from the tables."""
    db = open_database(url)
    try:
        async with db.sessions() as session:
            processed = await session.scalars(
                select(ProcessedUpdate.update_id).where(ProcessedUpdate.channel == "telegram")
            )
            filed = (
                select(func.count())
                .where(CaseEvent.case_id == Case.id, CaseEvent.kind == "filed")
                .scalar_subquery()
            )
            cases = await session.execute(
                select(
                    Case.number,
                    Case.description,
                    Identity.external_id,
                    filed,
                    Case.handler_id.is_not(None),
                )
                .join(Identity, Identity.customer_id == Case.customer_id)
                .where(Identity.channel == "telegram")
            )
            outbox = await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == "telegram")
                .order_by(OutboxMessage.id)
            )
            return Snapshot(
                list(processed),
                [Filed(*row) for row in cases],
                [
                    Queued(m.id, m.chat_id, tuple(pages(str(m.payload.get("text", "")))), m.status)
                    for m in outbox
                ],
            )
    finally:
        await db.dispose()


@dataclass
class Proof:
    failures: list[str] = field(default_factory=list)
    duplicates: int = 0
    max_resends: int = 0
    lost: int = 0

    def fail(self, line: str) -> None:
        self.failures.append(line)


def prove(
    api: CrashBotAPI, customers: list[Customer], snap: Snapshot, kills: int, drained_through: int
) -> Proof:
    """`drained_through`: the last outbox id when the run saw nothing waiting; rows after
    it were queued by a sweep just before the stop and need not have gone yet."""
    proof = Proof()
    _updates(api, snap, proof)
    _filings(customers, snap, proof)
    _deliveries(api, snap, kills, drained_through, proof)
    _numbers(snap, proof)
    return proof


def _updates(api: CrashBotAPI, snap: Snapshot, proof: Proof) -> None:
    """Every update fed was acknowledged and has exactly one processed_updates row."""
    fed = set(api.fed)
    processed = Counter(int(u) for u in snap.processed)
    unacknowledged = fed - api.acknowledged
    lost = {u for u in api.acknowledged if u not in processed}
    proof.lost = len(lost)
    if unacknowledged:
        proof.fail(f"{len(unacknowledged)} updates never acknowledged: {sorted(unacknowledged)}")
    if lost:
        proof.fail(f"{len(lost)} updates acknowledged but never processed: {sorted(lost)}")
    if extra := set(processed) - fed:
        proof.fail(f"processed updates nobody sent: {sorted(extra)}")


def _filings(customers: list[Customer], snap: Snapshot, proof: Proof) -> None:
    """One case per customer, with their story, the number their receipt named, filed once,
    taken when staff tapped Take; one message queued to the customer per update they sent
    and per take (an update handled twice would queue two)."""
    queued = Counter(row.chat_id for row in snap.outbox)
    for customer in customers:
        expected = len(customer.updates) + len(customer.staff_updates)
        if queued[str(customer.user_id)] != expected:
            proof.fail(
                f"customer {customer.user_id}: {expected} messages due, "
                f"{queued[str(customer.user_id)]} queued"
            )
    by_user: dict[str, list[Filed]] = {}
    for case in snap.cases:
        by_user.setdefault(case.telegram_user, []).append(case)
    for customer in customers:
        cases = by_user.get(str(customer.user_id), [])
        if len(cases) != 1:
            proof.fail(
                f"customer {customer.user_id} has {len(cases)} cases "
                f"(stuck {customer.stuck_at}, updates {customer.updates})"
            )
            continue
        case = cases[0]
        if case.description != customer.story:
            proof.fail(f"{case.number}: description {case.description!r} is not the story")
        if case.number != customer.number:
            proof.fail(f"{case.number}: the receipt named {customer.number}")
        if case.filed_events != 1:
            proof.fail(f"{case.number}: filed {case.filed_events} times")
        if case.taken != bool(customer.staff_updates):
            proof.fail(f"{case.number}: taken={case.taken} after {customer.staff_updates}")


def _deliveries(
    api: CrashBotAPI, snap: Snapshot, kills: int, drained_through: int, proof: Proof
) -> None:
    """Each outbox message reached its chat at least once, and at most once more per kill.

    Sends and edits are matched to rows by chat and text (rows alike are counted together)."""
    expected: Counter[tuple[str, str]] = Counter()
    for row in snap.outbox:
        if row.id > drained_through and row.status == "pending":
            continue  # queued by a sweep after the drain; it goes with the next process
        if row.status != "sent":
            proof.fail(f"outbox row to {row.chat_id} left {row.status}: {row.texts[0][:40]!r}")
        for text in row.texts:
            expected[(row.chat_id, text)] += 1
    received = Counter(
        (str(r.chat_id), r.text)
        for r in api.received
        if r.method in {"sendMessage", "editMessageText"}
    )
    for key, count in expected.items():
        got = received.get(key, 0)
        if got < count:
            proof.fail(f"to {key[0]}: {key[1][:40]!r} queued {count}x, delivered {got}x")
        elif got - count > kills * count:
            proof.fail(
                f"to {key[0]}: {key[1][:40]!r} delivered {got}x for {count} after {kills} kills"
            )
        proof.duplicates += max(0, got - count)
        proof.max_resends = max(proof.max_resends, got - count)
    for key in received.keys() - expected.keys():
        proof.fail(f"to {key[0]}: {key[1][:40]!r} sent without an outbox row")


def _numbers(snap: Snapshot, proof: Proof) -> None:
    """Case numbers run 0001..N within each month, none skipped, none twice."""
    months: dict[str, list[int]] = {}
    for case in snap.cases:
        match = NUMBER.match(case.number)
        if match is None:
            proof.fail(f"case number {case.number!r} is malformed")
            continue
        months.setdefault(match.group(1), []).append(int(match.group(2)))
    for month, numbers in months.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            proof.fail(f"case numbers of {month} are not 1..{len(numbers)}: {sorted(numbers)}")
