"""Reading a complaint told in one message (issue 19): the category, what the customer
wants, when it happened, an order number, a phone, danger and collective signals, each
guessed with a confidence so the dialogue asks only what it is unsure of.

Pure: the text, the policy and the time come in; nothing is stored or sent. The category
phrases are the configuration's (`Category.phrases`); wishes and day words are facts of
the languages (conversations/reading/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from conversations.base.parsing import find_order, find_phone
from conversations.base.policy import Language, Policy
from conversations.base.timewords import local_date
from conversations.base.values import Wanted
from conversations.reading import categories
from conversations.reading.incident import incident
from conversations.reading.signals import collective
from conversations.reading.wishes import wishes

T = TypeVar("T")

SURE = 0.75  # at or above it the dialogue takes the guess without asking


@dataclass(frozen=True)
class Guess(Generic[T]):
    value: T
    confidence: float  # 0..1


@dataclass(frozen=True)
class Reading:
    category: Guess[str] | None  # a config category key
    likely_categories: tuple[str, ...]  # best first, for asking with the likely answer first
    wanted: Guess[Wanted] | None
    occurred_on: Guess[date] | None
    order_ref: str | None
    phone: str | None
    danger: tuple[str, ...]  # danger phrases found (the grading's list)
    collective: bool  # "整栋楼的住户", "we all"


def read_story(text: str, policy: Policy, language: Language, now: datetime) -> Reading:
    """What `text` tells; `language` is the customer's (phrases of every language are
    read, as people mix scripts), `now` resolves '昨天' in the business's time zone."""
    ranking = categories.rank(text, policy)
    best = ranking.best
    return Reading(
        category=Guess(best[0], categories.confidence(ranking)) if best else None,
        likely_categories=tuple(key for key, _ in ranking.scores),
        wanted=_wanted(text),
        occurred_on=_occurred(text, local_date(now, policy.calendar.zone)),
        order_ref=find_order(text),
        phone=find_phone(text),
        danger=tuple(policy.grading.danger_phrases.find(text)),
        collective=collective(text),
    )


def _wanted(text: str) -> Guess[Wanted] | None:
    """The last wish asked for; less sure when the story asks for several things."""
    asked = wishes(text)
    if not asked:
        return None
    return Guess(asked[-1], 0.9 if len(set(asked)) == 1 else 0.6)


def _occurred(text: str, today: date) -> Guess[date] | None:
    found = incident(text, today)
    if found is None:
        return None
    return Guess(found.day, 0.95 if found.sure else 0.7)
