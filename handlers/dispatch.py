"""`dispatch(inbound)`: one update, one turn, atomic (DESIGN §2).

Order inside the transaction, and why:
1. claim the update id first, so a retried or resent update ends here with no effect;
2. one joined read of the chat's conversation row (locked until commit) and the sender's
   identity, customer and staff rows; a new chat's row and a new customer are written
   only when missing; a stranger in a group is refused before anything is written;
3. the `Turn` (inbound, person, row as read, state, now) is handed down: the flow steps,
   its intents are carried out, each in a savepoint so a refusal undoes only its own
   partial change and still gets a polite answer;
4. dispatch saves the state with the choices last offered, and queues every reply in one
   insert; commit; wake the outbox.
On SQLite, updates arriving together share a transaction and its commit, each in its own
savepoint (storage/group.py); each caller gets its replies only after that commit.
A bug is logged with the update id, rolled back, answered with a short apology, and the
update is still marked processed, so it cannot loop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from conversations import customer, staff
from conversations.base.i18n import translation
from conversations.base.messages import Inbound, Reply
from conversations.base.parsing import clean, storable
from conversations.state import Context, Outcome, State
from conversations.wording import refusal
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.execute import execute
from handlers.identify import Person, identify
from handlers.refusals import Refusal
from notifications.metrics import Metrics, UpdateOutcome
from notifications.notices import queue_replies, queue_reply, turn_in, turn_over
from storage.cases import CaseRepository
from storage.conversations import ConversationRepository, ConversationRow
from storage.engine import Database
from storage.people import PeopleRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbox:
    """What dispatch needs: the database, the desk, how to wake the outbox, and where
    to count updates (none: not counted)."""

    db: Database
    desk: Desk
    wake: Callable[[], None] = lambda: None
    metrics: Metrics | None = None


MAX_BUTTON = 64  # Telegram's callback data limit; longer data was never a button of ours
MAX_NAME = 200  # customers.name
MAX_REF = 500  # attachments.file_ref
MAX_FILE_NAME = 200  # attachments.file_name


async def dispatch(inbox: Inbox, inbound: Inbound) -> list[Reply]:
    """Handle one update; returns, after the commit, what was said in answer (an adapter
    may show it at once, e.g. as the answer to a pressed button)."""
    started = time.perf_counter()  # a duration, not a time of day: not the desk's clock
    inbound = at_the_edge(inbound)
    try:
        try:
            outcome, replies = await perform(
                inbox.db, lambda uow: handle(uow, inbox.desk, inbound), inbox.wake, join=True
            )
        except RefusedTurn as turned:  # undone whole; again, with the refusal as the answer
            refused = turned.refusal
            outcome, replies = await perform(
                inbox.db,
                lambda uow: handle(uow, inbox.desk, inbound, refused),
                inbox.wake,
                join=True,
            )
    except Exception:
        log.exception("dispatch_failed channel=%s update=%s", inbound.channel, inbound.update_id)
        outcome = UpdateOutcome.FAILED
        replies = await perform(
            inbox.db, lambda uow: apologise(uow, inbox.desk, inbound), inbox.wake, join=True
        )
    if inbox.metrics is not None:
        inbox.metrics.updated(inbound.channel, outcome, time.perf_counter() - started)
    return replies


def at_the_edge(inbound: Inbound) -> Inbound:
    """What a person sent, made safe to store on every database before anything reads it
    (issue 11: a NUL in a display name failed every update on PostgreSQL): the text keeps
    all but NUL and lone surrogates; names, buttons, file refs and file names lose control
    characters and are cut to their columns (a display name cut is harmless; a longer
    button is junk); a file's stored path and size, set by the adapter, are kept."""
    name = clean(inbound.sender_name or "")[:MAX_NAME] or None
    button = clean(inbound.button)[:MAX_BUTTON] if inbound.button is not None else None
    media = tuple(
        replace(
            m,
            kind=clean(m.kind)[:32],
            ref=clean(m.ref)[:MAX_REF],
            name=(clean(m.name)[:MAX_FILE_NAME] or None) if m.name is not None else None,
        )
        for m in inbound.media
    )
    return replace(
        inbound,
        text=storable(inbound.text),
        sender_name=name,
        button=button,
        media=tuple(m for m in media if m.ref or m.path),
        language=clean(inbound.language or "")[:16] or None,
    )


