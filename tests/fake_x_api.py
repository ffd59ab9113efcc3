"""A fake X API v2 on 127.0.0.1, for the X backend's tests.

It is a real HTTP server (``ThreadingHTTPServer`` in a thread, random port), so
tweepy, requests and the OAuth 1.0a signing all run for real. Responses have
the shape of the recordings in ``shared/fixtures/x-api-recorded/decoded``
(``data``, ``includes``, ``meta`` with ``newest_id``/``oldest_id``/
``result_count``/``next_token``, problem-JSON errors, ``x-rate-limit-*``
headers), with the richer tweet fields a real client asks for.

Tests script it: add users and tweets, make an account follow another, grant
tokens, and inject failures per route (:meth:`FakeX.fail`,
:meth:`FakeX.stall`, :meth:`FakeX.lose_response`, :meth:`FakeX.drop`), and the
ways a slow or flaky X fails after doing the work: :meth:`FakeX.slow` (accepts
late, storing after the client may have given up), :meth:`FakeX.mangle` (a 2xx
cut short, not JSON, HTML or empty), :meth:`FakeX.fail_after` (a 5xx after
storing), :meth:`FakeX.oversize` (more tweets than asked, or a huge one), and
``own_lag`` (the own-tweets list lags behind writes by that many seconds). It
counts every request, every post and user object it served, and what X would
bill (repeat reads of an item in a UTC day are free).

It also enforces X's per-user request limits per 15-minute window, verifies
every OAuth 1.0a signature (so a client that signs with the wrong secret is
caught), wraps URLs in t.co links and HTML-escapes ``&<>`` in tweet text as X
does. By default it refuses a duplicate of a tweet the same user already
posted, as X does; set ``reject_duplicates = False`` to see whether a client
would post twice.
"""

from __future__ import annotations

import base64
import contextlib
import html
import itertools
import json
import re
import secrets
import threading
import time
import types
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import keyring
import keyring.backend
import keyring.errors
from oauthlib.oauth1.rfc5849 import signature as oauth_signature
from oauthlib.oauth1.rfc5849 import utils as oauth_utils

JSON = dict[str, Any]

# Routes the fake serves: name -> (method, path pattern). Faults are scripted by name.
ROUTES: dict[str, tuple[str, re.Pattern[str]]] = {
    "request_token": ("POST", re.compile(r"/oauth/request_token")),
    "authorize": ("GET", re.compile(r"/oauth/authorize")),
    "access_token": ("POST", re.compile(r"/oauth/access_token")),
    "me": ("GET", re.compile(r"/2/users/me")),
    "home": ("GET", re.compile(r"/2/users/(?P<id>\d+)/timelines/reverse_chronological")),
    "mentions": ("GET", re.compile(r"/2/users/(?P<id>\d+)/mentions")),
    "user_tweets": ("GET", re.compile(r"/2/users/(?P<id>\d+)/tweets")),
    "tweet": ("GET", re.compile(r"/2/tweets/(?P<id>\d+)")),
    "create_tweet": ("POST", re.compile(r"/2/tweets")),
    "like": ("POST", re.compile(r"/2/users/(?P<id>\d+)/likes")),
}
# Listening (see the block "Listening" below): recent search, counts, X's usage.
LISTEN_ROUTES: dict[str, tuple[str, re.Pattern[str]]] = {
    "search_recent": ("GET", re.compile(r"/2/tweets/search/recent")),
    "counts_recent": ("GET", re.compile(r"/2/tweets/counts/recent")),
    "usage_tweets": ("GET", re.compile(r"/2/usage/tweets")),
}
ROUTES.update(LISTEN_ROUTES)

# X's per-user limits per 15 minutes (developer docs; the recordings show the same headers).
DEFAULT_LIMITS = {
    "me": 75,
    "home": 180,
    "mentions": 300,
    "user_tweets": 900,
    "tweet": 900,
    "create_tweet": 200,
    "like": 50,
    "search_recent": 300,
    "counts_recent": 300,
    "usage_tweets": 50,
}
WINDOW_SECONDS = 15 * 60

# max_results bounds per timeline (X rejects values outside them with a 400).
MAX_RESULTS = {"home": (1, 100, 100), "mentions": (5, 100, 10), "user_tweets": (5, 100, 10)}

TWEET_FIELDS = frozenset(
    {
        *("attachments", "author_id", "context_annotations", "conversation_id", "created_at"),
        *("edit_controls", "entities", "geo", "id", "in_reply_to_user_id", "lang"),
        *("public_metrics", "possibly_sensitive", "referenced_tweets", "reply_settings"),
        *("source", "text", "withheld"),
    }
)
USER_FIELDS = frozenset(
    {
        *("created_at", "description", "entities", "id", "location", "name"),
        *("pinned_tweet_id", "profile_image_url", "protected", "public_metrics", "url"),
        *("username", "verified", "withheld"),
    }
)
EXPANSIONS = frozenset(
    {
        *("attachments.poll_ids", "attachments.media_keys", "author_id"),
        *("edit_history_tweet_ids", "entities.mentions.username", "geo.place_id"),
        *("in_reply_to_user_id", "referenced_tweets.id", "referenced_tweets.id.author_id"),
    }
)

