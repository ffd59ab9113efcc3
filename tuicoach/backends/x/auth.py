"""Signing in with the OAuth 1.0a PIN flow: it works in a terminal and its tokens do not expire.

tweepy's ``OAuth1UserHandler`` builds its URLs from a hard-coded
``https://api.twitter.com/oauth/`` and sets no timeout; :class:`_PinHandler`
keeps tweepy's flow but honours the configured API base and a timeout on both
requests. :class:`PinLogin` wraps it with messages a user can act on.
"""

from __future__ import annotations

from typing import Any

import requests
import tweepy
import tweepy.auth

from tuicoach.backends.base import AuthError, BackendError
from tuicoach.backends.x.credentials import Credentials
from tuicoach.backends.x.errors import map_error
from tuicoach.backends.x.settings import DEFAULT_API_BASE, normalise_base
from tuicoach.backends.x.transport import DEFAULT_TIMEOUT


class _PinHandler(tweepy.OAuth1UserHandler):  # type: ignore[misc]
    def __init__(self, consumer_key: str, consumer_secret: str, base: str, timeout: float):
        super().__init__(consumer_key, consumer_secret, callback="oob")
        self._base = normalise_base(base)
        self._timeout = timeout

    def _get_oauth_url(self, endpoint: str) -> str:
        return f"{self._base}/oauth/{endpoint}"

    def _get_request_token(self, access_type: str | None = None) -> Any:
        url = self._get_oauth_url("request_token")
        return self.oauth.fetch_request_token(url, timeout=self._timeout)

    def get_access_token(self, verifier: str | None = None) -> tuple[str, str]:
        self.oauth = tweepy.auth.OAuth1Session(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=self.request_token["oauth_token"],
            resource_owner_secret=self.request_token["oauth_token_secret"],
            verifier=verifier,
            callback_uri=self.callback,
        )
        response = self.oauth.fetch_access_token(
            self._get_oauth_url("access_token"), timeout=self._timeout
        )
        self.access_token = response["oauth_token"]
        self.access_token_secret = response["oauth_token_secret"]
        return self.access_token, self.access_token_secret


def _cause(exc: BaseException) -> BaseException:
    """tweepy wraps what went wrong in ``TweepyException(e)``; find ``e``."""
    while isinstance(exc, tweepy.TweepyException) and exc.args:
        inner = exc.args[0]
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc


class PinLogin:
    """One PIN sign-in: :meth:`authorization_url`, then :meth:`finish` with the PIN."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not consumer_key.strip() or not consumer_secret.strip():
            raise AuthError("Both the API key and the API key secret of your X app are needed.")
        self._handler = _PinHandler(
            consumer_key.strip(), consumer_secret.strip(), api_base, timeout
        )

    def authorization_url(self) -> str:
        """The page where the user approves the app and is shown a PIN."""
        try:
            self._handler.request_token = self._handler._get_request_token()
            url: str = self._handler.oauth.authorization_url(
                self._handler._get_oauth_url("authorize")
            )
        except Exception as exc:
            raise self._error(exc, step="request") from None
        return url

    def finish(self, pin: str) -> Credentials:
        """Trade the PIN for the account's access token and secret."""
        pin = pin.strip()
        if not pin.isdigit():
            raise AuthError(f"{pin!r} is not a PIN: X shows a number of about seven digits.")
        try:
            token, secret = self._handler.get_access_token(pin)
        except Exception as exc:
            raise self._error(exc, step="pin") from None
        return Credentials(self._handler.consumer_key, self._handler.consumer_secret, token, secret)

    @staticmethod
    def _error(exc: BaseException, *, step: str) -> BackendError:
        cause = _cause(exc)
        if isinstance(cause, requests.RequestException):
            return map_error(cause, "signing in")
        # requests_oauthlib's TokenRequestDenied: a ValueError carrying X's response.
        status = getattr(getattr(cause, "response", None), "status_code", None)
        if isinstance(cause, ValueError) and isinstance(status, int) and status >= 400:
            if step == "request":
                return AuthError(
                    f"X rejected the app's API key and secret ({status}). Copy "
                    "them again from your app's 'Keys and tokens' page in the X developer "
                    "console, and check that the app has OAuth 1.0a user authentication set up."
                )
            return AuthError(
                f"X did not accept the PIN ({status}): it may be mistyped or "
                "expired. Run `tuicoach login` again for a fresh one."
            )
        # The message of an unknown failure could quote a token; name only its kind.
        return BackendError(f"Signing in failed ({cause.__class__.__name__}); try again.")
