"""Which configured category a story is about (issue 19): the categories' phrases, in
every language, counted as whole words; the margin between the best two is the confidence.

The phrases are the configuration's (`Category.phrases`): the categories are the
business's, not the code's. A phrase listed for two categories counts for both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from conversations.base.phrases import normal
from conversations.base.policy import Language, Policy
from conversations.reading.english import forms
from conversations.reading.negation import Negations
from conversations.reading.segment import WordPhrases

PHRASE, TOPIC = 1.0, 0.4  # a topic ('账单', 'parcel') says less than what is wrong
SPECIFIC = 0.01  # a character's worth: between equals, longer phrases say more

_Key = tuple[tuple[str, float, tuple[str, ...], tuple[str, ...]], ...]


@dataclass(frozen=True)
class Lexicon:
    """The phrases and topics of every category compiled into one automaton."""

    phrases: WordPhrases
    owners: dict[str, tuple[tuple[str, float], ...]]  # normal form -> (category, weight)


@dataclass(frozen=True)
class Ranking:
    """Categories by score, best first, with the scores."""

    scores: tuple[tuple[str, float], ...]

    @property
    def best(self) -> tuple[str, float] | None:
        return self.scores[0] if self.scores else None

    @property
    def runner_up(self) -> float:
        return self.scores[1][1] if len(self.scores) > 1 else 0.0


_SEEN: dict[int, tuple[object, Lexicon]] = {}  # id of a policy's category list -> its lexicon


def lexicon(policy: Policy) -> Lexicon:
    """The policy's lexicon, compiled once; a policy is frozen, so its category list is
    known by identity (the key of words below would cost most of a reading)."""
    seen = _SEEN.get(id(policy.categories))
    if seen is not None and seen[0] is policy.categories:
        return seen[1]
    if len(_SEEN) > 16:
        _SEEN.clear()
    compiled = _lexicon(policy)
    _SEEN[id(policy.categories)] = (policy.categories, compiled)
    return compiled


def _lexicon(policy: Policy) -> Lexicon:
    key = tuple(
        (category.key, category.weight, _all(category.phrases), _all(category.topics))
        for category in policy.categories
    )
    near = tuple(p for category in policy.categories for p in _all(category.near_misses))
    return _compiled(key, near)


def _all(by_language: dict[Language, list[str]]) -> tuple[str, ...]:
    return tuple(phrase for phrases in by_language.values() for phrase in phrases)


@lru_cache(maxsize=8)
def _compiled(key: _Key, near_misses: tuple[str, ...]) -> Lexicon:
    owners: dict[str, dict[str, float]] = defaultdict(dict)
    for category, scale, phrases, topics in key:
        for words, weight in ((topics, TOPIC * scale), (phrases, PHRASE * scale)):
            for word in (form for listed in words for form in forms(normal(listed))):
                if word:
                    owners[word][category] = max(weight, owners[word].get(category, 0.0))
    return Lexicon(
        WordPhrases(list(owners), near_misses),
        {word: tuple(weights.items()) for word, weights in owners.items()},
    )


def rank(text: str, policy: Policy) -> Ranking:
    """Each category's score: the weights of its phrases and topics found in `text`,
    each counted once; one said to be unwanted ('不要送修', "don't repair") does not count."""
    words, negations = lexicon(policy), Negations.of(text)
    kept = (f for f in words.phrases.occurrences(text) if not negations.negate(f, reach=2))
    scores: dict[str, float] = defaultdict(float)
    for found in dict.fromkeys(f.phrase for f in kept):
        for category, weight in words.owners.get(found, ()):
            scores[category] += weight + SPECIFIC * min(len(found), 10)
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    return Ranking(tuple(ordered))


def confidence(ranking: Ranking) -> float:
    """The leader's score against the runner-up's plus one topic's worth of doubt: a
    phrase with a topic agreeing ('电水壶' and '漏水') is sure, a lone phrase is not."""
    best = ranking.best
    if best is None:
        return 0.0
    lead = best[1]
    return round(lead / (lead + ranking.runner_up + TOPIC), 3)
