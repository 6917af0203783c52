"""What a customer does: file a case (the use case is handlers/file.py), accept or refuse a
solution, add information or photos."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations import notices, relays, replies
from conversations.base.i18n import translation
from conversations.base.messages import Media, Reply
from conversations.base.policy import Step
from conversations.base.values import ActorKind, CaseStatus, EventKind
from handlers import danger, deadlines
from handlers.access import require_customer_of
from handlers.actors import Actor
from handlers.alerts import post_card
from handlers.common import clean_text, due_words, load_case
from handlers.desk import Desk
from handlers.file import NewCase, file_case
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.solution import needs_approval
from handlers.timeline import record
from notifications.notices import Notifier
from notifications.relays import in_topic, media_payload
from storage.deadlines import DeadlineRepository
from storage.models import Attachment, Case
from storage.people import PeopleRepository
from storage.uow import UnitOfWork


async def _own_case(uow: UnitOfWork, actor: Actor, number: str) -> Case:
    """The customer's case; another person's number is 'not found', never 'not yours'."""
    case = await load_case(uow.session, number)
    require_customer_of(actor, case)
    return case


def _offered(desk: Desk, case: Case) -> None:
    """A solution awaiting approval is not the customer's to answer yet."""
    if case.status is CaseStatus.SOLUTION_PROPOSED and needs_approval(desk, case):
        raise Refusal(
            "case.wrong_status", number=case.number, action="accept", status=case.status.value
        )


async def accept(uow: UnitOfWork, desk: Desk, actor: Actor, number: str) -> Case:
    return await accept_case(uow, desk, actor, await _own_case(uow, actor, number))


async def accept_case(
    uow: UnitOfWork, desk: Desk, actor: Actor, case: Case, **recorded: str
) -> Case:
    """`recorded`: on the timeline too (staff who took the answer for a customer with no
    chat, handlers/on_behalf.py)."""
    session, now = uow.session, desk.clock.now()
    _offered(desk, case)
    advance(case, Action.ACCEPT)
    record(session, case, actor, EventKind.SOLUTION_ACCEPTED, now, visible=True, **recorded)
    await deadlines.meet(session, case, now, Step.ACCEPT)
    deadlines.start(session, desk, case, Step.IMPLEMENT, now)
    await session.flush()  # the implement deadline, for the handler's notice
    due = await DeadlineRepository(session).next_due(case.id)
    t = translation(desk.policy.default_language)
    when = due_words(desk, desk.policy.default_language, due.due_at) if due else "-"
    await _tell_staff(uow, desk, case, relays.customer_accepted(t, case.number, when), group=False)
    await post_card(session, desk, case)
    return case


async def refuse(uow: UnitOfWork, desk: Desk, actor: Actor, number: str, reason: str) -> Case:
    """The reason goes back to the handler, who revises the solution (POLICY §4)."""
    return await refuse_case(uow, desk, actor, await _own_case(uow, actor, number), reason)


async def refuse_case(
    uow: UnitOfWork, desk: Desk, actor: Actor, case: Case, reason: str, **recorded: str
) -> Case:
    """`recorded`: as for `accept_case`."""
    session, now = uow.session, desk.clock.now()
    _offered(desk, case)
    advance(case, Action.REFUSE)
    record(
        session,
        case,
        actor,
        EventKind.SOLUTION_REFUSED,
        now,
        visible=True,
        reason=clean_text(reason),
        **recorded,
    )
    await deadlines.meet(session, case, now, Step.ACCEPT)
    deadlines.start(session, desk, case, Step.PROPOSE, now)
    t = translation(desk.policy.default_language)
    await _tell_staff(uow, desk, case, relays.customer_refused(t, case.number, reason.strip()))
    await danger.check_later(session, desk, case, reason)
    await post_card(session, desk, case)
    return case


MAX_ADDED = 10_000  # as long as a filed story: a story added to an open case is not cut


async def add_info(
    uow: UnitOfWork,
    desk: Desk,
    actor: Actor,
    number: str,
    text: str,
    media: Sequence[Media] = (),
    channel: str = "",
) -> Case:
    """More words or files on an open case; clocks resume. The handler and the group get
    the files too (`channel`: where they came in; the caller records them)."""
    session, now = uow.session, desk.clock.now()
    case = await _own_case(uow, actor, number)
    if case.status is CaseStatus.CLOSED:
        raise Refusal("case.closed", number=case.number)
    record(
        session,
        case,
        actor,
        EventKind.CUSTOMER_ADDED,
        now,
        visible=True,
        text=clean_text(text, MAX_ADDED),
    )
    if case.waiting_on_customer:
        case.waiting_on_customer = False
        await deadlines.resume(session, desk, case, now)
    staff_language = translation(desk.policy.default_language)
    message = notices.customer_added(staff_language, case.number, text.strip())
    await _tell_staff(uow, desk, case, message, media_payload(channel, media))
    await danger.check_later(session, desk, case, text)
    return case


