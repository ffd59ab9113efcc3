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

from tuicoach.backends.base import BackendError, RateLimited, SearchRejected
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import (
    DEFAULT_RETRY,
    RELOGIN_HINT,
    ResponseLost,
    RetryPolicy,
    call_with_retries,
    map_error,
    never_reached,
    parse_reset,
    rate_limited,
    readable_refusal,
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
SEARCH_FEATURE = "searching X"  # listening's recent search (rate-limit key "search")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The ``x-rate-limit-*`` headers of the last answer from one endpoint."""

    limit: int
    remaining: int
    reset: datetime

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str], now: datetime | None = None
    ) -> RateLimit | None:
        """The headers' rate limit; ``None`` when one is missing or makes no sense
        (a reset of ``soon`` or ``1e20``): a bad header is ignored, never fatal."""
        reset = parse_reset(headers.get("x-rate-limit-reset"), now or datetime.now(UTC))
        if reset is None:
            return None
        try:
            limit = int(headers["x-rate-limit-limit"])
            remaining = int(headers["x-rate-limit-remaining"])
        except (KeyError, ValueError, TypeError):
            return None
        if limit < 0 or remaining < 0:
            return None
        return cls(limit=limit, remaining=remaining, reset=reset)


@dataclass(frozen=True, slots=True)
class Fetched:
    """One page of a timeline: the domain page, the raw envelope, and the rate-limit state."""

    page: Page
    raw: Mapping[str, Any] = field(default_factory=dict)
    rate: RateLimit | None = None
    refused: str | None = None  # what X sent beyond what was asked, and was dropped


def keep_to(envelope: dict[str, Any], max_results: int | None) -> str | None:
    """Cut a page X sent over-full down to what was asked; say what was dropped.

    X may send more than ``max_results`` (a bug, a proxy): storing it all would
    bill and show tweets nobody asked for. The first ``max_results`` (newest)
    are kept; the users and tweets brought along are bounded the same way.
    """
    if not max_results:
        return None
    data = envelope.get("data")
    notes = []
    if isinstance(data, list) and len(data) > max_results:
        notes.append(f"{len(data) - max_results:,} tweets beyond the {max_results} asked for")
        envelope["data"] = data[:max_results]
    includes = envelope.get("includes")
    if isinstance(includes, Mapping):
        bounded = dict(includes)
        for key in ("users", "tweets"):
            items = bounded.get(key)
            cap = 4 * max_results  # author, replied-to and mentioned users of each tweet
            if isinstance(items, list) and len(items) > cap:
                notes.append(f"{len(items) - cap:,} included {key} beyond {cap}")
                bounded[key] = items[:cap]
        envelope["includes"] = bounded
    if not notes:
        return None
    return f"X sent more than asked; tuicoach dropped {' and '.join(notes)}"


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
                rate = RateLimit.from_headers(exc.response.headers, self._clock())
                if rate is not None:
                    self.rate_limits[key] = rate
                raise
            if (rate := RateLimit.from_headers(response.headers, self._clock())) is not None:
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
        refused = keep_to(raw, params.get("max_results"))
        try:
            page = page_from_json(raw)
        except PayloadError as exc:
            raise BackendError(
                f"X sent {feature} with a tweet tuicoach could not read ({exc})"
            ) from exc
        except RecursionError:
            raise BackendError(f"X sent {feature} nested too deeply to read") from None
        return Fetched(page=page, raw=raw, rate=self.rate_limits.get(stream), refused=refused)

    def rate_limited(self, stream: str, now: datetime) -> RateLimited | None:
        """The rate limit that still blocks ``stream`` at ``now``, from the last headers seen."""
        rate = self.rate_limits.get(stream)
        if rate is None or rate.remaining > 0 or rate.reset <= now:
            return None
        return rate_limited(FEATURES[stream], rate.reset, rate.limit)

    def search_recent(
        self,
        query: str,
        *,
        search: str,
        since_id: str | None = None,
        next_token: str | None = None,
        max_results: int = 10,
        until_id: str | None = None,
    ) -> Fetched:
        """One page of X's recent search (last 7 days) for saved search ``search``.

        ``since_id`` and ``until_id`` bound the ids (both exclusive): a backlog's poll.

        OAuth 1.0a user context (``user_auth=True``). A query X rejects (400)
        is a :class:`SearchRejected` naming ``search``; a 429 is ``RateLimited``.
        """
        params: dict[str, Any] = {
            "tweet_fields": list(TWEET_FIELDS),
            "user_fields": list(USER_FIELDS),
            "expansions": ["author_id"],  # the authors only: each user read costs $0.010
            "max_results": max_results,
            "since_id": since_id,
            "until_id": until_id,
            "next_token": next_token,
        }
        params = {k: v for k, v in params.items() if v is not None}

        def call() -> requests.Response:
            try:
                response: requests.Response = self._tweepy.search_recent_tweets(
                    query, user_auth=True, **params
                )
            except tweepy.BadRequest as exc:
                raise SearchRejected(
                    f"X rejected the query of saved search {search!r} (400): "
                    f"{_problem_detail(exc.response)}. Edit the search's terms "
                    "(`tuicoach listen --edit`) and try again",
                    search,
                ) from exc
            return response

        body = self._read("search", SEARCH_FEATURE, call)
        if not isinstance(body, Mapping):
            raise BackendError("X sent search results in a shape tuicoach does not know")
        raw = unescape_texts(body)
        try:
            page = page_from_json(raw)
        except PayloadError as exc:
            raise BackendError(f"X sent a search result tuicoach could not read ({exc})") from exc
        return Fetched(page=page, raw=raw, rate=self.rate_limits.get("search"))

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
        except Exception as exc:
            error = map_error(exc, "posting", relogin_hint=self._hint, now=self._clock)
            if never_reached(exc) or readable_refusal(exc):
                raise error from exc
            # Anything else (a timeout, a dropped connection, a 5xx, a 4xx that is
            # not X's JSON, an answer too long): X may have stored the tweet.
            raise ResponseLost(f"{error}; the tweet may or may not have gone out") from exc
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping) or not str(data.get("id", "")).isdigit():
            # A 2xx cut short, empty, HTML or JSON without the new id: X most
            # likely stored the tweet; it is in flight until a lookup says.
            status = getattr(response, "status_code", "2xx")
            raise ResponseLost(
                f"X answered posting ({status}) but the answer could not be read "
                "(cut short, empty, or not X's JSON); the tweet may or may not have gone out"
            )
        return {**data, "id": str(data["id"]), "text": html.unescape(str(data.get("text", text)))}


