"""X's failures as the ``BackendError`` family, and bounded retries for the transient ones.

Every message names what happened and what to do, in words a user can act on:
a 401 says to sign in again, a 403 names the feature that is unavailable and
why, a 429 says until when, and a network failure says that tuicoach keeps
working from what it has stored.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests
import tweepy

from tuicoach.backends.base import AccessError, AuthError, BackendError, Offline, RateLimited

# The port's errors for a post whose answer was lost, or that is already out: X raises
# them, and its modules import them from here by these names too.
from tuicoach.backends.base import AlreadyPosted as AlreadyPosted
from tuicoach.backends.base import ResponseLost as ResponseLost
from tuicoach.backends.base import Unconfirmed as Unconfirmed

T = TypeVar("T")

RELOGIN_HINT = "run `tuicoach login` to sign in again"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry a request that failed for a passing reason.

    The n-th retry waits ``min(cap, base * 2**n)``, of which the upper half is
    random ("equal jitter"), so many clients that lost the network together do
    not come back in lockstep.
    """

    attempts: int = 4
    base: float = 1.0
    cap: float = 30.0

    def delay(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        ceiling: float = min(self.cap, self.base * 2.0**retry)
        return ceiling / 2 + rng() * ceiling / 2


class TooLarge(requests.RequestException):
    """An answer longer than tuicoach reads (see ``transport.MAX_RESPONSE_BYTES``)."""


DEFAULT_RETRY = RetryPolicy()

#: A reset further ahead than this is not X's 15-minute window: the header is bad.
MAX_RESET_AHEAD = timedelta(days=1)


def parse_reset(value: object, now: datetime) -> datetime | None:
    """``x-rate-limit-reset`` (epoch seconds) as a time, or ``None`` when it makes no sense
    (``soon``, ``1e20``, a year away, long past): a bad header is ignored, never fatal."""
    try:
        reset = datetime.fromtimestamp(int(str(value).strip()), UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        return None
    if not now - MAX_RESET_AHEAD <= reset <= now + MAX_RESET_AHEAD:
        return None
    return reset


def local_hhmm(moment: datetime) -> str:
    """A UTC moment as the user's local ``HH:MM``."""
    return moment.astimezone().strftime("%H:%M")


def _problem(response: Any) -> Mapping[str, Any]:
    try:
        body = response.json()
    except (ValueError, AttributeError):
        return {}
    return body if isinstance(body, Mapping) else {}


def _detail(body: Mapping[str, Any]) -> str:
    """X's own words: the specific ``errors[].message`` first, then the problem's ``detail``."""
    messages = [
        str(error["message"])
        for error in body.get("errors") or []
        if isinstance(error, Mapping) and error.get("message")
    ]
    if messages:
        return "; ".join(messages)
    return str(body.get("detail") or body.get("title") or "")


def _reset(response: Any, now: datetime) -> datetime:
    try:
        reset = parse_reset(response.headers["x-rate-limit-reset"], now)
    except (KeyError, TypeError, AttributeError):
        reset = None
    return reset if reset is not None and reset > now else now + timedelta(minutes=15)


def rate_limited(feature: str, until: datetime, limit: str | int | None = None) -> RateLimited:
    """Say until when ``feature`` must wait; the rest of the app carries on."""
    per = f"X allows {limit} such requests per 15 minutes" if limit else "X's limit is used up"
    return RateLimited(
        f"rate limited until {local_hhmm(until)}: {per} for {feature}; "
        "everything else keeps working",
        until,
    )


def forbidden(feature: str, body: Mapping[str, Any], status: int = 403) -> AccessError:
    """Say which feature is unavailable and why, from X's problem body."""
    reason = str(body.get("reason") or "")
    kind = str(body.get("type") or "")
    detail = _detail(body)
    if status == 402 or kind.endswith("/credits") or body.get("title") == "CreditsDepleted":
        why = (
            "your X developer account has no API credits left (CreditsDepleted); "
            "add credits or raise the spending limit in the X developer console"
        )
    elif reason == "client-not-enrolled":
        why = (
            "your X app is not attached to a Project with API v2 access "
            "(client-not-enrolled); attach it to a Project in the X developer console"
        )
    elif kind.endswith("/oauth1-permissions"):
        why = (
            "your X app's permissions do not allow it (oauth1-permissions); set the app "
            "to 'Read and write' in the X developer console, then run `tuicoach login` "
            "again, as old tokens keep the old permissions"
        )
    elif "duplicate content" in detail:
        why = "X refuses a tweet identical to one you already posted"
    elif kind.endswith("/unsupported-authentication"):
        why = f"X does not accept this kind of sign-in here ({detail})"
    else:
        why = f"X refused it: {detail or 'Forbidden'}"
    return AccessError(f"{feature[:1].upper()}{feature[1:]} is unavailable: {why}.", feature)


def map_error(
    exc: Exception,
    feature: str,
    *,
    relogin_hint: str = RELOGIN_HINT,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BackendError:
    """The ``BackendError`` a user should see for ``exc`` raised while doing ``feature``."""
    if isinstance(exc, BackendError):
        return exc
    if isinstance(exc, tweepy.Unauthorized):
        return AuthError(f"X rejected the credentials (401 Unauthorized): {relogin_hint}.")
    if isinstance(exc, tweepy.Forbidden):
        return forbidden(feature, _problem(exc.response))
    if isinstance(exc, tweepy.TooManyRequests):
        limit = getattr(exc.response, "headers", {}).get("x-rate-limit-limit")
        return rate_limited(feature, _reset(exc.response, now()), limit)
    if isinstance(exc, tweepy.HTTPException) and getattr(exc.response, "status_code", 0) == 402:
        return forbidden(feature, _problem(exc.response), status=402)
    if isinstance(exc, tweepy.TwitterServerError):
        status = getattr(exc.response, "status_code", "5xx")
        return Offline(f"X is having trouble ({status} from the server) with {feature}")
    if isinstance(exc, tweepy.HTTPException):
        status = getattr(exc.response, "status_code", "?")
        detail = _detail(_problem(exc.response)) or str(exc)
        return BackendError(f"X refused {feature} ({status}): {detail}")
    if isinstance(exc, requests.Timeout):
        return Offline(f"X did not answer in time for {feature}")
    if isinstance(exc, requests.ConnectionError):
        return Offline(f"cannot reach X for {feature} (no network, or the connection dropped)")
    if isinstance(exc, TooLarge):
        return BackendError(
            f"X sent more than tuicoach accepts for {feature} ({exc}); the answer was "
            "refused and nothing of it was stored. Try again later"
        )
    if isinstance(exc, requests.JSONDecodeError):
        return Offline(
            f"got something that is not X's answer for {feature} "
            "(a proxy or a Wi-Fi login page in the way?)"
        )
    if isinstance(exc, requests.RequestException):
        return Offline(f"cannot reach X for {feature}: {exc.__class__.__name__}")
    return BackendError(f"{feature} failed: {exc}")


def is_transient(exc: Exception) -> bool:
    """Worth trying again: a 5xx, a timeout, a dropped or refused connection."""
    return isinstance(exc, tweepy.TwitterServerError | requests.Timeout | requests.ConnectionError)


def answer_lost(exc: Exception) -> bool:
    """The request may have reached X and taken effect, but no answer came back.

    A refused connection never reached X; a timeout while reading, a dropped
    connection, or a 5xx (X may fail after doing the work) might have.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ConnectionError) and _refused(exc):
        return False
    return is_transient(exc)


def never_reached(exc: Exception) -> bool:
    """The request certainly never reached X: the connection was refused or never made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return isinstance(exc, requests.ConnectionError) and _refused(exc)


def readable_refusal(exc: Exception) -> bool:
    """X said no, in its own words: a 4xx whose body is X's JSON. Nothing was created."""
    if not isinstance(exc, tweepy.HTTPException) or isinstance(exc, tweepy.TwitterServerError):
        return False
    status = getattr(exc.response, "status_code", 0)
    if not 400 <= status < 500:
        return False
    try:
        body = exc.response.json()
    except (ValueError, AttributeError, RecursionError):
        return False
    return isinstance(body, Mapping)


def _refused(exc: requests.ConnectionError) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        if "NewConnectionError" in type(current).__name__ or "Failed to establish" in str(current):
            return True
        nxt = current.__cause__ or current.__context__
        if nxt is None and current.args and isinstance(current.args[0], BaseException):
            nxt = current.args[0]
        current = nxt
    return False


def call_with_retries(
    call: Callable[[], T],
    feature: str,
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    relogin_hint: str = RELOGIN_HINT,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> T:
    """Run an idempotent request, retrying transient failures; map every failure.

    Only for requests that are safe to repeat (reads, a like). Posting goes
    through the outbox instead, which checks before it sends again.
    """
    last: Exception | None = None
    for attempt in range(max(1, policy.attempts)):
        if attempt:
            sleep(policy.delay(attempt - 1, rng))
        try:
            return call()
        except Exception as exc:
            if not is_transient(exc):
                raise map_error(exc, feature, relogin_hint=relogin_hint, now=now) from exc
            last = exc
    assert last is not None
    error = map_error(last, feature, relogin_hint=relogin_hint, now=now)
    tries = max(1, policy.attempts)
    raise Offline(
        f"{error} (tried {'once' if tries == 1 else f'{tries} times'}). "
        "Nothing already stored is lost; "
        "it will work again once X can be reached"
    ) from last