UNAUTHORIZED: JSON = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}
CLIENT_NOT_ENROLLED: JSON = {
    "client_id": "24695618",
    "detail": (
        "When authenticating requests to the Twitter API v2 endpoints, you must use keys "
        "and tokens from a Twitter developer App that is attached to a Project. You can "
        "create a project via the developer portal."
    ),
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
OAUTH1_PERMISSIONS: JSON = {
    "title": "Forbidden",
    "detail": (
        "Your client app is not configured with the appropriate oauth1 app permissions "
        "for this endpoint."
    ),
    "type": "https://api.twitter.com/2/problems/oauth1-permissions",
    "status": 403,
}
DUPLICATE: JSON = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
TOO_LONG: JSON = {
    "detail": (
        "Your Tweet text is too long. For more information on how Twitter determines text "
        "length see https://github.com/twitter/twitter-text."
    ),
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}
CREDITS_DEPLETED: JSON = {
    "title": "CreditsDepleted",
    "detail": "Your enrolled account does not have any credits to fulfill this request.",
    "type": "https://api.twitter.com/2/problems/credits",
    "status": 402,
}
OAUTH_COULD_NOT_AUTHENTICATE: JSON = {
    "errors": [{"code": 32, "message": "Could not authenticate you."}]
}


def problem(status: int, title: str, detail: str | None = None) -> JSON:
    """An RFC 7807 problem body as X v2 sends for 4xx/5xx."""
    return {"title": title, "type": "about:blank", "status": status, "detail": detail or title}


DEFAULT_BODIES: dict[int, JSON] = {
    401: UNAUTHORIZED,
    402: CREDITS_DEPLETED,
    403: CLIENT_NOT_ENROLLED,
    429: problem(429, "Too Many Requests"),
    500: problem(500, "Internal Server Error"),
    502: problem(502, "Bad Gateway"),
    503: problem(503, "Service Unavailable"),
    504: problem(504, "Gateway Timeout"),
}

_URL = re.compile(r"https?://[^\s]+")
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@([A-Za-z0-9_]{1,15})")


@dataclass
class Fault:
    """One scripted misbehaviour of a route, used ``times`` times in order."""

    route: str
    kind: str  # "status" | "stall" | "lose-drop" | "lose-stall" | "drop" | "delay"
    # | "mangle-cut" | "mangle-html" | "mangle-empty" | "mangle-notjson" | "after" | "oversize"
    status: int = 0
    body: JSON | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    seconds: float = 0.0  # "delay": wait this long (wall clock) before doing the work
    extra: int = 0  # "oversize": this many more tweets than asked for
    text_bytes: int = 0  # "oversize": one tweet this long


@dataclass(frozen=True)
class Served:
    """One request the fake answered (or deliberately did not)."""

    method: str
    route: str
    path: str
    query: dict[str, str]
    status: int  # 0: no answer was sent
    posts: int = 0
    users: int = 0
    user_id: str | None = None


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring, so tests never touch the developer's own.

    ``PYTHON_KEYRING_BACKEND=fake_x_api.MemoryKeyring`` selects it in a
    subprocess (its contents die with the process).
    """

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.items[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(f"no such password: {username}") from None


class FakeX:
    """The fake API's state and its server. Use as a context manager."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, JSON] = {}
        self.tweets: dict[str, JSON] = {}  # internal form: raw text, all fields
        self.following: dict[str, set[str]] = {}
        self.apps: dict[str, str] = {}  # consumer key -> secret
        self.tokens: dict[str, tuple[str, str, str]] = {}  # token -> (secret, user id, app key)
        self.request_tokens: dict[str, JSON] = {}
        self.likes: set[tuple[str, str]] = set()
        self.limits = dict(DEFAULT_LIMITS)
        self.reject_duplicates = True
        # Listening: app bearer tokens (counts and usage accept nothing else), and X's
        # rule since 2026-02-23 that a reply must answer a post that summoned the account.
        self.bearer_tokens: set[str] = set()
        self.summoned_replies_only = True
        self.own_lag = 0.0  # seconds a new tweet takes to show in its author's tweets list
        self.stored_at: dict[str, float] = {}  # tweet id -> fake clock when it was stored
        self.authorizing_user: str | None = None  # who clicks "Authorize app" in the browser
        self.served: list[Served] = []
        self.arrived: list[str] = []  # routes, as each request arrives (before any work)
        self.billed: set[tuple[str, str, str]] = set()  # (UTC day, "post"|"user", id)
        self._faults: list[Fault] = []
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}
        self._ids = itertools.count(1_890_000_000_000_000_000, 1_000_003)
        self._release = threading.Event()
        self._stopped = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- server ---------------------------------------------------------------

    def start(self) -> FakeX:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Go away as a lost network does: nothing listens, and a kept-alive connection
        a client still holds is closed at its next request instead of being served."""
        self._stopped = True
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeX:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- scripting the world ----------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    def now_iso(self) -> str:
        return _iso(self.clock())

    def add_user(
        self, username: str, *, name: str | None = None, followers: int = 100, **extra: Any
    ) -> JSON:
        with self.lock:
            user: JSON = {
                "id": self.new_id(),
                "name": name or username.replace("_", " ").title(),
                "username": username,
                "description": extra.pop("description", ""),
                "verified": False,
                "protected": False,
                "created_at": "2015-06-01T10:00:00.000Z",
                "public_metrics": {
                    "followers_count": followers,
                    "following_count": 50,
                    "tweet_count": 1000,
                    "listed_count": 3,
                },
                **extra,
            }
            self.users[user["id"]] = user
            self.following.setdefault(user["id"], set())
            return user

    def user_by_name(self, username: str) -> JSON:
        for user in self.users.values():
            if user["username"].lower() == username.lower():
                return user
        raise KeyError(username)

    def follow(self, user: JSON, *others: JSON) -> None:
        with self.lock:
            self.following[user["id"]].update(o["id"] for o in others)

    def add_app(self, key: str | None = None, secret: str | None = None) -> tuple[str, str]:
        """A developer app's consumer key and secret."""
        key = key or "ck" + secrets.token_hex(10)
        secret = secret or "cs" + secrets.token_hex(20)
        with self.lock:
            self.apps[key] = secret
        return key, secret

    def grant(self, user: JSON, app_key: str) -> tuple[str, str]:
        """Access token and secret for ``user`` on ``app_key`` (as X's PIN flow hands out)."""
        token = f"{user['id']}-" + secrets.token_hex(16)
        token_secret = "ats" + secrets.token_hex(20)
        with self.lock:
            self.tokens[token] = (token_secret, user["id"], app_key)
        return token, token_secret

    def revoke(self, token: str) -> None:
        with self.lock:
            self.tokens.pop(token, None)

    def add_tweet(
        self,
        author: JSON,
        text: str,
        *,
        reply_to: JSON | None = None,
        quote: JSON | None = None,
        retweet: JSON | None = None,
        created_at: float | None = None,
        likes: int = 0,
    ) -> JSON:
        """Create a tweet as X would: ids grow, URLs become t.co links, mentions resolve."""
        with self.lock:
            tweet_id = self.new_id()
            wrapped, urls = self._wrap_urls(text)
            tweet: JSON = {
                "id": tweet_id,
                "text": wrapped,
                "author_id": author["id"],
                "created_at": _iso(self.clock() if created_at is None else created_at),
                "conversation_id": tweet_id,
                "edit_history_tweet_ids": [tweet_id],
                "lang": "en",
                "public_metrics": {
                    "retweet_count": 0,
                    "reply_count": 0,
                    "like_count": likes,
                    "quote_count": 0,
                    "bookmark_count": 0,
                    "impression_count": 10 * (likes + 1),
                },
            }
            refs = []
            if reply_to is not None:
                refs.append({"type": "replied_to", "id": reply_to["id"]})
                tweet["conversation_id"] = reply_to["conversation_id"]
                tweet["in_reply_to_user_id"] = reply_to["author_id"]
                reply_to["public_metrics"]["reply_count"] += 1
            if quote is not None:
                refs.append({"type": "quoted", "id": quote["id"]})
                quote["public_metrics"]["quote_count"] += 1
            if retweet is not None:
                refs.append({"type": "retweeted", "id": retweet["id"]})
            if refs:
                tweet["referenced_tweets"] = refs
            entities: JSON = {}
            mentions = []
            for match in _MENTION.finditer(wrapped):
                mention: JSON = {
                    "start": match.start(),
                    "end": match.end(),
                    "username": match.group(1),
                }
                with contextlib.suppress(KeyError):
                    mention["id"] = self.user_by_name(match.group(1))["id"]
                mentions.append(mention)
            if mentions:
                entities["mentions"] = mentions
            if urls:
                entities["urls"] = urls
            if entities:
                tweet["entities"] = entities
            self.tweets[tweet_id] = tweet
            self.stored_at[tweet_id] = self.clock()
            return tweet

    def _wrap_urls(self, text: str) -> tuple[str, list[JSON]]:
        urls: list[JSON] = []
        out: list[str] = []
        last = 0
        for match in _URL.finditer(text):
            short = "https://t.co/" + secrets.token_urlsafe(7)[:10]
            out.append(text[last : match.start()])
            start = sum(len(p) for p in out)
            out.append(short)
            expanded = match.group(0)
            urls.append(
                {
                    "start": start,
                    "end": start + len(short),
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": expanded.split("://", 1)[1][:24],
                }
            )
            last = match.end()
        out.append(text[last:])
        return "".join(out), urls

    def tweets_by(self, user: JSON) -> list[JSON]:
        """The user's tweets, oldest first."""
        with self.lock:
            return [t for t in self.tweets.values() if t["author_id"] == user["id"]]

    # -- scripting failures -------------------------------------------------------

    def fail(
        self,
        route: str,
        status: int,
        *,
        body: JSON | str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``route`` with ``status``."""
        self._add(Fault(route, "status", status, body, dict(headers or {}), times))

    def rate_limit(self, route: str, *, reset: int, times: int = 1) -> None:
        """A 429 with ``x-rate-limit-reset: reset`` (epoch seconds)."""
        limit = str(self.limits.get(route, 15))
        headers = {
            "x-rate-limit-limit": limit,
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        }
        self.fail(route, 429, headers=headers, times=times)

    def stall(self, route: str, *, times: int = 1) -> None:
        """Accept the connection, read the request, and never answer."""
        self._add(Fault(route, "stall", times=times))

    def drop(self, route: str, *, times: int = 1) -> None:
        """Close the connection without doing anything or answering."""
        self._add(Fault(route, "drop", times=times))

    def lose_response(self, route: str, *, how: str = "drop", times: int = 1) -> None:
        """Do what was asked (e.g. create the tweet), then drop or stall instead of answering."""
        assert how in ("drop", "stall")
        self._add(Fault(route, f"lose-{how}", times=times))

    def slow(self, route: str, *, seconds: float, times: int = 1) -> None:
        """Take ``seconds`` (wall clock) before doing the work and answering, as a busy X:
        a client with a shorter timeout gives up, and the tweet is stored afterwards."""
        self._add(Fault(route, "delay", seconds=seconds, times=times))

    def mangle(self, route: str, *, how: str, status: int = 201, times: int = 1) -> None:
        """Do the work, then answer ``status`` with a body that is ``cut`` short, ``html``,
        ``empty`` or ``notjson``."""
        assert how in ("cut", "html", "empty", "notjson")
        self._add(Fault(route, f"mangle-{how}", status=status, times=times))

    def fail_after(self, route: str, status: int = 503, *, times: int = 1) -> None:
        """Do the work (store the tweet), then answer ``status`` as if it had failed."""
        self._add(Fault(route, "after", status=status, times=times))

    def oversize(self, route: str, *, extra: int = 0, text_bytes: int = 0, times: int = 1) -> None:
        """Answer with ``extra`` more tweets than asked, or one whose text is ``text_bytes``."""
        self._add(Fault(route, "oversize", extra=extra, text_bytes=text_bytes, times=times))

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def _add(self, fault: Fault) -> None:
        assert fault.route in ROUTES, f"unknown route {fault.route!r}"
        with self.lock:
            self._faults.append(fault)

    def _take_fault(self, route: str) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if fault.route == route:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- what was served -------------------------------------------------------

    def requests(self, route: str | None = None) -> list[Served]:
        with self.lock:
            return [s for s in self.served if route is None or s.route == route]

    @property
    def posts_served(self) -> int:
        """Every tweet object sent in a GET response (``data`` and ``includes.tweets``)."""
        with self.lock:
            return sum(s.posts for s in self.served)

    @property
    def users_served(self) -> int:
        with self.lock:
            return sum(s.users for s in self.served)

    def billed_reads(self, kind: str = "post") -> int:
        """What X would bill: each item once per UTC day."""
        with self.lock:
            return sum(1 for _, k, _ in self.billed if k == kind)

    def reset_counters(self) -> None:
        with self.lock:
            self.served.clear()
            self.billed.clear()

    # -- the browser side of the PIN flow -----------------------------------------

    def approve(self, authorize_url: str) -> str:
        """Open the authorisation page as the user's browser would, and read the PIN."""
        with urllib.request.urlopen(authorize_url, timeout=5) as page:
            text = page.read().decode()
        match = re.search(r"<code>(\d+)</code>", text)
        assert match, f"no PIN on the authorisation page: {text[:200]}"
        return match.group(1)

    # -- request handling (called from server threads) ------------------------------

    def _rate_headers(self, route: str, user_id: str) -> tuple[dict[str, str], bool]:
        limit = self.limits.get(route)
        if limit is None:
            return {}, True
        now = self.clock()
        start, used = self._windows.get((route, user_id), (now, 0))
        if now >= start + WINDOW_SECONDS:
            start, used = now, 0
        allowed = used < limit
        if allowed:
            used += 1
        self._windows[(route, user_id)] = (start, used)
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, limit - used)),
            "x-rate-limit-reset": str(int(start + WINDOW_SECONDS)),
        }
        return headers, allowed

    def _bill(self, kind: str, ids: list[str]) -> None:
        day = datetime.fromtimestamp(self.clock(), UTC).date().isoformat()
        self.billed.update((day, kind, i) for i in ids)