def _problem_detail(response: Any) -> str:
    """X's own words from a problem body (the first error's message, else ``detail``)."""
    try:
        body = response.json()
    except (ValueError, AttributeError):
        return "no reason given"
    if not isinstance(body, Mapping):
        return "no reason given"
    for error in body.get("errors") or []:
        if isinstance(error, Mapping) and error.get("message"):
            return str(error["message"])
    return str(body.get("detail") or body.get("title") or "no reason given")


class XAppClient:
    """App-only access (an OAuth 2 bearer token): counts and usage, which OAuth 1.0a cannot read.

    ``/2/tweets/counts/recent`` and ``/2/usage/tweets`` accept only an app's
    bearer token (X-API-2026.md); tweepy's ``get_recent_tweets_count`` always
    sends it. Without one, tuicoach estimates from a first page instead.
    """

    def __init__(
        self,
        bearer_token: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.session = XSession(api_base, timeout)
        self._tweepy = tweepy.Client(bearer_token=bearer_token, return_type=requests.Response)
        self._tweepy.session = self.session
        self._retry = retry
        self._sleep = sleep
        self._clock = clock

    def close(self) -> None:
        self.session.close()

    def _read(self, feature: str, call: Callable[[], requests.Response]) -> Any:
        return call_with_retries(
            lambda: call().json(),
            feature,
            policy=self._retry,
            sleep=self._sleep,
            relogin_hint="check the bearer token in $TUICOACH_X_BEARER_TOKEN",
            now=self._clock,
        )

    def recent_counts(self, query: str, *, search: str) -> list[tuple[datetime, int]]:
        """Posts per day matching ``query`` over the last 7 days, oldest first."""

        def call() -> requests.Response:
            try:
                response: requests.Response = self._tweepy.get_recent_tweets_count(
                    query, granularity="day"
                )
            except tweepy.BadRequest as exc:
                raise SearchRejected(
                    f"X rejected the query of saved search {search!r} (400): "
                    f"{_problem_detail(exc.response)}",
                    search,
                ) from exc
            return response

        body = self._read("counting posts", call)
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, list):
            raise BackendError("X sent counts in a shape tuicoach does not know")
        out = []
        for bucket in data:
            try:
                start = datetime.fromisoformat(str(bucket["start"]).replace("Z", "+00:00"))
                out.append((start, int(bucket["tweet_count"])))
            except (KeyError, TypeError, ValueError) as exc:
                raise BackendError(f"X sent a count tuicoach could not read ({exc})") from exc
        return out

    def usage_tweets(self, days: int) -> dict[str, int]:
        """X's own count of post reads per UTC day (``YYYY-MM-DD``) for the project."""

        def call() -> requests.Response:
            response: requests.Response = self._tweepy.request(
                "GET",
                "/2/usage/tweets",
                params={"days": days, "usage.fields": "daily_project_usage"},
            )
            return response

        body = self._read("reading X's usage", call)
        data = body.get("data") if isinstance(body, Mapping) else None
        daily = data.get("daily_project_usage") if isinstance(data, Mapping) else None
        found: dict[str, int] = {}
        # Two shapes in X's docs: {"usage": [{"date", "usage"}]} and [{"date", "usage": [...]}].
        if isinstance(daily, Mapping):
            for item in daily.get("usage") or []:
                if isinstance(item, Mapping) and "date" in item:
                    found[str(item["date"])[:10]] = int(item.get("usage") or 0)
        elif isinstance(daily, list):
            for item in daily:
                if not isinstance(item, Mapping) or "date" not in item:
                    continue
                apps = item.get("usage") or []
                total = sum(
                    int(a.get("tweets_consumed") or 0) for a in apps if isinstance(a, Mapping)
                )
                found[str(item["date"])[:10]] = total
        else:
            raise BackendError("X sent usage in a shape tuicoach does not know")
        return found


def make_app_client(
    bearer_token: str,
    settings: XSettings,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> XAppClient:
    """The app-only client as the config says (same API base, timeout and retries)."""
    return XAppClient(
        bearer_token,
        api_base=api_base(settings.api_base),
        timeout=settings.timeout,
        retry=RetryPolicy(attempts=settings.retries),
        sleep=sleep,
        clock=clock,
    )


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
