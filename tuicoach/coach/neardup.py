"""Near-duplicate search over the user's own tweets (RULEBOOK: ``near-duplicate``).

Two texts are near-duplicates when rapidfuzz's ``token_set_ratio`` of their
normalised forms (lower case, no links, no @mentions, single spaces) is at
least the threshold, 85 by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process

from tuicoach.domain.models import Tweet

DEFAULT_THRESHOLD = 85.0

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])[@＠]\w{1,15}")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, links and @mentions removed, whitespace collapsed."""
    text = _LINK.sub(" ", text)
    text = _MENTION.sub(" ", text)
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True, slots=True)
class Match:
    tweet: Tweet
    score: float


def brute_force_search(
    text: str, tweets: Iterable[Tweet], *, threshold: float = DEFAULT_THRESHOLD
) -> Match | None:
    """The plain scan: ``process.extractOne`` with ``token_set_ratio`` over every tweet.

    The reference the index is measured against, in tests and in the benchmark.
    """
    candidates = list(tweets)
    query = normalise(text)
    if not query:
        return None
    found = process.extractOne(
        query,
        [normalise(t.text) for t in candidates],
        scorer=fuzz.token_set_ratio,
        score_cutoff=threshold,
    )
    if found is None:
        return None
    _, score, position = found
    return Match(candidates[position], score)


class NearDuplicateIndex:
    """The user's history, searchable for near-duplicates of a draft.

    Reference implementation: a scan. It is to be replaced by an index whose
    cost per search does not grow with the whole history.
    """

    def __init__(self, tweets: Iterable[Tweet] = (), *, threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._tweets: list[Tweet] = []
        self.extend(tweets)

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweet: Tweet) -> None:
        self._tweets.append(tweet)

    def extend(self, tweets: Iterable[Tweet]) -> None:
        for tweet in tweets:
            self.add(tweet)

    def search(self, text: str, *, since: datetime | None = None) -> Match | None:
        """The most similar tweet at or above the threshold, created at or after ``since``."""
        pool = [t for t in self._tweets if since is None or t.created_at >= since]
        return brute_force_search(text, pool, threshold=self.threshold)