def _oversized(payload: JSON, fault: Fault) -> JSON:
    """``payload`` with ``fault.extra`` made-up tweets more, or one ``text_bytes`` long."""
    data = list(payload.get("data") or [])
    template = data[0] if data else {"id": "1", "text": "", "author_id": "1"}
    extra = [
        {**template, "id": str(10**18 + n), "text": f"padding {n}"} for n in range(fault.extra)
    ]
    if fault.text_bytes:
        extra.append({**template, "id": str(2 * 10**18), "text": "x" * fault.text_bytes})
    return {**payload, "data": data + extra}


def _iso(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _QuietServer(ThreadingHTTPServer):
    """A client that hung up (killed with -9, timed out) is part of the tests, not news."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Reply(Exception):
    def __init__(self, status: int, body: JSON | str, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeX
    protocol_version = "HTTP/1.1"
    server_version = "fake-x"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # -- plumbing ------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        fake = self.fake
        if fake._stopped:
            self._no_answer("drop")
            return
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip("/")
        query = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        route, match = _route(method, path)
        if route is None or match is None:
            self._send(404, problem(404, "Not Found Error", f"no route {method} {path}"))
            fake.served.append(Served(method, "?", path, query, 404))
            return

        with fake.lock:
            fake.arrived.append(route)
        fault = fake._take_fault(route)
        if fault is not None and fault.kind in ("stall", "drop"):
            with fake.lock:
                fake.served.append(Served(method, route, path, query, 0))
            self._no_answer(fault.kind)
            return
        if fault is not None and fault.kind == "status":
            status = fault.status
            fault_body = fault.body if fault.body is not None else DEFAULT_BODIES.get(status)
            with fake.lock:
                fake.served.append(Served(method, route, path, query, status))
            self._send(status, fault_body or problem(status, "Error"), fault.headers)
            return

        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        try:
            with fake.lock:
                status, payload, headers, user_id = self._dispatch(
                    route, match, method, path, query, body
                )
                posts, users = _count(payload) if method == "GET" else (0, 0)
                if method == "GET" and status == 200 and isinstance(payload, dict):
                    fake._bill("post", _post_ids(payload))
                    fake._bill("user", _user_ids(payload))
        except _Reply as reply:
            with fake.lock:
                fake.served.append(Served(method, route, path, query, reply.status))
            self._send(reply.status, reply.body, reply.headers)
            return

        if fault is not None and fault.kind.startswith("lose-"):
            with fake.lock:
                fake.served.append(Served(method, route, path, query, 0, user_id=user_id))
            self._no_answer(fault.kind.removeprefix("lose-"))
            return
        if fault is not None and fault.kind.startswith("mangle-"):
            with fake.lock:
                fake.served.append(Served(method, route, path, query, fault.status))
            self._mangled(fault.status, fault.kind.removeprefix("mangle-"), payload)
            return
        if fault is not None and fault.kind == "after":
            with fake.lock:
                fake.served.append(Served(method, route, path, query, fault.status))
            self._send(fault.status, problem(fault.status, "Service Unavailable"))
            return
        if fault is not None and fault.kind == "oversize" and isinstance(payload, dict):
            payload = _oversized(payload, fault)
        with fake.lock:
            fake.served.append(Served(method, route, path, query, status, posts, users, user_id))
        self._send(status, payload, headers)

    def _no_answer(self, how: str) -> None:
        if how == "stall":
            self.fake._release.wait(timeout=30)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def _mangled(self, status: int, how: str, payload: JSON | str) -> None:
        whole = json.dumps(payload).encode()
        body = {
            "cut": whole[: len(whole) // 2],
            "html": b"<html><body><h1>Welcome to Airport Wi-Fi</h1></body></html>",
            "empty": b"",
            "notjson": b"OK",
        }[how]
        with contextlib.suppress(OSError):
            self.send_response(status)
            ctype = "text/html" if how == "html" else "application/json"
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            # Cut short: the header promises the whole body, the connection ends halfway.
            self.send_header("Content-Length", str(len(whole) if how == "cut" else len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def _send(self, status: int, body: JSON | str, headers: dict[str, str] | None = None) -> None:
        if isinstance(body, str):
            data = body.encode()
            ctype = "text/html; charset=utf-8"
        else:
            data = json.dumps(body).encode()
            ctype = "application/json; charset=utf-8"
        with contextlib.suppress(OSError):  # a client that gave up has closed the socket
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    # -- OAuth 1.0a -------------------------------------------------------------------

    def _oauth_params(self) -> dict[str, str]:
        header = self.headers.get("Authorization", "")
        if not header.startswith("OAuth "):
            return {}
        pairs = oauth_utils.parse_authorization_header(header)
        return {key: oauth_utils.unescape(value) for key, value in pairs}

    def _verify(self, method: str, query: dict[str, str], token_secret: str | None) -> JSON:
        params = self._oauth_params()
        app_secret = self.fake.apps.get(params.get("oauth_consumer_key", ""))
        if app_secret is None:
            raise _Reply(401, OAUTH_COULD_NOT_AUTHENTICATE)
        collected = oauth_signature.collect_parameters(
            uri_query=urllib.parse.urlencode(query),
            headers={"Authorization": self.headers["Authorization"]},
            exclude_oauth_signature=True,
        )
        normalized = oauth_signature.normalize_parameters(collected)
        uri = f"http://{self.headers['Host']}{urllib.parse.urlsplit(self.path).path}"
        base = oauth_signature.signature_base_string(
            method, oauth_signature.base_string_uri(uri), normalized
        )
        keys = types.SimpleNamespace(client_secret=app_secret, resource_owner_secret=token_secret)
        expected = oauth_signature.sign_hmac_sha1_with_client(base, keys)
        if not secrets.compare_digest(expected, params.get("oauth_signature", "")):
            raise _Reply(401, OAUTH_COULD_NOT_AUTHENTICATE)
        return params

    def _user(self, method: str, query: dict[str, str]) -> JSON:
        """The signed-in user of an API v2 request, or a 401 as X sends it."""
        params = self._oauth_params()
        token = self.fake.tokens.get(params.get("oauth_token", ""))
        if token is None or token[2] != params.get("oauth_consumer_key"):
            raise _Reply(401, UNAUTHORIZED)
        try:
            self._verify(method, query, token[0])
        except _Reply:
            raise _Reply(401, UNAUTHORIZED) from None
        return self.fake.users[token[1]]

    # -- routes ---------------------------------------------------------------------------

    def _dispatch(
        self,
        route: str,
        match: re.Match[str],
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
    ) -> tuple[int, JSON | str, dict[str, str], str | None]:
        fake = self.fake
        if route == "request_token":
            params = self._verify(method, query, None)
            token = "rt" + secrets.token_hex(12)
            secret = "rts" + secrets.token_hex(16)
            fake.request_tokens[token] = {
                "secret": secret,
                "app": params["oauth_consumer_key"],
                "verifier": None,
                "user_id": None,
            }
            form = f"oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"
            return 200, form, {}, None
        if route == "authorize":
            pending = fake.request_tokens.get(query.get("oauth_token", ""))
            if pending is None or fake.authorizing_user is None:
                raise _Reply(403, "<html><body>This page is no longer valid.</body></html>")
            pending["user_id"] = fake.user_by_name(fake.authorizing_user)["id"]
            pending["verifier"] = f"{secrets.randbelow(10**7):07d}"
            page = (
                "<html><body><p>You've granted access. Next, return to the app and enter "
                f"this PIN to complete the authorization process.</p><kbd><code>"
                f"{pending['verifier']}</code></kbd></body></html>"
            )
            return 200, page, {}, None
        if route == "access_token":
            params = self._oauth_params()
            pending = fake.request_tokens.get(params.get("oauth_token", ""))
            if pending is None:
                raise _Reply(401, "Invalid request token.")
            self._verify(method, query, pending["secret"])
            if pending["verifier"] is None or params.get("oauth_verifier") != pending["verifier"]:
                raise _Reply(
                    401, "Error processing your OAuth request: Invalid oauth_verifier parameter"
                )
            del fake.request_tokens[params["oauth_token"]]
            user = fake.users[pending["user_id"]]
            token, secret = fake.grant(user, pending["app"])
            form = (
                f"oauth_token={token}&oauth_token_secret={secret}"
                f"&user_id={user['id']}&screen_name={user['username']}"
            )
            return 200, form, {}, None

        if route in LISTEN_ROUTES:
            return _listen_dispatch(self, route, query)
        user = self._user(method, query)
        headers, allowed = fake._rate_headers(route, user["id"])
        if not allowed:
            raise _Reply(429, DEFAULT_BODIES[429], headers)
        if route == "me":
            _check_params(query, {"expansions", "tweet.fields", "user.fields"})
            fields = _fields(query, "user.fields", USER_FIELDS)
            return 200, {"data": _render_user(user, fields)}, headers, user["id"]
        if route in ("home", "mentions", "user_tweets"):
            owner = match.group("id")
            if route == "home" and owner != user["id"]:
                raise _Reply(403, problem(403, "Forbidden", "You can only see your own timeline."))
            if owner not in fake.users:
                raise _Reply(404, problem(404, "Not Found Error", f"no user {owner}"))
            return 200, self._timeline(route, fake.users[owner], query), headers, user["id"]
        if route == "tweet":
            tweet = fake.tweets.get(match.group("id"))
            if tweet is None:
                raise _Reply(404, problem(404, "Not Found Error", "Could not find tweet."))
            return 200, self._envelope([tweet], query, meta=None), headers, user["id"]
        if route == "create_tweet":
            return 201, self._create(user, body), headers, user["id"]
        if route == "like":
            if match.group("id") != user["id"]:
                raise _Reply(403, problem(403, "Forbidden", "You can only like as yourself."))
            tweet_id = str(json.loads(body or b"{}").get("tweet_id", ""))
            if tweet_id not in fake.tweets:
                raise _Reply(400, _invalid("tweet_id", tweet_id, "The tweet does not exist."))
            fake.likes.add((user["id"], tweet_id))
            return 200, {"data": {"liked": True}}, headers, user["id"]
        raise _Reply(404, problem(404, "Not Found Error"))

    def _timeline(self, route: str, owner: JSON, query: dict[str, str]) -> JSON:
        fake = self.fake
        _check_params(
            query,
            {
                "since_id",
                "until_id",
                "max_results",
                "pagination_token",
                "start_time",
                "end_time",
                "exclude",
                "expansions",
                "tweet.fields",
                "user.fields",
                "media.fields",
                "place.fields",
                "poll.fields",
            },
        )
        low, high, default = MAX_RESULTS[route]
        try:
            limit = int(query.get("max_results", default))
        except ValueError:
            raise _Reply(
                400, _invalid("max_results", query["max_results"], "not a number")
            ) from None
        if not low <= limit <= high:
            raise _Reply(
                400,
                _invalid(
                    "max_results",
                    str(limit),
                    f"The `max_results` query parameter value [{limit}] is not between "
                    f"{low} and {high}",
                ),
            )
        if route == "home":
            authors = fake.following[owner["id"]] | {owner["id"]}
            pool = [t for t in fake.tweets.values() if t["author_id"] in authors]
        elif route == "mentions":
            name = owner["username"].lower()
            pool = [
                t
                for t in fake.tweets.values()
                if t["author_id"] != owner["id"]
                and any(
                    m["username"].lower() == name for m in t.get("entities", {}).get("mentions", [])
                )
            ]
        else:
            shown_before = fake.clock() - fake.own_lag
            pool = [
                t
                for t in fake.tweets.values()
                if t["author_id"] == owner["id"]
                and fake.stored_at.get(t["id"], float("-inf")) <= shown_before
            ]
        pool.sort(key=lambda t: int(t["id"]), reverse=True)
        if "since_id" in query:
            pool = [t for t in pool if int(t["id"]) > int(query["since_id"])]
        if "until_id" in query:
            pool = [t for t in pool if int(t["id"]) < int(query["until_id"])]
        if "start_time" in query:
            pool = [t for t in pool if t["created_at"] >= _normal_time(query["start_time"])]
        if "end_time" in query:
            pool = [t for t in pool if t["created_at"] < _normal_time(query["end_time"])]
        for kind in filter(None, query.get("exclude", "").split(",")):
            ref = {"replies": "replied_to", "retweets": "retweeted"}[kind]
            pool = [
                t for t in pool if not any(r["type"] == ref for r in t.get("referenced_tweets", []))
            ]
        if "pagination_token" in query:
            try:
                older_than = int(base64.urlsafe_b64decode(query["pagination_token"] + "=="))
            except ValueError:
                token = query["pagination_token"]
                raise _Reply(400, _invalid("pagination_token", token, "bad")) from None
            pool = [t for t in pool if int(t["id"]) < older_than]
        page, rest = pool[:limit], pool[limit:]
        meta: JSON = {"result_count": len(page)}
        if page:
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
        if page and rest:
            meta["next_token"] = base64.urlsafe_b64encode(page[-1]["id"].encode()).decode()
            meta["next_token"] = meta["next_token"].rstrip("=")
        if not page:
            return {"meta": meta}
        return self._envelope(page, query, meta=meta)

    def _envelope(self, tweets: list[JSON], query: dict[str, str], meta: JSON | None) -> JSON:
        fake = self.fake
        tweet_fields = _fields(query, "tweet.fields", TWEET_FIELDS)
        user_fields = _fields(query, "user.fields", USER_FIELDS)
        expansions = _fields(query, "expansions", EXPANSIONS)
        users: dict[str, JSON] = {}
        included: dict[str, JSON] = {}

        def add_user(user_id: str | None) -> None:
            if user_id and user_id in fake.users and user_id not in users:
                users[user_id] = _render_user(fake.users[user_id], user_fields)

        for tweet in tweets:
            if "author_id" in expansions:
                add_user(tweet["author_id"])
            if "in_reply_to_user_id" in expansions:
                add_user(tweet.get("in_reply_to_user_id"))
            if "entities.mentions.username" in expansions:
                for mention in tweet.get("entities", {}).get("mentions", []):
                    add_user(mention.get("id"))
            if "referenced_tweets.id" in expansions:
                for ref in tweet.get("referenced_tweets", []):
                    if ref["id"] in fake.tweets and ref["id"] not in included:
                        parent = fake.tweets[ref["id"]]
                        included[ref["id"]] = _render_tweet(parent, tweet_fields)
                        if "referenced_tweets.id.author_id" in expansions:
                            add_user(parent["author_id"])
        envelope: JSON = {"data": [_render_tweet(t, tweet_fields) for t in tweets]}
        if meta is None:
            envelope["data"] = envelope["data"][0]
        includes: JSON = {}
        if users:
            includes["users"] = list(users.values())
        if included:
            includes["tweets"] = list(included.values())
        if includes:
            envelope["includes"] = includes
        if meta is not None:
            envelope["meta"] = meta
        return envelope

    def _create(self, user: JSON, body: bytes) -> JSON:
        fake = self.fake
        try:
            request = json.loads(body or b"{}")
        except json.JSONDecodeError:
            raise _Reply(400, problem(400, "Invalid Request", "Body is not JSON.")) from None
        text = request.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _Reply(400, _invalid("text", str(text), "text must not be empty"))
        if len(_URL.sub("x" * 23, text)) > 280:  # X's weighting, simplified: a URL is 23
            raise _Reply(403, TOO_LONG)
        reply_to = None
        reply_id = (request.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_id is not None:
            reply_to = fake.tweets.get(str(reply_id))
            if reply_to is None:
                raise _Reply(
                    400,
                    _invalid(
                        "reply.in_reply_to_tweet_id",
                        str(reply_id),
                        "The Tweet you are replying to has been deleted or is not visible.",
                    ),
                )
        if reply_to is not None and fake.summoned_replies_only:
            _check_summoned(fake, user, reply_to)
        if fake.reject_duplicates:
            raw = _unwrap(text)
            for earlier in fake.tweets_by(user):
                if _unwrap(_expanded(earlier)) == raw:
                    raise _Reply(403, DUPLICATE)
        tweet = fake.add_tweet(user, text, reply_to=reply_to)
        return {
            "data": {
                "id": tweet["id"],
                "text": html.escape(tweet["text"], quote=False),
                "edit_history_tweet_ids": [tweet["id"]],
            }
        }


# -- Listening: recent search, counts, usage, and the summoned-replies rule ----------------

NOT_SUMMONED: JSON = {
    "title": "Forbidden",
    "type": "about:blank",
    "status": 403,
    "detail": (
        "Reply to this conversation is not allowed because you have not been mentioned or "
        "otherwise engaged by the author of the post you are replying to."
    ),
}
UNSUPPORTED_AUTHENTICATION: JSON = {
    "title": "Unsupported Authentication",
    "detail": (
        "Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  "
        "Supported authentication types are [OAuth 2.0 Application-Only, OAuth 2.0 User Context]."
    ),
    "type": "https://api.twitter.com/2/problems/unsupported-authentication",
    "status": 403,
}
SEARCH_WINDOW_SECONDS = 7 * 24 * 3600
MAX_QUERY = 512
_CONJUNCTION_ONLY = ("is:", "has:", "lang:")
_SEARCH_OPERATORS = ("from:", "to:", "url:", "conversation_id:", *_CONJUNCTION_ONLY)
_QUERY_TOKEN = re.compile(r'-?"[^"]*"|[()]|[^\s()"]+')


def _check_summoned(fake: FakeX, user: JSON, reply_to: JSON) -> None:
    """X refuses a reply to a post that neither @mentions the user nor quotes its posts."""
    if reply_to["author_id"] == user["id"] or reply_to.get("in_reply_to_user_id") == user["id"]:
        return
    names = {m["username"].lower() for m in reply_to.get("entities", {}).get("mentions", [])}
    if user["username"].lower() in names:
        return
    for ref in reply_to.get("referenced_tweets", []):
        quoted = fake.tweets.get(ref["id"])
        if ref["type"] == "quoted" and quoted is not None and quoted["author_id"] == user["id"]:
            return
    raise _Reply(403, NOT_SUMMONED)


def _bad_query(message: str) -> _Reply:
    return _Reply(
        400,
        {
            "errors": [{"parameters": {"query": [""]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
    )


def _parse_query(query: str) -> list[list[tuple[bool, str]]]:
    """A query as AND of OR-groups of (negated, atom); raises a 400 as X does."""
    if not query.strip():
        raise _bad_query("The `query` query parameter can not be empty")
    if len(query) > MAX_QUERY:
        raise _bad_query(
            f"The `query` query parameter value [{query[:40]}...] is not valid: "
            f"query length {len(query)} is greater than {MAX_QUERY}"
        )
    clauses: list[list[tuple[bool, str]]] = []
    group: list[tuple[bool, str]] | None = None
    pending_or = False
    for token in _QUERY_TOKEN.findall(query):
        if token == "(":
            group = []
            continue
        if token == ")":
            if group is None:
                raise _bad_query("There were errors processing your request: unbalanced ')'")
            clauses.append(group)
            group = None
            continue
        if token == "OR":
            pending_or = True
            continue
        negated = token.startswith("-")
        atom = token[1:] if negated else token
        lowered = atom.lower()
        operator = ":" in lowered and not lowered.startswith("http") and '"' not in lowered
        if operator and not lowered.startswith(_SEARCH_OPERATORS):
            raise _bad_query(
                "There were errors processing your request: Reference to "
                f"invalid operator '{lowered.split(':')[0]}'"
            )
        item = (negated, atom.strip('"').lower())
        if group is not None:
            group.append(item)
        elif pending_or and clauses:
            clauses[-1].append(item)
        else:
            clauses.append([item])
        pending_or = False
    if group is not None:
        raise _bad_query("There were errors processing your request: missing ')'")
    standalone = any(
        not neg and not atom.startswith(_CONJUNCTION_ONLY) for c in clauses for neg, atom in c
    )
    if not standalone:
        raise _bad_query(
            "There were errors processing your request: Rules must contain a non-negation "
            "term and at least one standalone operator (is:, has: and lang: cannot stand alone)"
        )
    return clauses


def _atom_matches(fake: FakeX, atom: str, tweet: JSON) -> bool:
    text = _expanded(tweet).lower()
    author = fake.users.get(tweet["author_id"], {}).get("username", "").lower()
    mentions = {m["username"].lower() for m in tweet.get("entities", {}).get("mentions", [])}
    if atom.startswith("from:"):
        return author == atom[5:].lstrip("@")
    if atom.startswith("to:"):
        replied = fake.users.get(tweet.get("in_reply_to_user_id") or "", {})
        return replied.get("username", "").lower() == atom[3:].lstrip("@")
    if atom.startswith("lang:"):
        return tweet.get("lang") == atom[5:]
    if atom.startswith("is:"):
        kinds = {r["type"] for r in tweet.get("referenced_tweets", [])}
        return {"reply": "replied_to", "quote": "quoted", "retweet": "retweeted"}.get(
            atom[3:], "?"
        ) in kinds
    if atom.startswith("has:"):
        return atom == "has:links" and bool(tweet.get("entities", {}).get("urls"))
    if atom.startswith("@"):
        return atom[1:] in mentions
    if " " in atom:
        return atom in " ".join(re.findall(r"[#\w']+", text))
    return atom in re.findall(r"[#@]?[\w']+", text)


def _search_matches(fake: FakeX, clauses: list[list[tuple[bool, str]]], tweet: JSON) -> bool:
    for clause in clauses:
        if not any((not neg) == _atom_matches(fake, atom, tweet) for neg, atom in clause):
            return False
    return True


def _listen_dispatch(
    handler: _Handler, route: str, query: dict[str, str]
) -> tuple[int, JSON | str, dict[str, str], str | None]:
    fake = handler.fake
    auth = handler.headers.get("Authorization", "")
    if route == "search_recent":
        user = handler._user("GET", query)
        headers, allowed = fake._rate_headers(route, user["id"])
        if not allowed:
            raise _Reply(429, DEFAULT_BODIES[429], headers)
        return 200, _search_recent(handler, query), headers, user["id"]
    # counts and usage: app-only bearer tokens, nothing else.
    if auth.startswith("OAuth "):
        raise _Reply(403, UNSUPPORTED_AUTHENTICATION)
    token = auth.removeprefix("Bearer ").strip()
    if not auth.startswith("Bearer ") or token not in fake.bearer_tokens:
        raise _Reply(401, UNAUTHORIZED)
    headers, allowed = fake._rate_headers(route, "app:" + token)
    if not allowed:
        raise _Reply(429, DEFAULT_BODIES[429], headers)
    if route == "counts_recent":
        return 200, _counts_recent(fake, query), headers, None
    return 200, _usage_tweets(fake, query), headers, None


def _search_pool(fake: FakeX, query: dict[str, str]) -> list[JSON]:
    clauses = _parse_query(query.get("query", ""))
    oldest = _iso(fake.clock() - SEARCH_WINDOW_SECONDS)
    pool = [
        t
        for t in fake.tweets.values()
        if t["created_at"] >= oldest
        and not any(r["type"] == "retweeted" for r in t.get("referenced_tweets", []))
        and _search_matches(fake, clauses, t)
    ]
    pool.sort(key=lambda t: int(t["id"]), reverse=True)
    if "since_id" in query:
        pool = [t for t in pool if int(t["id"]) > int(query["since_id"])]
    if "until_id" in query:  # exclusive, as X's: what is older than that post
        pool = [t for t in pool if int(t["id"]) < int(query["until_id"])]
    return pool


def _search_recent(handler: _Handler, query: dict[str, str]) -> JSON:
    _check_params(
        query,
        {
            "query",
            "since_id",
            "until_id",
            "max_results",
            "next_token",
            "start_time",
            "end_time",
            "sort_order",
            "expansions",
            "tweet.fields",
            "user.fields",
            "media.fields",
            "place.fields",
            "poll.fields",
        },
    )
    try:
        limit = int(query.get("max_results", 10))
    except ValueError:
        raise _Reply(400, _invalid("max_results", query["max_results"], "not a number")) from None
    if not 10 <= limit <= 100:
        raise _Reply(
            400,
            _invalid(
                "max_results",
                str(limit),
                f"The `max_results` query parameter value [{limit}] is not between 10 and 100",
            ),
        )
    pool = _search_pool(handler.fake, query)
    if "next_token" in query:
        try:
            older_than = int(base64.urlsafe_b64decode(query["next_token"] + "=="))
        except ValueError:
            raise _Reply(400, _invalid("next_token", query["next_token"], "bad")) from None
        pool = [t for t in pool if int(t["id"]) < older_than]
    page, rest = pool[:limit], pool[limit:]
    meta: JSON = {"result_count": len(page)}
    if page:
        meta["newest_id"] = page[0]["id"]
        meta["oldest_id"] = page[-1]["id"]
    if page and rest:
        meta["next_token"] = base64.urlsafe_b64encode(page[-1]["id"].encode()).decode().rstrip("=")
    if not page:
        return {"meta": meta}
    return handler._envelope(page, query, meta=meta)


def _counts_recent(fake: FakeX, query: dict[str, str]) -> JSON:
    _check_params(query, {"query", "granularity", "since_id", "until_id", "start_time", "end_time"})
    if query.get("granularity", "hour") != "day":
        raise _Reply(400, _invalid("granularity", query.get("granularity", ""), "fake: day only"))
    pool = _search_pool(fake, query)
    now = datetime.fromtimestamp(fake.clock(), UTC)
    buckets = []
    total = 0
    for back in range(7, -1, -1):
        start = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)
        lo, hi = _iso(start.timestamp()), _iso(end.timestamp())
        n = sum(1 for t in pool if lo <= t["created_at"] < hi)
        total += n
        buckets.append({"start": lo, "end": hi, "tweet_count": n})
    return {"data": buckets, "meta": {"total_tweet_count": total}}


def _usage_tweets(fake: FakeX, query: dict[str, str]) -> JSON:
    days = int(query.get("days", 7))
    per_day: dict[str, int] = {}
    for day, kind, _ in fake.billed:
        if kind == "post":
            per_day[day] = per_day.get(day, 0) + 1
    today = datetime.fromtimestamp(fake.clock(), UTC).date()
    usage = [
        {
            "date": f"{(today - timedelta(days=n)).isoformat()}T00:00:00.000Z",
            "usage": str(per_day.get((today - timedelta(days=n)).isoformat(), 0)),
        }
        for n in range(days - 1, -1, -1)
    ]
    return {
        "data": {
            "project_id": "1",
            "project_cap": "3000000",
            "cap_reset_day": 1,
            "project_usage": str(sum(per_day.values())),
            "daily_project_usage": {"project_id": "1", "usage": usage},
        }
    }


def _route(method: str, path: str) -> tuple[str | None, re.Match[str] | None]:
    for name, (route_method, pattern) in ROUTES.items():
        if method == route_method and (match := pattern.fullmatch(path)):
            return name, match
    return None, None


def _invalid(parameter: str, value: str, message: str) -> JSON:
    return {
        "errors": [{"parameters": {parameter: [value]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def _check_params(query: dict[str, str], allowed: set[str]) -> None:
    for key in query:
        if key not in allowed:
            raise _Reply(
                400,
                _invalid(key, query[key], f"The query parameter [{key}] is not one of {allowed}"),
            )


def _fields(query: dict[str, str], key: str, known: frozenset[str]) -> set[str]:
    values = {v for v in query.get(key, "").split(",") if v}
    unknown = values - known
    if unknown:
        raise _Reply(
            400,
            _invalid(key, ",".join(sorted(unknown)), f"The `{key}` query parameter value is bad"),
        )
    return values


def _normal_time(value: str) -> str:
    """``2026-03-01T09:30:00Z`` in the fake's stored form, for string comparison."""
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return _iso(moment.timestamp())


def _render_tweet(tweet: JSON, fields: set[str]) -> JSON:
    out: JSON = {
        "edit_history_tweet_ids": tweet["edit_history_tweet_ids"],
        "id": tweet["id"],
        "text": html.escape(tweet["text"], quote=False),
    }
    for name in sorted(fields):
        if name in tweet and name not in out:
            out[name] = tweet[name]
    return out


def _render_user(user: JSON, fields: set[str]) -> JSON:
    out: JSON = {"id": user["id"], "name": user["name"], "username": user["username"]}
    for name in sorted(fields):
        if name in user and name not in out:
            out[name] = user[name]
    return out


def _expanded(tweet: JSON) -> str:
    text: str = tweet["text"]
    for url in tweet.get("entities", {}).get("urls", []):
        text = text.replace(url["url"], url["expanded_url"])
    return text


def _unwrap(text: str) -> str:
    return " ".join(text.split())


def _post_ids(payload: JSON) -> list[str]:
    data = payload.get("data")
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    ids = [t["id"] for t in items if "text" in t]
    ids += [t["id"] for t in payload.get("includes", {}).get("tweets", [])]
    return ids


def _user_ids(payload: JSON) -> list[str]:
    data = payload.get("data")
    ids = [data["id"]] if isinstance(data, dict) and "username" in data else []
    ids += [u["id"] for u in payload.get("includes", {}).get("users", [])]
    return ids


def _count(payload: JSON | str) -> tuple[int, int]:
    if not isinstance(payload, dict):
        return 0, 0
    return len(_post_ids(payload)), len(_user_ids(payload))


def iter_recorded(folder: Any) -> Iterator[JSON]:
    """Every recorded exchange in ``x-api-recorded/decoded`` (for shape checks)."""
    for path in sorted(folder.glob("*.json")):
        yield from json.loads(path.read_text())


# -- helpers for tests ---------------------------------------------------------------


@contextlib.contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The in-memory keyring as *the* keyring; the previous one comes back after."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@dataclass
class World:
    """A small account on the fake: the brand, people it follows, an app, tokens."""

    fake: FakeX
    me: JSON
    friends: list[JSON]
    strangers: list[JSON]
    app_key: str
    app_secret: str
    token: str
    token_secret: str

    @property
    def secrets(self) -> tuple[str, str, str, str]:
        return (self.app_key, self.app_secret, self.token, self.token_secret)


def make_world(fake: FakeX, *, friends: int = 3, strangers: int = 2) -> World:
    me = fake.add_user("acme_bakery", name="Acme Bakery")
    friend_users = [fake.add_user(f"friend_{i}") for i in range(friends)]
    stranger_users = [fake.add_user(f"customer_{i}") for i in range(strangers)]
    fake.follow(me, *friend_users)
    key, secret = fake.add_app()
    token, token_secret = fake.grant(me, key)
    return World(fake, me, friend_users, stranger_users, key, secret, token, token_secret)
