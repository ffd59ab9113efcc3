"""The failures a backend reports: each ``str(error)`` names the problem and the way out.

Apart from the port (``backends/base.py``, which re-exports them) so that the
UI's modules, which catch them, load before the first frame without the port's
protocols and result types.
"""

from __future__ import annotations

from datetime import datetime


class BackendError(Exception):
    """A failure talking to the service; ``str(error)`` is fit to show a user."""


class AuthError(BackendError):
    """401: the credentials were rejected."""


class AccessError(BackendError):
    """403: the app's access level lacks this endpoint; ``feature`` names what is unavailable."""

    def __init__(self, message: str, feature: str) -> None:
        super().__init__(message)
        self.feature = feature


class RateLimited(BackendError):
    """429: no more requests to this endpoint until ``until`` (UTC)."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class Offline(BackendError):
    """No network, a timeout, or a 5xx that outlasted the retries."""


class ResponseLost(Offline):
    """A request was sent but its answer never came: it may or may not have taken effect."""


class Unconfirmed(ResponseLost):
    """A post was sent and the service's answer was not readable: it may be posted already.

    The backend will not send it again before a lookup of the account's own
    posts, made after ``check_after``, has not found it. Never "not sent".
    ``item_id`` is its record on the way out (``tuicoach outbox``).
    """

    def __init__(self, message: str, *, item_id: int, check_after: datetime) -> None:
        super().__init__(message)
        self.item_id = item_id
        self.check_after = check_after


class AlreadyPosted(BackendError):
    """The same post (text and reply target) is already on the service, from an earlier send."""

    def __init__(self, message: str, *, item_id: int, tweet_id: str | None) -> None:
        super().__init__(message)
        self.item_id = item_id
        self.tweet_id = tweet_id


class Refused(BackendError):
    """The service will not do this (and so nothing was sent); the message says the way out."""


class TeammateAnswered(Refused):
    """The traffic cop: a teammate answered this mention (or recorded a reply to it) since
    the sender opened it, so nothing was sent.

    ``by``: the teammate's ``[team] name`` (``None``: posted outside tuicoach);
    ``text``: their reply; ``at``: when it was recorded or posted. Send again with
    ``anyway=True`` to post on purpose.
    """

    def __init__(
        self, message: str, *, mention_id: str, by: str | None, text: str, at: datetime
    ) -> None:
        super().__init__(message)
        self.mention_id = mention_id
        self.by = by
        self.text = text
        self.at = at


class SearchRejected(BackendError):
    """400: X rejected a saved search's query; ``search`` names it, the message says why."""

    def __init__(self, message: str, search: str) -> None:
        super().__init__(message)
        self.search = search
