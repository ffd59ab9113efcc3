"""Posting what the queue holds, once each, through the backend's outbox.

:func:`run_due` is what the app calls on a timer while it is open and what
``tuicoach queue run`` calls from cron; both may run at the same moment. Each
due item is *claimed* in the store first (one conditional UPDATE; see
:mod:`tuicoach.store.queue`), and only the claimant posts it, through
``backend.post`` and so the outbox. A claimant that died mid-post (kill -9, a
power cut) leaves its item ``posting``: the next run sees the claimant gone,
lets the backend settle its outbox (``sync``: the X outbox looks for the tweet
on the account before sending again), adopts the tweet if it is there, and
posts it only if it is not. Nothing is posted twice.

A slot that passed while nothing ran is posted late with a note, or held for
the user, by the ``missed`` choice (config ``[queue] missed = "late" | "hold"``).
"""

from __future__ import annotations

import html
import os
import socket
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from tuicoach.backends.base import AuthError, Backend, BackendError, Offline, RateLimited
from tuicoach.domain.models import Tweet
from tuicoach.store import Store
from tuicoach.store import queue as q
from tuicoach.store.queue import QueueItem, QueueState

Missed = Literal["late", "hold"]

#: A slot more than this far in the past was missed (nothing ran at its time).
LATE_AFTER = timedelta(minutes=15)
#: A claim older than this is taken over even when its process seems alive.
CLAIM_TIMEOUT = timedelta(minutes=30)
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The queue's config (``[queue]``); defaults until the config declares them."""

    missed: Missed = "late"
    late_after: timedelta = LATE_AFTER


@dataclass
class RunResult:
    posted: list[tuple[QueueItem, Tweet]] = field(default_factory=list)
    held: list[QueueItem] = field(default_factory=list)
    failed: list[tuple[QueueItem, str]] = field(default_factory=list)
    stopped: BackendError | None = None  # offline, signed out, rate limited: the rest waits


def claimant() -> str:
    """This process, as a claim names it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(claimed_by: str | None, claimed_at: datetime | None, now: datetime) -> bool:
    """Whether an item's claimant can no longer be posting it."""
    if claimed_by is None or claimed_at is None:
        return True
    if now - claimed_at > CLAIM_TIMEOUT:
        return True
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's: wait for the timeout
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", html.unescape(text)).split())


def _already_posted(store: Store, item: QueueItem) -> Tweet | None:
    """The account's own tweet that is this item, posted since it was claimed."""
    since = (item.claimed_at or item.created_at) - CLOCK_SKEW
    text = _normal(item.text)
    for tweet in store.stream("own", since=since):
        if _normal(tweet.text) == text and tweet.replied_to_id == item.reply_to_id:
            return tweet
    return None


def _hhmm(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %H:%M")


def run_due(
    store: Store,
    backend: Backend,
    *,
    now: datetime,
    settings: QueueSettings | None = None,
    by: str | None = None,
    post_now: int | None = None,
) -> RunResult:
    """Post every queued item whose slot has come (or just ``post_now``, whatever its slot).

    Returns what was posted, held and refused. ``by`` names the claimant
    (default: this process).
    """
    settings = settings or QueueSettings()
    by = by or claimant()
    result = RunResult()
    _recover(store, backend, now=now, by=by, result=result)
    if result.stopped is not None:
        return result
    for item in q.items(store, states=(QueueState.QUEUED,)):
        if post_now is not None and item.id != post_now:
            continue
        if post_now is None and item.slot_at > now:
            continue
        note = ""
        if post_now is None and now - item.slot_at > settings.late_after:
            if settings.missed == "hold":
                held = q.finish(
                    store,
                    item.id,
                    QueueState.HELD,
                    now=now,
                    note=f"its slot ({_hhmm(item.slot_at)}) passed while nothing was running: "
                    "held for you to send, move or delete",
                )
                result.held.append(held)
                continue
            note = f"posted late: its slot was {_hhmm(item.slot_at)}"
        claimed = q.claim(store, item.id, by=by, now=now)
        if claimed is None:
            continue  # another process has it
        if not _post(store, backend, claimed, note=note, now=now, result=result):
            break
    return result


def _recover(store: Store, backend: Backend, *, now: datetime, by: str, result: RunResult) -> None:
    stale = [
        i
        for i in q.items(store, states=(QueueState.POSTING,))
        if _gone(i.claimed_by, i.claimed_at, now)
    ]
    if not stale:
        return
    try:
        backend.sync()  # settle the outbox: what was sent is fetched, what was not is sent
    except (Offline, AuthError, RateLimited) as exc:
        result.stopped = exc
        return
    except BackendError:
        pass  # one stream failing does not stop us reading what the outbox settled
    for item in stale:
        taken = q.reclaim(store, item.id, stale_by=item.claimed_by or "", by=by, now=now)
        if taken is None:
            continue
        found = _already_posted(store, taken)
        if found is not None:
            posted = q.finish(
                store, taken.id, QueueState.POSTED, now=now, tweet_id=found.id,
                note="posted (found on the account after an interrupted run)",
            )  # fmt: skip
            result.posted.append((posted, found))
            continue
        if not _post(store, backend, taken, note="", now=now, result=result):
            return


def _post(
    store: Store, backend: Backend, item: QueueItem, *, note: str, now: datetime, result: RunResult
) -> bool:
    """Post one claimed item; False when the backend cannot take more now."""
    try:
        reply_to = store.tweet(item.reply_to_id) if item.reply_to_id else None
        if item.reply_to_id and reply_to is None:
            poster = getattr(backend, "post_reply_to_id", None)
            if poster is None:
                raise BackendError(
                    f"the tweet {item.reply_to_id} this answers is not in the store: "
                    "sync, or queue it again as a reply from the app"
                )
            tweet: Tweet = poster(item.text, item.reply_to_id)
        else:
            tweet = backend.post(item.text, reply_to=reply_to)
    except (Offline, AuthError, RateLimited) as exc:
        # The outbox keeps the post it started and sends it when it can; the item stays
        # claimed, and a later run adopts the tweet once the outbox has settled. Putting
        # it back in the queue instead could post it twice.
        q.finish(store, item.id, QueueState.POSTING, now=now, note=f"waiting: {exc}")
        result.stopped = exc
        return False
    except BackendError as exc:
        result.failed.append(
            (q.finish(store, item.id, QueueState.FAILED, now=now, note=str(exc)), str(exc))
        )
        return True
    posted = q.finish(store, item.id, QueueState.POSTED, now=now, tweet_id=tweet.id, note=note)
    result.posted.append((posted, tweet))
    return True
