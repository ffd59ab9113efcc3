"""The nouns of tuicoach: tweets, users, drafts, and what the coach says about them.

Everything here is plain, immutable data. Times are timezone-aware UTC
``datetime`` objects; ids are strings, as the X API sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters, from "cannot be posted as is" to praise."""

    ERROR = "error"
    WARNING = "warning"
    TIP = "tip"
    GOOD = "good"

    @property
    def rank(self) -> int:
        """Sort key: errors first, praise last."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.TIP: 2, Severity.GOOD: 3}


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    name: str = ""
    description: str = ""
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None
    verified: bool = False
    protected: bool = False


@dataclass(frozen=True, slots=True)
class Metrics:
    """``public_metrics`` of a tweet."""

    replies: int = 0
    retweets: int = 0
    likes: int = 0
    quotes: int = 0
    impressions: int | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """An ``@handle`` in a tweet's text, as ``entities.mentions`` reports it."""

    username: str
    start: int
    end: int
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Tweet:
    """A post, as the X API v2 describes one.

    ``replied_to_id``, ``quoted_id`` and ``retweeted_id`` flatten the API's
    ``referenced_tweets`` list. ``conversation_id`` may be ``None`` where the
    source did not say (an export, a CSV); owed-reply logic derives it then.
    """

    id: str
    text: str
    created_at: datetime
    author_id: str
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    replied_to_id: str | None = None
    quoted_id: str | None = None
    retweeted_id: str | None = None
    mentions: tuple[Mention, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    lang: str | None = None

    @property
    def is_reply(self) -> bool:
        return self.replied_to_id is not None

    @property
    def is_retweet(self) -> bool:
        return self.retweeted_id is not None

    @property
    def mentioned_usernames(self) -> frozenset[str]:
        """Lower-cased usernames this tweet mentions."""
        return frozenset(m.username.lower() for m in self.mentions)


@dataclass(frozen=True, slots=True)
class Draft:
    """Text the user is writing, and what it answers if it is a reply.

    ``reply_to`` is the tweet being answered; ``reply_usernames`` are the
    lower-cased handles already in that conversation (its author and the people
    it mentions), so that addressing them is not "mass mentioning".
    """

    text: str
    reply_to: Tweet | None = None
    reply_usernames: frozenset[str] = frozenset()

    @classmethod
    def answering(cls, text: str, tweet: Tweet, author: User | None) -> Draft:
        """A reply to ``tweet``, whose ``author`` (if known) and mentions are the conversation."""
        names = set(tweet.mentioned_usernames)
        if author is not None:
            names.add(author.username.lower())
        return cls(text, reply_to=tweet, reply_usernames=frozenset(names))

    @property
    def is_reply(self) -> bool:
        return self.reply_to is not None


@dataclass(frozen=True, slots=True)
class RelatedTweet:
    """An earlier tweet a finding points at (the original of a near-duplicate)."""

    id: str
    text: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "created_at": isoformat(self.created_at)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the coach noticed. See RULEBOOK.md, "Shape of a finding"."""

    rule: str
    severity: Severity
    message: str
    suggestion: str
    start: int | None = None
    end: int | None = None
    related: RelatedTweet | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.related is not None:
            data["related"] = self.related.to_json()
        return data


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the coach says about one draft."""

    text: str
    score: int
    weighted_length: int
    valid: bool
    promotional: bool
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def has_warnings(self) -> bool:
        return any(f.severity is Severity.WARNING for f in self.findings)

    def by_rule(self, rule: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "weighted_length": self.weighted_length,
            "valid": self.valid,
            "promotional": self.promotional,
            "findings": [f.to_json() for f in self.findings],
        }


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the X API writes times."""
    text = moment.astimezone(UTC).isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")
