"""Bad reviews as cases (seed 003, 差评整改): logged by staff or imported, then graded,
routed and timed like any case; they end with a recorded follow-up result, not a survey,
since the reviewer may be unreachable."""

from __future__ import annotations

from sqlalchemy import select

from conversations import intents as i
from conversations import replies
from conversations.base.i18n import translation
from conversations.base.messages import Reply
from conversations.base.values import CaseKind, CaseStatus, EventKind, ReviewOutcome
from handlers.access import require_department, require_staff
from handlers.actors import Actor
from handlers.common import clean_text, load_case
from handlers.desk import Desk
from handlers.file import NewCase, file_case
from handlers.lifecycle import Action, advance
from handlers.refusals import Refusal
from handlers.registry import Call, handles, staff_done
from handlers.timeline import record
from storage.models import Case, Customer, Review
from storage.uow import UnitOfWork

CHANNEL = "review"  # reviews have no chat: nothing is ever sent to the reviewer
MAX_LINK = 500  # reviews.link and reviews.source_key
MAX_REVIEWER = 120  # customers.name holds "platform:reviewer" (200; platform keys up to 64)


async def log_review(uow: UnitOfWork, desk: Desk, actor: Actor, review: i.LogReview) -> Case:
    """A case of kind `review`; refused if the same review was logged before."""
    _validate(desk, review)
    session = uow.session
    existing = await session.scalar(
        select(Case.number)
        .join(Review, Review.case_id == Case.id)
        .where(Review.platform == review.platform, Review.source_key == review.source_key)
    )
    if existing is not None:
        raise Refusal("review.duplicate", number=existing)
    reviewer = await _reviewer(uow, desk, review)
    case = await file_case(
        uow,
        desk,
        reviewer.id,
        NewCase(
            kind=CaseKind.REVIEW,
            category=review.category,
            description=clean_text(review.text, 20_000),
            channel=CHANNEL,
            order_ref=review.order_ref,
            source=review.platform,
        ),
    )
    session.add(
        Review(
            case_id=case.id,
            platform=review.platform,
            source_key=review.source_key,
            link=review.link,
            rating=review.rating,
            reviewer=review.reviewer,
            reviewed_at=review.reviewed_at,
        )
    )
    record(
        session,
        case,
        actor,
        EventKind.REVIEW_LOGGED,
        desk.clock.now(),
        visible=False,
        platform=review.platform,
        rating=review.rating,
    )
    return case


def _validate(desk: Desk, review: i.LogReview) -> None:
    if review.platform not in desk.policy.review_platforms:
        raise Refusal("review.platform", platforms=", ".join(desk.policy.review_platforms))
    if review.rating is not None and not 1 <= review.rating <= 5:
        raise Refusal("survey.score_range")
    if not review.reviewer.strip():
        raise Refusal("review.reviewer")
    # Checked against the columns, so both databases answer alike (PostgreSQL refused a
    # 199-character name: it is stored as "platform:name" in customers.name, 200 long).
    if len(review.reviewer.strip()) > MAX_REVIEWER:
        raise Refusal("input.too_long", limit=MAX_REVIEWER)
    if review.link is not None and len(review.link) > MAX_LINK:
        raise Refusal("input.too_long", limit=MAX_LINK)


async def _reviewer(uow: UnitOfWork, desk: Desk, review: i.LogReview) -> Customer:
    """One customer record per reviewer and platform, so their repeat reviews are seen."""
    name = f"{review.platform}:{review.reviewer.strip()}"
    found = await uow.session.scalar(select(Customer).where(Customer.name == name).limit(1))
    if found is not None:
        return found
    customer = Customer(name=name, created_at=desk.clock.now())
    uow.session.add(customer)
    await uow.session.flush()
    return customer


async def record_outcome(
    uow: UnitOfWork, desk: Desk, actor: Actor, number: str, outcome: ReviewOutcome, note: str = ""
) -> Case:
    """Customer service closes a review case with what became of the review."""
    require_staff(actor)
    case = await load_case(uow.session, number)
    require_department(actor, case, supporting=[desk.policy.service_department])
    if case.kind is not CaseKind.REVIEW:
        raise Refusal("review.not_review", number=case.number)
    if case.status is not CaseStatus.FOLLOW_UP:
        raise Refusal(
            "case.wrong_status", number=case.number, action="outcome", status=case.status.value
        )
    review = await uow.session.get(Review, case.id)
    assert review is not None
    now = desk.clock.now()
    review.outcome = outcome
    advance(case, Action.CLOSE)
    case.closed_at, case.solved = now, outcome == ReviewOutcome.UPDATED
    record(
        uow.session,
        case,
        actor,
        EventKind.REVIEW_OUTCOME,
        now,
        visible=False,
        outcome=outcome.value,
        note=note.strip(),
    )
    return case


@handles(i.LogReview)
async def on_log_review(call: Call, intent: i.LogReview) -> list[Reply]:
    require_staff(call.actor)
    case = await log_review(call.uow, call.desk, call.actor, intent)
    return [Reply(replies.review_logged(translation(call.person.language), case.number))]


@handles(i.RecordOutcome)
async def on_outcome(call: Call, intent: i.RecordOutcome) -> list[Reply]:
    return await staff_done(call, record_outcome, intent.number, intent.outcome, intent.note)