class RefusedTurn(Exception):
    """A turn's only intent was refused: the turn is undone whole and runs again with the
    refusal as its answer. A savepoint would do the same at two statements on every turn;
    refusals are rare."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.key)
        self.refusal = refusal


@dataclass(frozen=True)
class Turn:
    """One update's turn, read once and handed down: what came in (a typed number already
    turned into the press it stands for), who sent it, the chat's conversation row as read
    (locked until commit) and its state, and the time."""

    inbound: Inbound
    person: Person
    conversation: ConversationRow
    state: State
    now: datetime

    @property
    def chat(self) -> str:
        return private_chat(self.inbound)


async def handle(
    uow: UnitOfWork, desk: Desk, inbound: Inbound, refused: Refusal | None = None
) -> tuple[UpdateOutcome, list[Reply]]:
    """The update's turn; what came of it is told apart for the metrics. `refused`: this
    turn ran before and its only intent was refused; answer with that, do nothing else."""
    try:
        turn_in(uow.session, inbound.channel, private_chat(inbound))
        return await _handle(uow, desk, inbound, refused)
    finally:
        turn_over(uow.session)


async def _handle(
    uow: UnitOfWork, desk: Desk, inbound: Inbound, refused: Refusal | None
) -> tuple[UpdateOutcome, list[Reply]]:
    conversations = ConversationRepository(uow.session)
    now = desk.clock.now()
    if not await conversations.claim_update(inbound.channel, inbound.update_id, now):
        log.info("duplicate_update channel=%s update=%s", inbound.channel, inbound.update_id)
        return UpdateOutcome.DUPLICATE, []
    begun = await _begin(uow, conversations, desk, inbound, now)
    if begun is None:  # a stranger in a group: answered on the button only, never queued
        t = translation(desk.policy.default_language)
        return UpdateOutcome.REFUSED_STRANGER, [Reply(refusal(t, "access.staff_only", {}))]
    turn, notice = begun
    person, state = turn.person, turn.state
    role = person.actor.role.value if person.actor.role else None
    context = Context(
        now,
        translation(person.language),
        person.language,
        desk.policy,
        person.known_name,
        role,
        await _open_cases(uow, turn),
    )
    if person.withdrawn:  # access withdrawn (issue 13): whatever they send, only this
        outcome = Outcome(State(), (Reply(refusal(context.t, "access.withdrawn", {})),))
    else:
        flow = staff.step if person.is_staff else customer.step
        outcome = flow(state, turn.inbound, context)
    replies = [*notice, *outcome.replies, *await _carry_out(uow, desk, turn, outcome, refused)]
    expires = None if outcome.state.idle else desk.calendar.add(now, desk.policy.conversation_idle)
    new = outcome.state
    offered = turn_over(uow.session)  # what a use case offered in this chat, if anything
    if replies:
        options: list[str] | tuple[()] | None = [o.action for o in replies[-1].options] or None
    else:
        options = offered[0] if offered is not None else ()
    await conversations.save(
        turn.conversation.id, (new.flow, new.step, new.data), now, expires, options
    )
    await queue_replies(uow.session, inbound.channel, turn.chat, replies, now)
    return UpdateOutcome.HANDLED, replies


async def _begin(
    uow: UnitOfWork,
    conversations: ConversationRepository,
    desk: Desk,
    inbound: Inbound,
    now: datetime,
) -> tuple[Turn, list[Reply]] | None:
    """One joined read of the chat's conversation (locked) and the sender; a new chat's
    row, and a new customer, are written first only when missing. None: a stranger."""
    chat = private_chat(inbound)
    loaded = await conversations.turn(inbound.channel, chat, inbound.sender_id)
    people = PeopleRepository(uow.session)
    if loaded is None:
        sender = await conversations.sender(inbound.channel, inbound.sender_id)
        person = await identify(people, sender, inbound, desk.policy)
        if person is None:
            return None
        await conversations.start(inbound.channel, chat, now)
        loaded = await conversations.turn(inbound.channel, chat, inbound.sender_id)
        assert loaded is not None  # made just now, or by the transaction it waited for
    else:
        person = await identify(people, loaded.sender, inbound, desk.policy)
        if person is None:
            return None
    row = loaded.conversation
    state, notice = _state(row, person, now)
    turn = Turn(_picked_by_number(inbound, row), person, row, state, now)
    return turn, notice


async def _open_cases(uow: UnitOfWork, turn: Turn) -> tuple[str, ...]:
    """A customer writing freely outside any flow may be writing about an open case."""
    inbound, state, person = turn.inbound, turn.state, turn.person
    writing = inbound.text.strip() and inbound.button is None
    if person.is_staff or not writing or not (state.idle or state.flow == customer.TRIAGE):
        return ()
    return tuple(await CaseRepository(uow.session).open_numbers(person.actor.id or 0))


def _picked_by_number(inbound: Inbound, row: ConversationRow) -> Inbound:
    """On channels without buttons choices are numbered; '2' presses the second one."""
    typed = inbound.text.strip()
    if inbound.button is not None or not typed.isdigit():
        return inbound
    options = row.last_options
    if not options or not 1 <= int(typed) <= len(options):
        return inbound
    return replace(inbound, text="", button=options[int(typed) - 1])


async def _carry_out(
    uow: UnitOfWork, desk: Desk, turn: Turn, outcome: Outcome, refused: Refusal | None
) -> list[Reply]:
    """Each intent's use case; a refusal undoes only its own partial change and becomes a
    polite answer. One intent (the common case) runs without a savepoint: its refusal
    undoes the whole turn, which runs again answering with it (`RefusedTurn`)."""
    person, inbound = turn.person, turn.inbound
    t = translation(person.language)
    if refused is not None:
        return [Reply(refusal(t, refused.key, refused.params, staff=person.is_staff))]
    if len(outcome.intents) == 1:
        try:
            return await execute(uow, desk, person, inbound.channel, outcome.intents[0])
        except Refusal as alone:
            log.info("refused update=%s key=%s", inbound.update_id, alone.key)
            raise RefusedTurn(alone) from alone
    replies: list[Reply] = []
    for intent in outcome.intents:
        try:
            async with uow.session.begin_nested():
                replies += await execute(uow, desk, person, inbound.channel, intent)
        except Refusal as one:
            log.info("refused update=%s key=%s", inbound.update_id, one.key)
            replies.append(Reply(refusal(t, one.key, one.params, staff=person.is_staff)))
    return replies


def private_chat(inbound: Inbound) -> str:
    """Where a person's conversation lives and answers go. A press in a group continues
    in the presser's private chat (follow-up questions are asked and answered there); on
    every platform we serve, a person's private chat is addressed by their id."""
    return inbound.sender_id if inbound.is_group else inbound.chat_id


def _state(row: ConversationRow, person: Person, now: datetime) -> tuple[State, list[Reply]]:
    """The chat's state as read; a flow left past its expiry starts again, with a notice."""
    state = State(row.flow, row.step, dict(row.data))
    if not state.idle and row.expires_at is not None and row.expires_at < now:
        t = translation(person.language)
        expired = t.gettext(
            "We stopped waiting after a while, so nothing from that "
            "conversation was filed. Let's start again."
        )
        return State(data={k: v for k, v in state.data.items() if k == "source"}), [Reply(expired)]
    return state, []


async def apologise(uow: UnitOfWork, desk: Desk, inbound: Inbound) -> list[Reply]:
    """After a bug: mark the update handled (so it cannot loop) and say sorry, briefly."""
    conversations, now = ConversationRepository(uow.session), desk.clock.now()
    if not await conversations.claim_update(inbound.channel, inbound.update_id, now):
        return []
    t = translation(desk.policy.default_language)
    sorry = t.gettext(
        "Sorry, something went wrong on our side and we could not handle that "
        "message. Please try again in a moment."
    )
    await queue_reply(uow.session, inbound.channel, private_chat(inbound), Reply(sorry), now)
    return [Reply(sorry)]
