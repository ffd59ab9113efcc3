"""The per-person report on both engines: two teammates (two machines' backends on one
store) post replies through the real outbox to the fake X, a third reply comes from X's own
app; the report's table, read through the backend port (``replies_by_author()``), matches
the figures worked out by hand from the test's own times.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from fake_x_api import World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import set_author
from tuicoach.backends.x.backend import XBackend
from tuicoach.domain.models import Tweet
from tuicoach.domain.report import BusinessHours
from tuicoach.store import Store, insights

pytestmark = pytest.mark.x_clock
MINUTE = 60.0


@pytest.fixture
def store(store_both: Store) -> Store:
    return store_both


def another(store: Store) -> Store:
    """The same database, opened again: a teammate's machine."""
    if store.engine == "postgresql":
        return Store.connect(store.where)
    return Store.open(store.path)


@pytest.fixture
def teammates(world: World, store: Store, clock: Clock) -> Iterator[tuple[XBackend, XBackend]]:
    theirs = another(store)
    jen, sam = backend_for(world, store, clock), backend_for(world, theirs, clock)
    set_author(jen, "Jen")
    set_author(sam, "Sam")
    try:
        yield jen, sam
    finally:
        jen.close()
        sam.close()
        theirs.close()


def stored(store: Store, text_start: str) -> Tweet:
    with store.reading() as db:
        (tweet_id,) = db.execute(
            "SELECT id FROM tweets WHERE text LIKE ?", (text_start + "%",)
        ).fetchone()
    tweet = store.tweet(str(tweet_id))
    assert tweet is not None
    return tweet


def test_two_teammates_replies_make_the_per_person_table(
    world: World, store: Store, clock: Clock, teammates: tuple[XBackend, XBackend]
) -> None:
    jen, sam = teammates
    start = clock.now
    fake = world.fake
    ask = [
        fake.add_tweet(world.strangers[0], "@acme_bakery is the rye in?", created_at=clock.epoch()),
        fake.add_tweet(
            world.strangers[1], "@acme_bakery open on Sunday?", created_at=clock.epoch() + 600
        ),
        fake.add_tweet(
            world.strangers[0], "@acme_bakery any seeded loaves?", created_at=clock.epoch() + 1200
        ),
        fake.add_tweet(
            world.strangers[1], "@acme_bakery do you deliver?", created_at=clock.epoch() + 300
        ),
    ]
    clock.advance(1500)  # T+25m: everything has arrived
    jen.sync()
    rye, sunday, seeded, deliver = (stored(store, t["text"][:20]) for t in ask)

    # From X's own app at T+25m: 20 minutes after "deliver" (no name on record).
    fake.add_tweet(world.me, "@customer_1 Yes, within 5 miles", reply_to=ask[3])
    clock.advance(300)  # T+30m
    jen.post("@customer_0 Yes, from 8 ^JD", reply_to=rye)  # 30 min
    clock.advance(1200)  # T+50m
    sam.post("@customer_1 10 to 4 ^SK", reply_to=sunday)  # 40 min
    clock.advance(1800)  # T+80m
    jen.post("@customer_0 Tomorrow ^JD", reply_to=seeded)  # 60 min
    clock.advance(1200)  # T+100m
    sam.post("@customer_1 And the café from 9 ^SK", reply_to=sunday)  # a reply, not a first
    clock.advance(600)
    sam.sync()  # the reply from X's app comes in with the account's own tweets

    # Either machine says the same, through the port.
    authors = jen.replies_by_author()
    assert authors == sam.replies_by_author()
    assert sorted(authors.values()) == ["Jen", "Jen", "Sam", "Sam"]

    now = clock.now
    report = insights.report(
        store,
        since=start - timedelta(days=1),
        until=now,
        now=now,
        hours=BusinessHours(tz=UTC),
        reply_authors=authors,
        people=("Jen",),
    )
    assert [p.to_json() for p in report.by_person] == [
        {
            "name": "Jen",
            "replies": 2,
            "answered": 2,
            "replied_within_hour": 2,
            "median_seconds": 45 * MINUTE,  # (30 + 60) / 2
            "p90_seconds": 60 * MINUTE,
        },
        {
            "name": "Sam",
            "replies": 2,
            "answered": 1,
            "replied_within_hour": 1,
            "median_seconds": 40 * MINUTE,
            "p90_seconds": 40 * MINUTE,
        },
        {
            "name": None,
            "replies": 1,
            "answered": 1,
            "replied_within_hour": 1,
            "median_seconds": 20 * MINUTE,
            "p90_seconds": 20 * MINUTE,
        },
    ]
    assert report.first_reply.answered == 4 and report.first_reply.addressed == 4
    assert {rye.id, sunday.id, seeded.id, deliver.id} == {t["id"] for t in ask}


def test_a_solo_account_names_nobody(world: World, store: Store, clock: Clock) -> None:
    backend = backend_for(world, store, clock)
    try:
        mention = world.fake.add_tweet(world.strangers[0], "@acme_bakery hello?")
        clock.advance(60)
        backend.sync()
        backend.post("@customer_0 Hello!", reply_to=stored(store, mention["text"][:18]))
        assert backend.replies_by_author() == {}
        clock.advance(60)
        now = clock.now
        report = insights.report(
            store, since=now - timedelta(days=1), until=now, now=now, reply_authors={}
        )
        assert [(p.name, p.replies) for p in report.by_person] == [(None, 1)]
        assert not report.has_team
    finally:
        backend.close()


def test_the_posted_replies_time_is_when_x_made_it(
    world: World, store: Store, clock: Clock
) -> None:
    """The first-reply time is measured to the reply as stored: check the fake and the store
    agree on it, so the figures above are the ones a person would work out."""
    backend = backend_for(world, store, clock)
    set_author(backend, "Jen")
    try:
        world.fake.add_tweet(world.strangers[0], "@acme_bakery quick one")
        clock.advance(120)
        backend.sync()
        posted = backend.post("@customer_0 Sure ^JD", reply_to=stored(store, "@acme_bakery quick"))
        assert abs(posted.created_at - clock.now) < timedelta(seconds=1)
        assert backend.replies_by_author() == {posted.id: "Jen"}
    finally:
        backend.close()
