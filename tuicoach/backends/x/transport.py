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
import urllib.parse
from typing import Any

import requests

from tuicoach.backends.x.errors import TooLarge
from tuicoach.backends.x.settings import DEFAULT_API_BASE, normalise_base

# oauthlib and requests_oauthlib log signed headers, token responses and signature
# base strings at DEBUG: the consumer key, the access token and, while signing in,
# the token secret. Keep them out of any log a user turns on.
for _name in ("oauthlib", "requests_oauthlib"):
    logging.getLogger(_name).setLevel(logging.WARNING)

DEFAULT_TIMEOUT = 15.0

#: The most tuicoach reads of one answer. A full page (100 tweets with every
#: field and the users they bring) is about 150 kB; 4 MB leaves room for long
#: posts and is still small enough that X sending megabytes (a runaway page, a
#: 20 MB tweet) is refused rather than stored and billed.
MAX_RESPONSE_BYTES = 4 << 20

# The hosts tweepy and X's docs use; requests to anything else are left alone.
X_HOSTS = frozenset({"api.twitter.com", "api.x.com"})


def rebase(url: str, base: str) -> str:
    """Move a URL on one of X's hosts onto ``base``, keeping path and query."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in X_HOSTS:
        return url
    target = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(
        (target.scheme, target.netloc, target.path + parts.path, parts.query, parts.fragment)
    )


RATE_HEADERS = ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset")


def drop_bad_rate_headers(response: requests.Response) -> None:
    """Remove ``x-rate-limit-*`` headers that are not plain whole numbers (``soon``,
    ``1e20``, 30 digits): tweepy would fail on them, and a bad header is ignored."""
    for name in RATE_HEADERS:
        value = response.headers.get(name)
        if value is not None and not (value.strip().isdigit() and len(value.strip()) <= 12):
            del response.headers[name]


class XSession(requests.Session):
    """A ``requests.Session`` that talks to ``base`` and never waits longer than ``timeout``."""

    def __init__(
        self,
        base: str = DEFAULT_API_BASE,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__()
        self.base = normalise_base(base)
        self.timeout = timeout
        self.max_bytes = max_bytes

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if isinstance(url, bytes):
            url = url.decode()
        if kwargs.get("stream"):
            return super().request(method, rebase(url, self.base), *args, **kwargs)
        kwargs["stream"] = True
        response = super().request(method, rebase(url, self.base), *args, **kwargs)
        drop_bad_rate_headers(response)
        with response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise TooLarge(f"{int(declared):,} bytes, over the {self.max_bytes:,} it reads")
            chunks, total = [], 0
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if total > self.max_bytes:
                    raise TooLarge(f"over {self.max_bytes:,} bytes, more than it reads")
                chunks.append(chunk)
            response._content = b"".join(chunks)
        return response
