"""The few X API v2 endpoints tuicoach uses, through tweepy, returning domain models.

:class:`XClient` owns a tweepy ``Client`` (OAuth 1.0a user context) whose
session is an :class:`~tuicoach.backends.x.transport.XSession`, so every
request goes to the configured API base with a timeout. Reads and likes are
retried when X or the network stumbles; creating a tweet never is (the outbox
decides what to do when its answer is lost). Every failure leaves here as a
``BackendError``.
"""

from __future__ import annotations

import html
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from tuicoach.backends.base import BackendError, RateLimited
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import (
    DEFAULT_RETRY,
    RELOGIN_HINT,
    ResponseLost,
    RetryPolicy,
    answer_lost,
    call_with_retries,
    map_error,
    rate_limited,
)
from tuicoach.backends.x.settings import DEFAULT_API_BASE, XSettings, api_base
from tuicoach.backends.x.transport import DEFAULT_TIMEOUT, XSession
from tuicoach.domain.models import User
from tuicoach.domain.xapi import Page, PayloadError, page_from_json, user_from_json

# What the coach and owed replies need: authors, threads, reply and quote links, counts.
TWEET_FIELDS = (
    "author_id",
    "conversation_id",
    "created_at",
    "entities",
    "in_reply_to_user_id",
    "lang",
    "public_metrics",
    "referenced_tweets",
)
USER_FIELDS = ("description", "protected", "public_metrics", "verified")
# Users only. `referenced_tweets` already names each parent and quoted tweet, and
# X sends `conversation_id`: the `referenced_tweets.id` expansion would add the
# parents' full text, and X bills those as post reads again on every new UTC day
# (a reply to last week's tweet would cost two reads instead of one).
EXPANSIONS = (
    "author_id",
    "entities.mentions.username",
    "in_reply_to_user_id",
)

ENV_RELOGIN_HINT = (
    "check the four TUICOACH_X_* variables in your environment "
    "(the app's key and secret, the account's access token and secret)"
)

# Stream -> what a user calls it (X's limits per stream: settings.LIMITS).
FEATURES = {"home": "the home timeline", "mentions": "mentions", "own": "your own tweets"}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The ``x-rate-limit-*`` headers of the last answer from one endpoint."""

    limit: int
    remaining: int
    reset: datetime

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit | None:
        try:
            return cls(
                limit=int(headers["x-rate-limit-limit"]),
                remaining=int(headers["x-rate-limit-remaining"]),
                reset=datetime.fromtimestamp(int(headers["x-rate-limit-reset"]), UTC),
            )
        except (KeyError, ValueError, TypeError):
            return None


@dataclass(frozen=True, slots=True)
class Fetched:
    """One page of a timeline: the domain page, the raw envelope, and the rate-limit state."""

    page: Page
    raw: Mapping[str, Any] = field(default_factory=dict)
    rate: RateLimit | None = None


def unescape_texts(envelope: Mapping[str, Any]) -> dict[str, Any]:
    """X's v2 escapes ``&``, ``<`` and ``>`` in tweet text; store what the author typed."""
    out = dict(envelope)

    def clean(tweet: Any) -> Any:
        if isinstance(tweet, Mapping) and isinstance(tweet.get("text"), str):
            return {**tweet, "text": html.unescape(tweet["text"])}
        return tweet

    data = out.get("data")
    if isinstance(data, list):
        out["data"] = [clean(t) for t in data]
    elif isinstance(data, Mapping):
        out["data"] = clean(data)
    includes = out.get("includes")
    if isinstance(includes, Mapping) and isinstance(includes.get("tweets"), list):
        out["includes"] = {**includes, "tweets": [clean(t) for t in includes["tweets"]]}
    return out


