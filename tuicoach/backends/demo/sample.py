"""The demo brand's world: Larkspur Coffee Roasters, read from X API v2 JSON.

The files in ``data/`` are in the shape the X API returns, and they come into
tuicoach through :mod:`tuicoach.domain.xapi`, the same mapping a real account's
responses go through; so every demo run exercises the code a real account uses.

- ``home_timeline.json``, ``mentions.json``, ``own_tweets.json``: envelopes
  (``data``, ``includes``, ``meta``) as ``GET /2/users/:id/timelines/reverse_chronological``,
  ``/mentions`` and ``/tweets`` return them. ``mentions.json`` holds everything
  addressed to the brand, including quotes and replies that do not @mention it.
- ``arrivals.json``: mentions that arrive while the demo is open, for practice.
- ``me.json`` (``GET /2/users/me``) and ``muting.json`` (``GET /2/users/:id/muting``).
- ``marks.json``: not an X API shape but tuicoach's own: the brand's earlier
  "no reply needed" and snooze decisions, so the demo opens with some made.

Every time in the files is a real instant written relative to
``meta.demo_reference_time``: a tweet five hours older than that instant is
meant to look five hours old. An arrival's ``created_at`` minus the reference
time is how long after the demo opens it arrives. Shifting everything by
``now - reference_time`` is the caller's business (see ``tuicoach.backends.demo``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from tuicoach.domain.models import Tweet, User
from tuicoach.domain.xapi import Page, PayloadError, page_from_json, parse_time, user_from_json

STREAM_FILES: Mapping[str, str] = {
    "home": "home_timeline.json",
    "mentions": "mentions.json",
    "own": "own_tweets.json",
}
ARRIVALS_FILE = "arrivals.json"


class DemoDataError(ValueError):
    """A demo data file that is missing or does not parse: a packaging bug, named precisely."""


@dataclass(frozen=True, slots=True)
class SeedMark:
    """An earlier decision about a mention: dismissed with a reason, or snoozed until a time."""

    tweet_id: str
    no_reply_needed: str | None = None
    snoozed_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Everything the demo starts from, with times as written (relative to ``reference_time``)."""

    reference_time: datetime
    account: User
    streams: Mapping[str, Page]
    arrivals: Page
    muted: tuple[User, ...]
    marks: tuple[SeedMark, ...]

    def arrival_delay(self, tweet: Tweet) -> timedelta:
        """How long after the demo opens ``tweet`` (one of ``arrivals``) arrives."""
        return tweet.created_at - self.reference_time


#: ``data/`` beside this module, as a pip install leaves it (importlib.resources costs
#: zipfile's import before the first frame; it is the fallback, for a zipped install).
_DATA = Path(__file__).with_name("data")


def read_json(name: str) -> Any:
    """The parsed contents of one file in ``data/``."""
    try:
        if _DATA.is_dir():
            data = (_DATA / name).read_bytes()
        else:
            from importlib import resources

            data = resources.files(__package__).joinpath("data", name).read_bytes()
    except OSError as exc:
        raise DemoDataError(f"demo data file {name} cannot be read ({exc})") from None
    try:
        # The standard library's: the store imports it anyway, and a reopened demo reads
        # only two small files before its first frame (msgspec's import would cost more).
        return json.loads(data)
    except ValueError as exc:
        raise DemoDataError(f"demo data file {name} is not valid JSON: {exc}") from None


def read_page(name: str) -> Page:
    """One envelope of ``data/``, through the same mapping real X responses use."""
    try:
        return page_from_json(read_json(name))
    except PayloadError as exc:
        raise DemoDataError(f"demo data file {name}: {exc}") from None


def _reference_time(page: Page, name: str) -> datetime:
    try:
        return parse_time(page.meta.get("demo_reference_time"), "meta.demo_reference_time")
    except PayloadError as exc:
        raise DemoDataError(f"demo data file {name}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Arrivals:
    """The practice mentions, with the instant their times are written relative to."""

    reference_time: datetime
    page: Page

    @property
    def tweets(self) -> tuple[Tweet, ...]:
        return self.page.tweets

    def delay(self, tweet: Tweet) -> timedelta:
        """How long after the demo opens ``tweet`` arrives."""
        return tweet.created_at - self.reference_time


@cache
def load_account() -> User:
    """The demo brand (``me.json``): all a reopened demo needs before its first frame."""
    try:
        return user_from_json(read_json("me.json").get("data"))
    except (PayloadError, AttributeError) as exc:
        raise DemoDataError(f"demo account file me.json: {exc}") from None


@cache
def load_arrivals() -> Arrivals:
    """The practice arrivals alone, without the rest of the world (a reopen needs only them)."""
    page = read_page(ARRIVALS_FILE)
    return Arrivals(_reference_time(page, ARRIVALS_FILE), page)


@cache
def load_world() -> DemoWorld:
    """Read and map every demo file once; the files never change while running.

    Only a first open (seeding the store) and a post (the users it may mention) need
    it: a reopened demo reads :func:`load_account` and :func:`load_arrivals` alone.
    """
    streams = {stream: read_page(name) for stream, name in STREAM_FILES.items()}
    arrivals = load_arrivals()
    reference = _reference_time(streams["own"], STREAM_FILES["own"])
    named = {STREAM_FILES[stream]: page for stream, page in streams.items()}
    for name, page in (named | {ARRIVALS_FILE: arrivals.page}).items():
        if _reference_time(page, name) != reference:
            raise DemoDataError(f"demo data file {name}: meta.demo_reference_time differs")
    try:
        muted = tuple(user_from_json(u) for u in read_json("muting.json").get("data") or [])
        marks = tuple(_mark(raw) for raw in read_json("marks.json").get("marks") or [])
    except (PayloadError, AttributeError) as exc:
        raise DemoDataError(f"demo account, muting or marks file: {exc}") from None
    return DemoWorld(reference, load_account(), streams, arrivals.page, muted, marks)


def _mark(raw: Mapping[str, Any]) -> SeedMark:
    until = raw.get("snoozed_until")
    return SeedMark(
        tweet_id=str(raw["tweet_id"]),
        no_reply_needed=raw.get("no_reply_needed"),
        snoozed_until=parse_time(until, "snoozed_until") if until is not None else None,
    )


def shifted(tweet: Tweet, delta: timedelta) -> Tweet:
    """``tweet`` moved in time by ``delta``; everything else stays."""
    return replace(tweet, created_at=tweet.created_at + delta)
