"""The HTTP session under tweepy: the configured API base, and a timeout on every request.

tweepy's ``Client.request`` builds every URL from a hard-coded
``https://api.twitter.com`` and passes no timeout, so a stalled connection would
hang the app for ever. Instead of patching tweepy, :class:`XSession` replaces
``client.session``: it rewrites X's hosts to the configured base and fills in a
default timeout. Because the rewrite happens before ``requests`` prepares the
request, the OAuth 1.0a signature covers the URL actually sent.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from typing import Any

import requests

# oauthlib and requests_oauthlib log signed headers, token responses and signature
# base strings at DEBUG: the consumer key, the access token and, while signing in,
# the token secret. Keep them out of any log a user turns on.
for _name in ("oauthlib", "requests_oauthlib"):
    logging.getLogger(_name).setLevel(logging.WARNING)

DEFAULT_API_BASE = "https://api.twitter.com"
API_BASE_ENV = "TUICOACH_X_API_BASE"
DEFAULT_TIMEOUT = 15.0

# The hosts tweepy and X's docs use; requests to anything else are left alone.
X_HOSTS = frozenset({"api.twitter.com", "api.x.com"})


class ApiBaseError(ValueError):
    """An ``api_base`` that is not an http(s) URL."""


def normalise_base(base: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash, or :class:`ApiBaseError`."""
    parts = urllib.parse.urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiBaseError(
            f"API base {base!r} is not an http(s) URL such as {DEFAULT_API_BASE}; "
            f"fix [x] api_base in the config or ${API_BASE_ENV}"
        )
    if parts.query or parts.fragment:
        raise ApiBaseError(
            f"API base {base!r} must not have a query or fragment; "
            f"fix [x] api_base in the config or ${API_BASE_ENV}"
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def api_base(configured: str | None = None) -> str:
    """``$TUICOACH_X_API_BASE``, else the config's ``[x] api_base``, else X's own."""
    return normalise_base(os.environ.get(API_BASE_ENV) or configured or DEFAULT_API_BASE)


def rebase(url: str, base: str) -> str:
    """Move a URL on one of X's hosts onto ``base``, keeping path and query."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in X_HOSTS:
        return url
    target = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(
        (target.scheme, target.netloc, target.path + parts.path, parts.query, parts.fragment)
    )


class XSession(requests.Session):
    """A ``requests.Session`` that talks to ``base`` and never waits longer than ``timeout``."""

    def __init__(self, base: str = DEFAULT_API_BASE, timeout: float = DEFAULT_TIMEOUT) -> None:
        super().__init__()
        self.base = normalise_base(base)
        self.timeout = timeout

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if isinstance(url, bytes):
            url = url.decode()
        return super().request(method, rebase(url, self.base), *args, **kwargs)
