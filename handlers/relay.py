"""Staff write to a case's customer (issue 13): `/reply N text`, a canned answer
(`/reply N #key`), a photo or file, a Telegram reply to the bot's message about the case,
or a message in the case's forum topic. Each goes on the timeline (the customer sees it)
and through the outbox on the case's channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import intents as i
from conversations import relays
from conversations.base.i18n import translation
from conversations.base.messages import Media, Reply
from conversations.base.policy import CannedAnswer, Language, Policy
from conversations.base.values import ActorKind, CaseStatus, EventKind, Role
from handlers.access import refuse_other_department, require_staff
from handlers.actors import Actor
from handlers.common import clean_text, due_words, load_case
from handlers.customer import attach
from handlers.desk import Desk
from handlers.refusals import Refusal
from handlers.registry import Call, handles
from handlers.timeline import record
from notifications.notices import Notifier
from notifications.relays import media_payload
from storage.cases import CaseRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case
from storage.people import PeopleRepository
from storage.relays import RelayRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_FILES = 10  # files on one message at most (a Telegram album holds 10)
TEMPLATE = "message"  # the update's kind for channels that reach customers by template


@dataclass(frozen=True)
class Message:
    """What a staff member sends the customer: words, a canned key, files, and the
    channel the files came in on."""

    text: str = ""
    canned: str = ""
    media: tuple[Media, ...] = ()
    channel: str = ""


def require_writer(actor: Actor, case: Case, policy: Policy) -> None:
    """Who may write to the customer: the handler, their department's lead, managers,
    and, while nobody has taken the case, its department's staff."""
    require_staff(actor)
    if actor.is_manager or (case.handler_id is not None and actor.id == case.handler_id):
        return
    if actor.department == case.department:
        if actor.role is Role.LEAD or case.handler_id is None:
            return
        raise Refusal("access.not_handler", number=case.number)
    refuse_other_department(policy, case)


async def reply_to_customer(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, message: Message
) -> Case:
    session, now = uow.session, desk.clock.now()
    case = await load_case(session, number)
    require_writer(actor, case, desk.policy)
    if case.status is CaseStatus.CLOSED:
        raise Refusal("relay.case_closed", number=case.number)
    notifier = Notifier(session, desk.policy, now)
    language = await notifier.customer_language_code(case)
    words = await _words(session, desk, case, message, language)
    media = message.media[:MAX_FILES]
    shown = relays.from_desk(translation(language), case.number, words)
    extra = media_payload(message.channel, media)
    # the template's short 'message' keyword shows the words, not their introduction
    sent = await notifier.customer(case, shown, template=TEMPLATE, extra=extra, brief=words)
    if not sent:
        raise Refusal("relay.no_chat", number=case.number)
    names = [m.name or m.kind for m in media]
    data = {"text": words, "files": names, "canned": message.canned or None}
    record(session, case, actor, EventKind.STAFF_REPLIED, now, visible=True, **data)
    staff_id = actor.id if actor.kind is ActorKind.STAFF else None
    attach(session, case, message.channel, media, desk, staff_id)
    return case


async def _words(
    session: AsyncSession, desk: Desk, case: Case, message: Message, language: Language
) -> str:
    """The message's words: the canned answer filled in the customer's language, then
    what the staff member typed; none at all only when files go alone."""
    typed = message.text.strip()
    if typed:
        typed = clean_text(typed)
    elif not message.canned and not message.media:
        raise Refusal("input.empty")
    if not message.canned:
        return typed
    answer = canned(desk, case, message.canned)
    filled = await fill(session, desk, case, answer, language)
    return f"{filled}\n\n{typed}" if typed else filled


def canned(desk: Desk, case: Case, key: str) -> CannedAnswer:
    """The canned answer `key` (as typed, with or without '#') for the case's category."""
    wanted = key.strip().lstrip("#").casefold()
    fitting = desk.policy.canned_for(case.category)
    for answer in fitting:
        if answer.key == wanted:
            return answer
    if not fitting:
        raise Refusal("canned.none", number=case.number)
    keys = ", ".join(f"#{answer.key}" for answer in fitting)
    raise Refusal("canned.unknown", wanted=wanted[:32], number=case.number, keys=keys)


async def fill(
    session: AsyncSession, desk: Desk, case: Case, answer: CannedAnswer, language: Language
) -> str:
    """{name} {number} {due} in the customer's language."""
    t = translation(language)
    customer = await PeopleRepository(session).customer(case.customer_id)
    name = customer.name if customer and customer.name else relays.polite_name(t)
    due = await DeadlineRepository(session).next_due(case.id)
    when = due_words(desk, language, due.due_at) if due else relays.soon(t)
    return answer.render(language, name=name, number=case.number, due=when)


def in_group(policy: Policy, channel: str, chat: str) -> bool:
    """Whether `chat` is a department's group, or a topic ('group:thread') of one."""
    groups = {d.chats[channel] for d in policy.departments if channel in d.chats}
    return chat in groups or chat.rpartition(":")[0] in groups


async def case_in_chat(
    session: AsyncSession, desk: Desk, channel: str, intent: i.ReplyInChat
) -> Case | None:
    """The case a message is about: in a department group, the case whose forum topic it
    was written in (only there: a reply to a card in a group is staff talking among
    themselves); in a private chat, the case of the bot's message it answers."""
    found = RelayRepository(session)
    if in_group(desk.policy, channel, intent.chat):
        group, _, thread = intent.chat.rpartition(":")
        case_id = await found.case_of_topic(channel, group, thread) if group else None
    elif intent.quoted:
        case_id = await found.case_of_sent(channel, [intent.chat], intent.quoted)
    else:
        case_id = None
    return await CaseRepository(session).get(case_id) if case_id is not None else None


# -- the staff's intents ---------------------------------------------------------------


@handles(i.ReplyToCustomer)
async def on_reply(call: Call, intent: i.ReplyToCustomer) -> list[Reply]:
    message = Message(intent.text, intent.canned, intent.media, call.channel)
    case = await reply_to_customer(call.uow, call.desk, call.actor, intent.number, message)
    t = translation(call.person.language)
    return [Reply(relays.sent_to_customer(t, case.number, len(message.media[:MAX_FILES])))]


@handles(i.ReplyInChat)
async def on_reply_in_chat(call: Call, intent: i.ReplyInChat) -> list[Reply]:
    """In a topic, the topic itself shows what was sent: only errors are answered (in the
    writer's private chat). Group talk outside a case's topic is left alone."""
    require_staff(call.actor)
    case = await case_in_chat(call.uow.session, call.desk, call.channel, intent)
    group = in_group(call.desk.policy, call.channel, intent.chat)
    if case is None:
        if group:  # another topic of the group, or its general talk: not for the customer
            log.info("group_talk_not_a_case channel=%s chat=%s", call.channel, intent.chat)
            return []
        raise Refusal("relay.not_a_case")
    message = Message(intent.text, "", intent.media, call.channel)
    await reply_to_customer(call.uow, call.desk, call.actor, case.number, message)
    if group:
        return []
    t = translation(call.person.language)
    return [Reply(relays.sent_to_customer(t, case.number, len(message.media[:MAX_FILES])))]


@handles(i.ListCanned)
async def on_list_canned(call: Call, intent: i.ListCanned) -> list[Reply]:
    require_staff(call.actor)
    case = await load_case(call.uow.session, intent.number) if intent.number else None
    answers = call.desk.policy.canned_for(case.category if case else None)
    language = call.person.language
    number = case.number if case else None
    text = relays.canned_list(translation(language), language, answers, number)
    return [Reply(text)]
