"""`dispatch(inbound)`: one update, one transaction (DESIGN §2).

Order inside the transaction, and why:
1. claim the update id first, so a retried or resent update ends here with no effect;
2. identify the sender before any state is read (a stranger in a group is refused);
3. step the chat's conversation, then carry out its intents, each in a savepoint so a
   refusal undoes only its own partial change and still gets a polite answer;
4. save the conversation and queue every reply in the outbox; commit; wake the outbox.
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
from conversations.base.messages import Inbound, Media, Reply
from conversations.base.parsing import clean, storable
from conversations.state import Context, Outcome, State
from conversations.wording import refusal
from handlers.boundary import perform
from handlers.desk import Desk
from handlers.execute import execute
from handlers.identify import Person, identify
from handlers.refusals import Refusal
from notifications.metrics import Metrics, UpdateOutcome
from notifications.notices import queue_reply
from storage.cases import CaseRepository
from storage.conversations import ConversationRepository
from storage.engine import Database
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


async def dispatch(inbox: Inbox, inbound: Inbound) -> list[Reply]:
    """Handle one update; returns, after the commit, what was said in answer (an adapter
    may show it at once, e.g. as the answer to a pressed button)."""
    started = time.perf_counter()  # a duration, not a time of day: not the desk's clock
    inbound = at_the_edge(inbound)
    try:
        outcome, replies = await perform(
            inbox.db, lambda uow: handle(uow, inbox.desk, inbound), inbox.wake
        )
    except Exception:
        log.exception("dispatch_failed channel=%s update=%s", inbound.channel, inbound.update_id)
        outcome = UpdateOutcome.FAILED
        replies = await perform(
            inbox.db, lambda uow: apologise(uow, inbox.desk, inbound), inbox.wake
        )
    if inbox.metrics is not None:
        inbox.metrics.updated(inbound.channel, outcome, time.perf_counter() - started)
    return replies


def at_the_edge(inbound: Inbound) -> Inbound:
    """What a person sent, made safe to store on every database before anything reads it
    (issue 11: a NUL in a display name failed every update on PostgreSQL): the text keeps
    all but NUL and lone surrogates; names, buttons and file refs lose control characters
    and are cut to their columns (a display name cut is harmless; a longer button is junk)."""
    name = clean(inbound.sender_name or "")[:MAX_NAME] or None
    button = clean(inbound.button)[:MAX_BUTTON] if inbound.button is not None else None
    media = tuple(Media(clean(m.kind)[:32], clean(m.ref)[:MAX_REF]) for m in inbound.media)
    return replace(
        inbound,
        text=storable(inbound.text),
        sender_name=name,
        button=button,
        media=tuple(m for m in media if m.ref),
        language=clean(inbound.language or "")[:16] or None,
    )


async def handle(
    uow: UnitOfWork, desk: Desk, inbound: Inbound
) -> tuple[UpdateOutcome, list[Reply]]:
    """The update's turn; what came of it is told apart for the metrics."""
    conversations = ConversationRepository(uow.session)
    now = desk.clock.now()
    if not await conversations.claim_update(inbound.channel, inbound.update_id, now):
        log.info("duplicate_update channel=%s update=%s", inbound.channel, inbound.update_id)
        return UpdateOutcome.DUPLICATE, []
    person = await identify(uow.session, inbound, desk.policy)
    if person is None:  # a stranger in a group: answered on the button only, never queued
        t = translation(desk.policy.default_language)
        return UpdateOutcome.REFUSED_STRANGER, [Reply(refusal(t, "access.staff_only", {}))]
    # The chat's turn: its conversation row stays locked until this update commits.
    await ConversationRepository(uow.session).claim(inbound.channel, private_chat(inbound), now)
    inbound = await _picked_by_number(uow, inbound)
    state, notice = await _load_state(uow, desk, inbound, person)
    role = person.actor.role.value if person.actor.role else None
    context = Context(
        now,
        translation(person.language),
        person.language,
        desk.policy,
        person.known_name,
        role,
        await _open_cases(uow, person, state, inbound),
    )
    flow = staff.step if person.is_staff else customer.step
    outcome = flow(state, inbound, context)
    replies = [*notice, *outcome.replies, *await _carry_out(uow, desk, person, inbound, outcome)]
    await _save_state(uow, desk, inbound, outcome.state, now)
    await _queue(uow, desk, inbound, replies)
    return UpdateOutcome.HANDLED, replies


