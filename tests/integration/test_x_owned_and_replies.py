"""Sync meters the account's own lists as owned reads, and the outbox meters a summoned reply
at its own row: each at X's price for the day (2026-04-20's rows, old days at old prices)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fake_x_api import World
from x_helpers import Clock, backend_for

from tuicoach.backends.x.cost import usage_days
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock

BEFORE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # X priced own reads as post reads then
AFTER = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)  # owned reads $0.001, summoned replies $0.010


def day_of(store: Store, clock: Clock):  # type: ignore[no-untyped-def]
    today = clock.now.date()
    return usage_days(store, today, today)[0]


@pytest.mark.parametrize(("moment", "owned_price"), [(BEFORE, 0.005), (AFTER, 0.001)])
def test_mentions_and_own_tweets_are_owned_reads_the_home_timeline_is_not(
    world: World, store: Store, clock: Clock, moment: datetime, owned_price: float
) -> None:
    clock.now = moment
    world.fake.add_tweet(world.strangers[0], "@acme_bakery open on Sunday?")  # mentions
    world.fake.add_tweet(world.strangers[1], "@acme_bakery the rye was great")  # mentions
    world.fake.add_tweet(world.friends[0], "market day!")  # home only
    world.fake.add_tweet(world.friends[1], "new shoes")  # home only
    backend = backend_for(world, store, clock)
    report = backend.sync_report(("mentions", "home"))
    assert all(r.error is None for r in report.streams)
    day = day_of(store, clock)
    assert (day.owned_reads, day.post_reads) == (2, 2)
    assert day.owned_reads + day.post_reads == world.fake.billed_reads("post")
    expected = 2 * owned_price + 2 * 0.005 + day.user_reads * 0.010
    assert day.cost() == pytest.approx(expected)
    assert report.post_reads == 4  # what sync says it read: every post, whatever its price
    kinds = {k.kind: k for k in day.by_kind()}
    assert kinds["owned reads"].unit_price == owned_price
    assert kinds["owned reads"].cost == pytest.approx(2 * owned_price)


def test_a_post_read_twice_the_same_day_is_billed_once_whichever_list_brought_it(
    world: World, store: Store, clock: Clock
) -> None:
    clock.now = AFTER
    world.fake.add_tweet(world.friends[0], "@acme_bakery see you at the market")  # both lists
    backend = backend_for(world, store, clock)
    backend.sync_report(("mentions", "home"))
    day = day_of(store, clock)
    assert day.owned_reads + day.post_reads == 1 == world.fake.billed_reads("post")


def test_a_summoned_reply_a_post_and_a_self_reply_each_at_their_row(
    world: World, store: Store, clock: Clock
) -> None:
    clock.now = AFTER
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open on Sunday?")
    backend = backend_for(world, store, clock)
    backend.sync_report(("mentions",))
    asked = store.tweet(question["id"])
    assert asked is not None
    reply = backend.post("@customer_0 Yes, 8 to 2!", reply_to=asked)
    day = day_of(store, clock)
    assert (day.posts_created_reply, day.posts_created) == (1, 0)
    backend.post("Rye is back tomorrow.")
    backend.post("And sourdough too.", reply_to=reply)  # a thread of our own: a plain post
    day = day_of(store, clock)
    assert (day.posts_created_reply, day.posts_created, day.posts_created_url) == (1, 2, 0)
    created = {k.kind: k for k in day.by_kind()}
    assert created["summoned replies"].cost == pytest.approx(0.010)
    assert created["posts"].cost == pytest.approx(2 * 0.015)
    reads = sum(k.cost or 0.0 for k in day.by_kind() if "read" in k.kind)
    assert day.cost() == pytest.approx(0.010 + 2 * 0.015 + reads)


def test_before_the_2026_04_20_rows_a_reply_cost_what_a_post_did(
    world: World, store: Store, clock: Clock
) -> None:
    clock.now = BEFORE
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open on Sunday?")
    backend = backend_for(world, store, clock)
    backend.sync_report(("mentions",))
    asked = store.tweet(question["id"])
    assert asked is not None
    backend.post("@customer_0 Yes!", reply_to=asked)
    day = day_of(store, clock)
    assert day.posts_created_reply == 1
    assert {k.kind: k for k in day.by_kind()}["summoned replies"].unit_price == 0.010  # a post
