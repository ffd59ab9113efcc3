"""The demo brand listens too: two saved searches and what they find, at a simulated cost.

``data/listening.json`` is a recent-search envelope (``data``, ``includes``,
``meta``) as ``GET /2/tweets/search/recent`` returns it, mapped by the same
code; ``searches`` are the brand's saved searches ("larkspur", and its blend
names), and ``meta.demo_found_by`` says which search found each post. As with
mentions, a post dated after ``meta.demo_reference_time`` arrives that long
after the demo opens; the rest are there from the start: a complaint that
names the shop without tagging it, a question and a recommendation in a local
thread, and noise that says "larkspur" about flowers.

Each post found is priced as X would bill it ($0.005 a post, $0.010 a new
author), and the total is shown as simulated: nothing is spent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from tuicoach.backends.base import ListenResult, SearchEstimate
from tuicoach.backends.demo.sample import DemoDataError, read_json, shifted
from tuicoach.domain.listen import (
    DEFAULT_DAILY_BUDGET,
    QueryError,
    SavedSearch,
    build_query,
    volume_words,
)
from tuicoach.domain.models import Tweet, User
from tuicoach.domain.xapi import PayloadError, page_from_json, parse_time
from tuicoach.store import Store
from tuicoach.store.listen import ListenStore

LISTENING_FILE = "listening.json"
#: How many of the demo's found posts are in the store, and what finding them "cost".
META_LISTEN_RELEASED = "demo.listen_released"
META_LISTEN_SPENT = "demo.listen_spent"
META_LISTEN_SEEDED = "demo.listen_seeded"
#: What X would bill (X-API-2026.md), for the simulated cost.
POST_READ = 0.005
USER_READ = 0.010


@dataclass(frozen=True, slots=True)
class DemoListening:
    """The demo's saved searches and the posts they find, times as written."""

    reference_time: datetime
    searches: tuple[SavedSearch, ...]
    tweets: tuple[Tweet, ...]  # oldest first
    users: Mapping[str, User]
    context: tuple[Tweet, ...]  # thread tops the found replies answer
    found_by: Mapping[str, str]


@cache
def load_listening() -> DemoListening:
    raw = read_json(LISTENING_FILE)
    try:
        page = page_from_json(raw)
        reference = parse_time(page.meta.get("demo_reference_time"), "meta.demo_reference_time")
        searches = tuple(
            SavedSearch(
                str(s["name"]),
                tuple(s.get("terms", ())),
                s.get("query"),
                s.get("lang"),
                tuple(s.get("exclude", ())),
            )
            for s in raw.get("searches", [])
        )
        found_by = {str(k): str(v) for k, v in page.meta["demo_found_by"].items()}
    except (PayloadError, KeyError, TypeError, AttributeError) as exc:
        raise DemoDataError(f"demo data file {LISTENING_FILE}: {exc}") from None
    for search in searches:
        try:
            build_query(search, "larkspurcoffee")
        except QueryError as exc:
            raise DemoDataError(f"demo data file {LISTENING_FILE}: {exc}") from None
    tweets = tuple(sorted(page.tweets, key=lambda t: t.created_at))
    return DemoListening(
        reference,
        searches,
        tweets,
        {u.id: u for u in page.users},
        page.included_tweets,
        found_by,
    )