async def _tell_staff(
    uow: UnitOfWork,
    desk: Desk,
    case: Case,
    message: str,
    files: dict[str, object] | None = None,
    *,
    group: bool = True,
) -> None:
    """The handler hears in private, with the files, and the department's group (in the
    case's topic when it has topics; `group=False`: only there, or while nobody took it).
    Every text is masked for staff by the notifier (POLICY §8)."""
    notifier = Notifier(uow.session, desk.policy, desk.clock.now())
    department, files = case.department, files or {}
    topics = desk.policy.department(department).topics
    if group or topics or case.handler_id is None:
        extra = {**files, **in_topic(desk.policy, department)}
        await notifier.department(case, department, message, extra=extra)
    if case.handler_id is not None:
        await notifier.staff(case, case.handler_id, message, extra=files)


# -- the customer's intents ----------------------------------------------------------


@handles(i.FileCase)
async def on_file(call: Call, intent: i.FileCase) -> list[Reply]:
    """The receipt with the case number is queued by the use case: nothing to add."""
    actor = call.actor
    if actor.kind is not ActorKind.CUSTOMER or actor.id is None:
        raise Refusal("access.role", needed="customer")
    name = intent.name if intent.name != call.person.known_name else None  # stored already
    await PeopleRepository(call.uow.session).update_contact(actor.id, name, intent.phone)
    new = NewCase(
        kind=intent.kind,
        category=intent.category,
        description=intent.description,
        channel=call.channel,
        wanted=intent.wanted,
        order_ref=intent.order_ref,
        occurred_on=intent.occurred_on,
        source=intent.source,
        complainant_type=intent.complainant_type,
        confidential=intent.confidential,
        anonymous=intent.anonymous,
        urgency=danger.urgency_of(intent.description, call.desk.policy.grading),
    )
    case = await file_case(call.uow, call.desk, actor.id, new)
    attach(call.uow.session, case, call.channel, intent.media, call.desk)
    if intent.media:  # the card cannot carry them: they follow it (in the case's topic)
        notifier = Notifier(call.uow.session, call.desk.policy, call.desk.clock.now())
        text = relays.filed_with(notifier.staff_language, case.number, len(intent.media))
        files = {
            **media_payload(call.channel, intent.media),
            **in_topic(call.desk.policy, case.department),
        }
        await notifier.department(case, case.department, text, extra=files)
    return []


@handles(i.AddInfo)
async def on_add_info(call: Call, intent: i.AddInfo) -> list[Reply]:
    t = translation(call.person.language)
    words = intent.text or replies.media_only(t, len(intent.media))
    case = await add_info(
        call.uow, call.desk, call.actor, intent.number, words, intent.media, call.channel
    )
    attach(call.uow.session, case, call.channel, intent.media, call.desk)
    return [Reply(replies.info_added(t, case.number))]


@handles(i.Accept)
async def on_accept(call: Call, intent: i.Accept) -> list[Reply]:
    case = await accept(call.uow, call.desk, call.actor, intent.number)
    due = await DeadlineRepository(call.uow.session).next_due(case.id)
    language = call.person.language
    when = due_words(call.desk, language, due.due_at) if due else "-"
    return [Reply(replies.accepted(translation(language), when))]


@handles(i.Refuse)
async def on_refuse(call: Call, intent: i.Refuse) -> list[Reply]:
    await refuse(call.uow, call.desk, call.actor, intent.number, intent.reason)
    return [Reply(replies.refused(translation(call.person.language)))]


def attach(
    session: AsyncSession,
    case: Case,
    channel: str,
    media: Sequence[Media],
    desk: Desk,
    staff_id: int | None = None,
) -> None:
    """Each file on the case, with its stored copy; `staff_id`: sent by that staff member
    (a reply to the customer, issue 13), else the customer's."""
    for item in media:
        session.add(
            Attachment(
                case_id=case.id,
                channel=channel,
                file_ref=item.ref[:500],
                media_kind=item.kind[:32],
                created_at=desk.clock.now(),
                stored_path=item.path[:500] if item.path else None,
                size_bytes=item.size,
                file_name=item.name[:200] if item.name else None,
                staff_id=staff_id,
            )
        )
