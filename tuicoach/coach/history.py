"""The user's own tweets, kept in time order so the account rules never scan them all."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime

from tuicoach.domain.models import Tweet


class History:
    """Tweets sorted by ``created_at``; lookups by time are binary searches."""

    def __init__(self, tweets: Iterable[Tweet] = ()) -> None:
        self._tweets = sorted(tweets, key=lambda t: t.created_at)
        self._times = [t.created_at for t in self._tweets]

    def __len__(self) -> int:
        return len(self._tweets)

    def add(self, tweet: Tweet) -> None:
        position = bisect_right(self._times, tweet.created_at)
        self._times.insert(position, tweet.created_at)
        self._tweets.insert(position, tweet)

    def last(self, count: int, *, until: datetime) -> list[Tweet]:
        """The ``count`` most recent tweets at or before ``until``, oldest first."""
        end = bisect_right(self._times, until)
        return self._tweets[max(0, end - count) : end]

    def between(self, start: datetime, until: datetime) -> list[Tweet]:
        """Tweets with ``start <= created_at <= until``, oldest first."""
        return self._tweets[bisect_left(self._times, start) : bisect_right(self._times, until)]

    def latest(self, *, until: datetime) -> Tweet | None:
        found = self.last(1, until=until)
        return found[0] if found else None
