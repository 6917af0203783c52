"""The Mini App's case page as data: what /case shows, the timeline, the files, the
deadlines with time left, and the actions the reader may take now (issue 16).

Reading the page is a staff view like /case: the same access check, and the access goes
on the timeline (POLICY §8). Contacts are masked as in group alerts; a manager may reveal
them, and that is recorded too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from gettext import NullTranslations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.base.i18n import translation
from conversations.base.policy import Language
from conversations.base.privacy import for_staff, mask_phone, without
from conversations.base.steps import step_label
from conversations.base.values import ActorKind, CaseStatus, EventKind, Role
from conversations.filing import wanted_labels
from conversations.wording import event_label, staff_status_label
from handlers.access import require_department, require_owner, require_role
from handlers.actors import Actor
from handlers.common import customer_shown, load_case, local_time, staff_name, withheld
from handlers.desk import Desk
from handlers.lifecycle import Action, check
from handlers.refusals import Refusal
from handlers.solution import needs_approval
from handlers.timeline import record
from storage.attachments import AttachmentRepository
from storage.cases import CaseRepository, TimelineRepository
from storage.deadlines import DeadlineRepository
from storage.models import Case, CaseEvent
from storage.people import PeopleRepository, staff_names


@dataclass(frozen=True)
class Entry:
    at: str
    label: str
    who: str
    text: str
    internal: bool


@dataclass(frozen=True)
class Due:
    step: str
    at: str
    hours_left: float
    late: bool


@dataclass(frozen=True)
class File:
    """One attachment as the page lists it, in the reader's words (issue 13); photos
    with a stored copy or a platform id are shown inline through the file route."""

    id: int
    kind: str
    name: str
    size: str
    sender: str
    photo: bool


@dataclass(frozen=True)
class CasePage:
    number: str
    severity: str
    status: str
    category: str
    department: str
    handler: str
    customer: str
    phone: str
    order: str
    wanted: str
    description: str
    solution: str
    timeline: Sequence[Entry]
    deadlines: Sequence[Due]
    files: Sequence[File]
    actions: frozenset[str]


async def case_page(
    session: AsyncSession,
    desk: Desk,
    actor: Actor,
    language: Language,
    number: str,
    *,
    reveal: bool = False,
) -> CasePage:
    """The page for those allowed to open the case; `reveal` shows the contact (managers),
    never the name of a customer who filed anonymously (issue 19)."""
    case = await load_case(session, number)
    require_department(actor, case, await CaseRepository(session).supporting(case.id))
    now = desk.clock.now()
    record(session, case, actor, EventKind.VIEWED, now, visible=False)
    if reveal:
        require_role(actor, Role.MANAGER)
        record(session, case, actor, EventKind.IDENTITY_REVEALED, now, visible=False)
    t = translation(language)
    customer = await PeopleRepository(session).customer(case.customer_id)
    hidden = case.confidential and not reveal
    secret = t.gettext("(confidential)")
    name, phone = (customer.name, customer.phone) if customer else (None, None)
    unnamed = withheld(case, name)
    regions = desk.policy.privacy.phone_regions

    def shown(words: str) -> str:
        """The customer's words, numbers masked as in chat (her name and contacts removed
        for a confidential filer, her name for an anonymous one); as written when a
        manager reveals, but for an anonymous filer's name."""
        if reveal:
            return without(words, unnamed)
        known = (name, phone)
        return for_staff(words, confidential=hidden, known=known, regions=regions, withheld=unnamed)

    return CasePage(
        number=case.number,
        severity=desk.policy.grading.label(case.severity, language),
        status=staff_status_label(t, case.status, approval=needs_approval(desk, case)),
        category=desk.policy.category(case.category).names.get(language, case.category),
        department=desk.policy.department(case.department).names.get(language, case.department),
        handler=await staff_name(session, case.handler_id) or "-",
        customer=secret if hidden else customer_shown(t, case, name),
        phone=secret if hidden else (phone if reveal else mask_phone(phone, regions)) or "-",
        order=case.order_ref or "-",
        wanted=wanted_labels(t)[case.wanted] if case.wanted else "-",
        description=shown(case.description),
        solution=case.solution or "",
        timeline=await _timeline(session, desk, language, case, shown),
        deadlines=await _deadlines(session, desk, language, case, now),
        files=await _files(session, case, t),
        actions=_actions(desk, actor, case),
    )