def demo_listen(store: Store, *, now: datetime, epoch: datetime, shift: timedelta) -> ListenResult:
    """File what the demo's searches have found by ``now``; arrivals count from ``epoch``.

    ``shift`` moves the data's times to the demo's present (``now - reference``
    on first use). Idempotent: a post is filed once.
    """
    world = load_listening()
    listen = ListenStore(store)
    released = int(store.get_meta(META_LISTEN_RELEASED) or 0)
    if store.get_meta(META_LISTEN_SEEDED) is None:  # once: the user may remove them later
        for search in world.searches:
            if listen.search(search.name) is None:
                listen.save_search(search, now=now)
        store.set_meta(META_LISTEN_SEEDED, "1")
    kept = {s.name.lower() for s in listen.searches()}
    spent = float(store.get_meta(META_LISTEN_SPENT) or 0.0)
    due: list[Tweet] = []
    for tweet in world.tweets[released:]:
        delay = tweet.created_at - world.reference_time
        if delay <= timedelta(0):
            due.append(shifted(tweet, shift))
        elif epoch + delay <= now:
            due.append(shifted(tweet, epoch + delay - tweet.created_at))
        else:
            break
    new: dict[str, int] = {s.name: 0 for s in world.searches}
    if due:
        if released == 0:
            store.upsert_tweets(shifted(t, shift) for t in world.context)
        seen_authors = set(store.users({t.author_id for t in due}))  # read before: free
        for tweet in due:
            name = world.found_by.get(tweet.id, world.searches[0].name)
            if name.lower() not in kept:
                continue  # the user removed that search: it finds nothing now
            author = world.users.get(tweet.author_id)
            listen.add(name, [tweet], [author] if author else [], now=now)
            new[name] = new.get(name, 0) + 1
            spent += POST_READ + (USER_READ if tweet.author_id not in seen_authors else 0.0)
            seen_authors.add(tweet.author_id)
        store.set_meta(META_LISTEN_RELEASED, str(released + len(due)))
        store.set_meta(META_LISTEN_SPENT, f"{spent:.6f}")
    return ListenResult(new=new, spend=demo_listen_status(store))


def _plain_terms(search: SavedSearch) -> list[str]:
    """What a search looks for, as plain lower-case words and phrases (operators left out)."""
    if search.query is None or not search.query.strip():
        return [t.strip().lower() for t in search.terms if t.strip()]
    found = re.findall(r'(-?)"([^"]+)"|(-?)([^\s()"]+)', search.query)
    terms = []
    for neg_phrase, phrase, neg_word, word in found:
        text = phrase or word
        if neg_phrase or neg_word or ":" in text or text in ("OR", "AND"):
            continue
        terms.append(text.lower())
    return terms


def demo_estimate(search: SavedSearch, account_username: str) -> SearchEstimate:
    """What ``search`` would have cost on X, simulated: the demo's practice posts are one
    day's talk about the shop; each that the search would match is priced as X bills it."""
    query = build_query(search, account_username)  # a QueryError for what X would refuse
    world = load_listening()
    terms = _plain_terms(search)
    excluded = [e.strip().lower() for e in search.exclude if e.strip()]
    matched = [
        t
        for t in world.tweets
        if any(term in t.text.lower() for term in terms)
        and not any(e in t.text.lower() for e in excluded)
    ]
    authors = {t.author_id for t in matched}
    dollars = len(matched) * POST_READ + len(authors) * USER_READ
    over = dollars > DEFAULT_DAILY_BUDGET
    words = (
        f"{search.name}: {volume_words(len(matched))}, ${dollars:.3f} a day "
        f"(simulated from the demo's practice posts; on X: from its counts, or a first page, "
        f"at ${POST_READ:.3f} a post and ${USER_READ:.3f} an author). Estimating cost nothing."
    )
    if over:
        words += (
            f" That is more than the ${DEFAULT_DAILY_BUDGET:.2f} daily budget: listening would "
            "stop each day when it is spent."
        )
    return SearchEstimate(query, words, dollars, over, simulated=True)


def demo_listen_status(store: Store) -> str:
    spent = float(store.get_meta(META_LISTEN_SPENT) or 0.0)
    return (
        f"${spent:.3f} of ${DEFAULT_DAILY_BUDGET:.2f} today (simulated: X would bill this; "
        "the demo spends nothing)"
    )


def is_opportunity(store: Store, tweet_id: str) -> bool:
    return ListenStore(store).opportunity(tweet_id) is not None