class XClient:
    """An authenticated connection to X for one account."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        relogin_hint: str = RELOGIN_HINT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session = XSession(api_base, timeout)
        self._tweepy = tweepy.Client(
            consumer_key=credentials.consumer_key,
            consumer_secret=credentials.consumer_secret,
            access_token=credentials.access_token,
            access_token_secret=credentials.access_token_secret,
            return_type=requests.Response,
        )
        self._tweepy.session = self.session
        self._retry = retry
        self._sleep = sleep
        self._rng = rng
        self._hint = relogin_hint
        self._clock = clock
        self.user_id = credentials.user_id
        self.rate_limits: dict[str, RateLimit] = {}

    def close(self) -> None:
        self.session.close()

    # -- reads (retried) -------------------------------------------------------

    def _read(self, key: str, feature: str, call: Callable[[], requests.Response]) -> Any:
        def attempt() -> Any:
            try:
                response = call()
            except tweepy.TooManyRequests as exc:
                if (rate := RateLimit.from_headers(exc.response.headers)) is not None:
                    self.rate_limits[key] = rate
                raise
            if (rate := RateLimit.from_headers(response.headers)) is not None:
                self.rate_limits[key] = rate
            return response.json()

        return call_with_retries(
            attempt,
            feature,
            policy=self._retry,
            sleep=self._sleep,
            rng=self._rng,
            relogin_hint=self._hint,
            now=self._clock,
        )

    def me(self) -> User:
        """The signed-in user (costs one user read)."""
        body = self._read(
            "me",
            "your profile",
            lambda: self._tweepy.get_me(user_fields=list(USER_FIELDS)),
        )
        try:
            return user_from_json(body.get("data") if isinstance(body, Mapping) else None)
        except PayloadError as exc:
            raise BackendError(f"X sent a profile tuicoach could not read ({exc})") from exc

    def profile(self) -> Mapping[str, Any]:
        """The signed-in user's profile as X sends it: description, url and entities too
        (costs one user read)."""
        body = self._read(
            "me",
            "your profile",
            lambda: self._tweepy.get_me(user_fields=[*USER_FIELDS, "url", "entities"]),
        )
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping):
            raise BackendError("X sent a profile tuicoach could not read (no data)")
        return data

    def timeline(self, stream: str, **params: Any) -> Fetched:
        """One page of ``home``, ``mentions`` or ``own`` tweets, with every field tuicoach uses."""
        feature = FEATURES[stream]
        fields: dict[str, Any] = {
            "tweet_fields": list(TWEET_FIELDS),
            "user_fields": list(USER_FIELDS),
            "expansions": list(EXPANSIONS),
            **{k: v for k, v in params.items() if v is not None},
        }
        if stream == "home":
            call = lambda: self._tweepy.get_home_timeline(**fields)  # noqa: E731
        elif stream == "mentions":
            call = lambda: self._tweepy.get_users_mentions(self.user_id, user_auth=True, **fields)  # noqa: E731
        elif stream == "own":
            call = lambda: self._tweepy.get_users_tweets(self.user_id, user_auth=True, **fields)  # noqa: E731
        else:
            raise ValueError(f"unknown stream {stream!r}")
        body = self._read(stream, feature, call)
        if not isinstance(body, Mapping):
            raise BackendError(f"X sent {feature} in a shape tuicoach does not know")
        raw = unescape_texts(body)
        try:
            page = page_from_json(raw)
        except PayloadError as exc:
            raise BackendError(
                f"X sent {feature} with a tweet tuicoach could not read ({exc})"
            ) from exc
        return Fetched(page=page, raw=raw, rate=self.rate_limits.get(stream))

    def rate_limited(self, stream: str, now: datetime) -> RateLimited | None:
        """The rate limit that still blocks ``stream`` at ``now``, from the last headers seen."""
        rate = self.rate_limits.get(stream)
        if rate is None or rate.remaining > 0 or rate.reset <= now:
            return None
        return rate_limited(FEATURES[stream], rate.reset, rate.limit)

    # -- writes ---------------------------------------------------------------------

    def like(self, tweet_id: str) -> None:
        """Like a tweet; liking twice is harmless, so this one may be retried."""
        self._read("like", "liking", lambda: self._tweepy.like(tweet_id))

    def unlike(self, tweet_id: str) -> None:
        """Take a like back; harmless twice, so retried like :meth:`like`."""
        self._read("like", "unliking", lambda: self._tweepy.unlike(tweet_id))

    def create_tweet(self, text: str, *, reply_to_id: str | None = None) -> Mapping[str, Any]:
        """Send a tweet once, and return X's ``data`` object (``id``, ``text``).

        Never retried here. When the answer is lost after the request may have
        reached X, this raises :class:`ResponseLost`, so the outbox checks the
        account's tweets before it sends again.
        """
        try:
            response = self._tweepy.create_tweet(text=text, in_reply_to_tweet_id=reply_to_id)
            body = response.json()
        except Exception as exc:
            error = map_error(exc, "posting", relogin_hint=self._hint, now=self._clock)
            if answer_lost(exc):
                raise ResponseLost(f"{error}; the tweet may or may not have gone out") from exc
            raise error from exc
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping) or "id" not in data:
            raise ResponseLost("X's answer to posting did not say which tweet it created")
        return {**data, "text": html.unescape(str(data.get("text", text)))}


def make_client(
    credentials: Credentials,
    settings: XSettings,
    *,
    source: str = "keyring",
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> XClient:
    """A client as the config says, with the right way out for a 401 (``source``: env/keyring)."""
    return XClient(
        credentials,
        api_base=api_base(settings.api_base),
        timeout=settings.timeout,
        retry=RetryPolicy(attempts=settings.retries),
        sleep=sleep,
        rng=rng,
        relogin_hint=ENV_RELOGIN_HINT if source == "env" else RELOGIN_HINT,
        clock=clock,
    )


def whoami(
    credentials: Credentials,
    *,
    settings: XSettings | None = None,
    source: str = "env",
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> User:
    """Ask X whose credentials these are (one request, one user read)."""
    client = make_client(
        credentials, settings or XSettings(), source=source, clock=clock, sleep=sleep
    )
    try:
        return client.me()
    finally:
        client.close()