async def _timeline(
    session: AsyncSession, desk: Desk, language: Language, case: Case, words: Callable[[str], str]
) -> list[Entry]:
    t = translation(language)
    events = await TimelineRepository(session).of_case(case.id)
    shown = [e for e in events if e.kind not in {EventKind.VIEWED, EventKind.IDENTITY_REVEALED}]
    staff_ids = [e.actor_id for e in shown if e.actor_kind is ActorKind.STAFF and e.actor_id]
    names = await staff_names(session, staff_ids)
    return [
        Entry(
            at=local_time(desk, event.at),
            label=event_label(t, event.kind, event.data),
            who=_who(event, names),
            text=words(_words(event)),
            internal=not event.customer_visible,
        )
        for event in shown
    ]


def _who(event: CaseEvent, names: dict[int, str]) -> str:
    if event.actor_kind is ActorKind.STAFF and event.actor_id is not None:
        return names.get(event.actor_id, "-")
    return ""


def _words(event: CaseEvent) -> str:
    data = event.data or {}
    for key in ("text", "summary", "reason"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


async def _deadlines(
    session: AsyncSession, desk: Desk, language: Language, case: Case, now: datetime
) -> list[Due]:
    t = translation(language)
    return [
        Due(
            step=step_label(t, deadline.step),
            at=local_time(desk, deadline.due_at),
            hours_left=round((deadline.due_at - now).total_seconds() / 3600, 1),
            late=deadline.due_at < now,
        )
        for deadline in await DeadlineRepository(session).open_for_case(case.id)
    ]


async def _files(session: AsyncSession, case: Case, t: NullTranslations) -> list[File]:
    found = await AttachmentRepository(session).of_case(case.id)
    names = await staff_names(session, [a.staff_id for a in found if a.staff_id])
    customer = t.gettext("the customer")
    return [
        File(
            id=a.id,
            kind=file_kind(t, a.media_kind),
            name=a.file_name or "-",
            size=file_size(t, a.size_bytes),
            sender=names.get(a.staff_id, "-") if a.staff_id else customer,
            photo=a.media_kind == "photo",
        )
        for a in found
    ]


def file_kind(t: NullTranslations, kind: str) -> str:
    labels = {
        "photo": t.gettext("Photo"),
        "document": t.gettext("Document"),
        "voice": t.gettext("Voice note"),
        "video": t.gettext("Video"),
    }
    return labels.get(kind, t.gettext("File"))


def file_size(t: NullTranslations, size: int | None) -> str:
    """1.2 MB, 35 KB; empty when unknown (a file kept only as a platform id)."""
    if size is None:
        return ""
    if size >= 1024 * 1024:
        return t.gettext("{size} MB").format(size=round(size / 1024 / 1024, 1))
    return t.gettext("{size} KB").format(size=max(1, round(size / 1024)))


def _actions(desk: Desk, actor: Actor, case: Case) -> frozenset[str]:
    """What the page offers; the use cases check again when pressed (never trust a button)."""
    actions = {"note"} if case.status is not CaseStatus.CLOSED else set()
    if case.status is CaseStatus.ASSIGNED:
        actions.add("take")
    if _may(lambda: require_owner(actor, case)):
        for name, action in (("propose", Action.PROPOSE), ("resolve", Action.RESOLVE)):
            if _may(lambda action=action: check(case, action)):
                actions.add(name)
    if actor.is_manager:
        actions.add("reveal")
        if case.status is CaseStatus.SOLUTION_PROPOSED and needs_approval(desk, case):
            actions |= {"approve", "send_back"}
    return frozenset(actions)


def _may(probe: object) -> bool:
    try:
        probe()  # type: ignore[operator]
    except Refusal:
        return False
    return True