async def _open_cases(
    uow: UnitOfWork, person: Person, state: State, inbound: Inbound
) -> tuple[str, ...]:
    """A customer writing freely outside any flow may be writing about an open case."""
    writing = inbound.text.strip() and inbound.button is None
    if person.is_staff or not writing or not (state.idle or state.flow == customer.TRIAGE):
        return ()
    return tuple(await CaseRepository(uow.session).open_numbers(person.actor.id or 0))


async def _picked_by_number(uow: UnitOfWork, inbound: Inbound) -> Inbound:
    """On channels without buttons choices are numbered; '2' presses the second one."""
    typed = inbound.text.strip()
    if inbound.button is not None or not typed.isdigit():
        return inbound
    row = await ConversationRepository(uow.session).load(inbound.channel, private_chat(inbound))
    options = row.last_options if row is not None else None
    if not options or not 1 <= int(typed) <= len(options):
        return inbound
    return replace(inbound, text="", button=options[int(typed) - 1])


async def _carry_out(
    uow: UnitOfWork, desk: Desk, person: Person, inbound: Inbound, outcome: Outcome
) -> list[Reply]:
    replies: list[Reply] = []
    for intent in outcome.intents:
        try:
            async with uow.session.begin_nested():
                replies += await execute(uow, desk, person, inbound.channel, intent)
        except Refusal as refused:
            log.info("refused update=%s key=%s", inbound.update_id, refused.key)
            replies.append(
                Reply(refusal(translation(person.language), refused.key, refused.params))
            )
    return replies


def private_chat(inbound: Inbound) -> str:
    """Where a person's conversation lives and answers go. A press in a group continues
    in the presser's private chat (follow-up questions are asked and answered there); on
    every platform we serve, a person's private chat is addressed by their id."""
    return inbound.sender_id if inbound.is_group else inbound.chat_id


async def _load_state(
    uow: UnitOfWork, desk: Desk, inbound: Inbound, person: Person
) -> tuple[State, list[Reply]]:
    row = await ConversationRepository(uow.session).load(inbound.channel, private_chat(inbound))
    if row is None:
        return State(), []
    state = State(row.flow, row.step, dict(row.data))
    if not state.idle and row.expires_at is not None and row.expires_at < desk.clock.now():
        t = translation(person.language)
        expired = t.gettext(
            "We stopped waiting after a while, so nothing from that "
            "conversation was filed. Let's start again."
        )
        return State(data={k: v for k, v in state.data.items() if k == "source"}), [Reply(expired)]
    return state, []


async def _save_state(
    uow: UnitOfWork, desk: Desk, inbound: Inbound, state: State, now: datetime
) -> None:
    expires = None if state.idle else desk.calendar.add(now, desk.policy.conversation_idle)
    await ConversationRepository(uow.session).save(
        inbound.channel,
        private_chat(inbound),
        (state.flow, state.step, state.data),
        now,
        expires,
    )


async def _queue(uow: UnitOfWork, desk: Desk, inbound: Inbound, replies: list[Reply]) -> None:
    """Answers go to the chat the message came from; from a group, to the sender in
    private, so a case's details never land in front of the whole group."""
    chat = private_chat(inbound)
    for reply in replies:
        await queue_reply(uow.session, inbound.channel, chat, reply, desk.clock.now())


async def apologise(uow: UnitOfWork, desk: Desk, inbound: Inbound) -> list[Reply]:
    """After a bug: mark the update handled (so it cannot loop) and say sorry, briefly."""
    conversations = ConversationRepository(uow.session)
    if not await conversations.claim_update(inbound.channel, inbound.update_id, desk.clock.now()):
        return []
    t = translation(desk.policy.default_language)
    sorry = t.gettext(
        "Sorry, something went wrong on our side and we could not handle that "
        "message. Please try again in a moment."
    )
    await _queue(uow, desk, inbound, [Reply(sorry)])
    return [Reply(sorry)]
