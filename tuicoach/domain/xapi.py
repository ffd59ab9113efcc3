"""One mapping from X API v2 JSON to domain models, for real and demo data alike.

The demo backend's sample data, the X backend's responses, and the files that
``tuicoach score --history`` and ``tuicoach owed --tweets`` read are all in the
shape of X API v2 objects, and all of them come through here. A malformed
object raises :class:`PayloadError` naming the field, never a bare ``KeyError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tuicoach.domain.models import Mention, Metrics, Tweet, User


class PayloadError(ValueError):
    """An X API object that is missing a field or has one of the wrong type."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"field '{field_name}': {problem}")
        self.field = field_name
        self.problem = problem


def parse_time(value: object, field_name: str = "created_at") -> datetime:
    """Parse an ISO 8601 time (``2026-03-01T09:30:00.000Z``) into aware UTC.

    A time without a zone is taken as UTC, which is what X always sends.
    """
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(field_name, "expected an ISO 8601 time such as 2026-03-01T09:30:00Z")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise PayloadError(
            field_name, f"{value!r} is not an ISO 8601 time such as 2026-03-01T09:30:00Z"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before the first representable UTC
        raise PayloadError(
            field_name, f"{value!r} is out of range: a time between years 1 and 9999 in UTC"
        ) from None


def _str(obj: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise PayloadError(key, "missing")
        return None
    if isinstance(value, bool):
        raise PayloadError(key, f"expected a string, got {value!r}")
    if isinstance(value, int):  # ids sometimes arrive as numbers in hand-made files
        return str(value)
    if not isinstance(value, str):
        raise PayloadError(key, f"expected a string, got {type(value).__name__}")
    return value


def _int(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(key, f"expected a whole number, got {value!r}")
    return value


def _mapping(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PayloadError(key, f"expected an object, got {type(value).__name__}")
    return value


def tweet_from_json(obj: object, *, default_author_id: str = "") -> Tweet:
    """Map one X API v2 tweet object to a :class:`Tweet`.

    ``id``, ``text`` and ``created_at`` are required; ``author_id`` falls back
    to ``default_author_id`` (a file of the user's own tweets may omit it).
    """
    if not isinstance(obj, Mapping):
        raise PayloadError("tweet", f"expected a JSON object, got {type(obj).__name__}")
    tweet_id = _str(obj, "id")
    text = _str(obj, "text")
    assert tweet_id is not None and text is not None
    created_at = parse_time(obj.get("created_at"))
    author_id = _str(obj, "author_id", required=False) or default_author_id

    replied_to = quoted = retweeted = None
    refs = obj.get("referenced_tweets") or []
    if not isinstance(refs, list):
        raise PayloadError("referenced_tweets", "expected a list")
    for i, ref in enumerate(refs):
        if not isinstance(ref, Mapping):
            raise PayloadError(f"referenced_tweets[{i}]", "expected an object")
        kind = _str(ref, "type")
        ref_id = _str(ref, "id")
        if kind == "replied_to":
            replied_to = ref_id
        elif kind == "quoted":
            quoted = ref_id
        elif kind == "retweeted":
            retweeted = ref_id

    mentions: list[Mention] = []
    entities = _mapping(obj, "entities")
    raw_mentions = entities.get("mentions") or []
    if not isinstance(raw_mentions, list):
        raise PayloadError("entities.mentions", "expected a list")
    for i, raw in enumerate(raw_mentions):
        if not isinstance(raw, Mapping):
            raise PayloadError(f"entities.mentions[{i}]", "expected an object")
        username = _str(raw, "username")
        assert username is not None
        mentions.append(
            Mention(
                username=username,
                start=_int(raw, "start") or 0,
                end=_int(raw, "end") or 0,
                id=_str(raw, "id", required=False),
            )
        )

    pm = _mapping(obj, "public_metrics")
    metrics = Metrics(
        replies=_int(pm, "reply_count") or 0,
        retweets=_int(pm, "retweet_count") or 0,
        likes=_int(pm, "like_count") or 0,
        quotes=_int(pm, "quote_count") or 0,
        impressions=_int(pm, "impression_count"),
    )
    return Tweet(
        id=tweet_id,
        text=text,
        created_at=created_at,
        author_id=author_id,
        conversation_id=_str(obj, "conversation_id", required=False),
        in_reply_to_user_id=_str(obj, "in_reply_to_user_id", required=False),
        replied_to_id=replied_to,
        quoted_id=quoted,
        retweeted_id=retweeted,
        mentions=tuple(mentions),
        metrics=metrics,
        lang=_str(obj, "lang", required=False),
    )


def user_from_json(obj: object) -> User:
    """Map one X API v2 user object to a :class:`User`."""
    if not isinstance(obj, Mapping):
        raise PayloadError("user", f"expected a JSON object, got {type(obj).__name__}")
    user_id = _str(obj, "id")
    username = _str(obj, "username")
    assert user_id is not None and username is not None
    pm = _mapping(obj, "public_metrics")
    return User(
        id=user_id,
        username=username,
        name=_str(obj, "name", required=False) or "",
        description=_str(obj, "description", required=False) or "",
        followers_count=_int(pm, "followers_count"),
        following_count=_int(pm, "following_count"),
        tweet_count=_int(pm, "tweet_count"),
        verified=bool(obj.get("verified", False)),
        protected=bool(obj.get("protected", False)),
    )


@dataclass(frozen=True, slots=True)
class Page:
    """One response of a tweet-list endpoint: ``data``, ``includes`` and ``meta``."""

    tweets: tuple[Tweet, ...] = ()
    users: tuple[User, ...] = ()
    included_tweets: tuple[Tweet, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def newest_id(self) -> str | None:
        value = self.meta.get("newest_id")
        return str(value) if value is not None else None

    @property
    def next_token(self) -> str | None:
        value = self.meta.get("next_token")
        return str(value) if value is not None else None


def page_from_json(envelope: object) -> Page:
    """Map a whole response envelope (``data``, ``includes``, ``meta``)."""
    if not isinstance(envelope, Mapping):
        raise PayloadError("response", f"expected a JSON object, got {type(envelope).__name__}")
    data = envelope.get("data") or []
    if isinstance(data, Mapping):  # single-object endpoints
        data = [data]
    if not isinstance(data, list):
        raise PayloadError("data", "expected a list of tweets")
    includes = _mapping(envelope, "includes")
    users = includes.get("users") or []
    included = includes.get("tweets") or []
    if not isinstance(users, list):
        raise PayloadError("includes.users", "expected a list")
    if not isinstance(included, list):
        raise PayloadError("includes.tweets", "expected a list")
    return Page(
        tweets=tuple(tweet_from_json(t) for t in data),
        users=tuple(user_from_json(u) for u in users),
        included_tweets=tuple(tweet_from_json(t) for t in included),
        meta=dict(_mapping(envelope, "meta")),
    )


class LineError(ValueError):
    """A bad line in a file of one JSON object per line."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


#: The deepest JSON nesting a line may have; a tweet object needs about 5.
MAX_DEPTH = 64
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep (a tweet object needs a handful)"


def _too_deep(line: str) -> bool:
    """Whether ``line``'s brackets nest deeper than :data:`MAX_DEPTH` (strings ignored).

    Checked before parsing: ``json.loads`` on 100,000 ``[`` raises RecursionError,
    and a merely deep object would make every later step recurse as deep.
    """
    depth = 0
    in_string = escaped = False
    for char in line:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_line(number: int, line: str) -> Any:
    """One line of JSON, or :class:`LineError` saying why it is not."""
    if _too_deep(line):
        raise LineError(number, TOO_DEEP)
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(
            number, f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"
        ) from None
    except RecursionError:
        raise LineError(number, TOO_DEEP) from None


def tweets_from_lines(lines: Iterable[str], *, default_author_id: str = "") -> list[Tweet]:
    """Read X API v2 tweet objects, one per line; blank lines are skipped.

    Raises :class:`LineError` naming the first bad line and its field.
    """
    tweets: list[Tweet] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        obj = json_line(number, line)
        try:
            tweets.append(tweet_from_json(obj, default_author_id=default_author_id))
        except PayloadError as exc:
            raise LineError(number, str(exc)) from None
        except RecursionError:
            raise LineError(number, TOO_DEEP) from None
    return tweets
