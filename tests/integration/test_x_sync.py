"""Syncing a real account from the fake API: backfill, incremental reads, limits, failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fake_x_api import CLIENT_NOT_ENROLLED, FakeX, World
from x_helpers import Clock, Sleeps, backend_for

from tuicoach.backends.base import AccessError, AuthError, Offline, RateLimited
from tuicoach.backends.x.cost import usage_days
from tuicoach.backends.x.sync import Pacer
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock


def populate(world: World, clock: Clock, *, home: int, mentions: int, own: int) -> None:
    """Tweets a minute apart: friends in the home timeline, customers mentioning us, our own."""
    for i in range(home):
        clock.advance(60)
        world.fake.add_tweet(world.friends[i % len(world.friends)], f"Friend news {i}")
    for i in range(mentions):
        clock.advance(60)
        world.fake.add_tweet(world.strangers[i % len(world.strangers)], f"@acme_bakery hi {i}")
    for i in range(own):
        clock.advance(60)
        world.fake.add_tweet(world.me, f"Today's bake {i}")


def since_ids(fake: FakeX, route: str) -> list[str | None]:
    return [s.query.get("since_id") for s in fake.requests(route)]


# -- backfill and incremental --------------------------------------------------------------


def test_first_sync_backfills_a_bounded_amount(world: World, store: Store, clock: Clock) -> None:
    populate(world, clock, home=50, mentions=5, own=3)
    backend = backend_for(world, store, clock)
    report = backend.sync_report()
    by_stream = {r.stream: r for r in report.streams}

    assert by_stream["home"].pages == 2  # backfill_pages, although 53 home tweets exist
    assert by_stream["home"].fetched == 40  # 2 pages x page_size 20
    assert by_stream["home"].backfill
    assert by_stream["mentions"].fetched == 5
    assert by_stream["own"].fetched == 3
    assert since_ids(world.fake, "home") == [None, None]
    assert [s.query.get("max_results") for s in world.fake.requests("home")] == ["20", "20"]
    assert len(store.stream("home")) == 40
    newest_home = max((t for t in world.fake.tweets.values()), key=lambda t: int(t["id"]))
    assert store.cursor("home") == newest_home["id"]
    assert report.errors == []
    assert report.result().new == {"mentions": 5, "home": 40, "own": 3}


def test_incremental_sync_asks_only_for_what_is_new(
    world: World, store: Store, clock: Clock
) -> None:
    populate(world, clock, home=4, mentions=2, own=1)
    backend = backend_for(world, store, clock)
    backend.sync()
    cursor = store.cursor("mentions")
    clock.advance(60)
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery do you deliver?")
    result = backend.sync()

    assert result.new["mentions"] == 1
    assert result.new["home"] == 0
    assert since_ids(world.fake, "mentions")[-1] == cursor
    assert store.cursor("mentions") == question["id"]
    assert store.stream("mentions", limit=1)[0].id == question["id"]


def test_tweets_arrive_with_everything_the_coach_and_owed_replies_need(
    world: World, store: Store, clock: Clock
) -> None:
    ours = world.fake.add_tweet(world.me, "New: rye & caraway loaf <3")
    clock.advance(60)
    reply = world.fake.add_tweet(world.strangers[0], "@acme_bakery is it vegan?", reply_to=ours)
    backend_for(world, store, clock).sync()

    stored = store.tweet(reply["id"])
    assert stored is not None
    assert stored.replied_to_id == ours["id"]
    assert stored.conversation_id == ours["id"]
    assert stored.in_reply_to_user_id == world.me["id"]
    assert stored.author_id == world.strangers[0]["id"]
    assert stored.mentioned_usernames == {"acme_bakery"}
    assert stored.created_at == datetime.fromisoformat(reply["created_at"])
    own = store.tweet(ours["id"])
    assert own is not None and own.text == "New: rye & caraway loaf <3"  # unescaped
    assert own.metrics.replies == 1
    author = store.user(world.strangers[0]["id"])
    assert author is not None and author.username == "customer_0"
    assert author.followers_count == 100


def test_steady_state_reads_about_one_post_per_new_tweet(
    world: World, store: Store, clock: Clock
) -> None:
    """The cost test: several incremental syncs with a few new tweets each (one UTC day)."""
    populate(world, clock, home=30, mentions=10, own=10)
    backend = backend_for(world, store, clock, page_size=100)
    backend.sync()
    billed_before = world.fake.billed_reads("post")
    served_before = world.fake.posts_served
    ours = world.fake.tweets_by(world.me)

    new = 0
    for round_ in range(8):
        clock.advance(600)
        friend = world.friends[round_ % len(world.friends)]
        customer = world.strangers[round_ % len(world.strangers)]
        world.fake.add_tweet(friend, f"Market day {round_}")  # home only
        world.fake.add_tweet(customer, f"@acme_bakery open at {round_}?")  # mentions only
        world.fake.add_tweet(friend, f"@acme_bakery lovely loaf {round_}")  # home and mentions
        world.fake.add_tweet(customer, "@acme_bakery thanks!", reply_to=ours[round_])  # + parent
        posted = world.fake.add_tweet(world.me, f"Fresh batch {round_}")  # home and own
        world.fake.add_tweet(customer, "@acme_bakery yum", reply_to=posted)  # mentions + parent
        new += 6
        backend.sync()

    billed = world.fake.billed_reads("post") - billed_before
    served = world.fake.posts_served - served_before
    print(f"\nreads per new tweet: billed {billed / new:.3f}, served {served / new:.3f}")
    assert billed / new <= 1.05
    metered = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    # The meter agrees with X: the posts of mentions and own tweets as owned reads, the rest
    # (the home timeline, the tweets in includes) as post reads.
    assert metered.post_reads + metered.owned_reads == world.fake.billed_reads("post")
    assert metered.owned_reads > 0 and metered.post_reads > 0
    assert metered.user_reads == world.fake.billed_reads("user")


def test_replies_to_old_tweets_on_later_days_cost_one_read_each(
    world: World, store: Store, clock: Clock
) -> None:
    """X bills an item again on each new UTC day: the parent of a reply must not come along."""
    populate(world, clock, home=10, mentions=5, own=10)
    backend = backend_for(world, store, clock, page_size=100)
    backend.sync()
    billed_before = world.fake.billed_reads("post")
    ours = world.fake.tweets_by(world.me)

    replies = []
    for day in range(4):
        clock.advance(24 * 3600)
        customer = world.strangers[day % len(world.strangers)]
        replies.append(
            world.fake.add_tweet(customer, "@acme_bakery still great!", reply_to=ours[day])
        )
        backend.sync()

    stored = store.tweet(replies[-1]["id"])
    assert stored is not None and stored.replied_to_id == ours[3]["id"]  # the link is kept
    assert world.fake.billed_reads("post") - billed_before == 4


# -- inside X's limits ---------------------------------------------------------------------------


def test_a_second_sync_too_soon_asks_nothing(world: World, store: Store, clock: Clock) -> None:
    backend = backend_for(world, store, clock)
    backend.sync()
    requests = len(world.fake.requests())
    report = backend.sync_report()
    assert len(world.fake.requests()) == requests
    assert all(r.next_due is not None for r in report.streams)
    assert report.errors == []

    clock.advance(3.0)  # mentions: 300 per 15 min -> every 3 s; home: 180 -> every 5 s
    fetched = {r.stream for r in backend.sync_report().streams if r.next_due is None}
    assert fetched == {"mentions", "own"}
    clock.advance(2.0)  # mentions was asked 2 s ago: not yet again
    fetched = {r.stream for r in backend.sync_report().streams if r.next_due is None}
    assert fetched == {"home", "own"}


def test_the_pace_survives_a_restart(world: World, store: Store, clock: Clock) -> None:
    backend_for(world, store, clock).sync()
    requests = len(world.fake.requests())
    backend_for(world, store, clock).sync()  # e.g. `tuicoach sync` run twice in a row
    assert len(world.fake.requests()) == requests


@pytest.mark.parametrize(("stream", "limit"), [("home", 180), ("mentions", 300)])
def test_refreshing_every_second_for_a_window_stays_inside_xs_limit(
    store: Store, clock: Clock, stream: str, limit: int
) -> None:
    """The pacer alone (no network), as a user pressing refresh every second would drive it."""
    pacer = Pacer(store)
    start = clock.now
    fetches = 0
    while clock.now < start + timedelta(minutes=15):
        if pacer.next_due(stream, clock.now) is None:
            fetches += 1
            pacer.record(stream, now=clock.now, requests=1, fetched=True, rate=None)
        clock.advance(1.0)
    assert limit * 0.95 <= fetches <= limit


def test_polling_with_the_fake_enforcing_limits_never_meets_a_429(
    world: World, store: Store, clock: Clock
) -> None:
    """Home, the tightest limit, refreshed every 2.5 s: only every other refresh asks X."""
    backend = backend_for(world, store, clock)
    for _ in range(40):
        backend.sync_report(("home",))
        clock.advance(2.5)
    home = world.fake.requests("home")
    assert all(s.status == 200 for s in home)
    assert len(home) == 20  # X allows one request per 5 s
    assert backend.poll_seconds >= 5.0


# -- failures ------------------------------------------------------------------------------------


def test_429_on_mentions_keeps_the_rest_working(world: World, store: Store, clock: Clock) -> None:
    populate(world, clock, home=3, mentions=2, own=1)
    reset = int(clock.epoch()) + 600
    world.fake.rate_limit("mentions", reset=reset)
    backend = backend_for(world, store, clock)
    with pytest.raises(RateLimited) as caught:
        backend.sync()
    until = datetime.fromtimestamp(reset, UTC)
    assert caught.value.until == until
    assert f"rate limited until {until.astimezone().strftime('%H:%M')}" in str(caught.value)
    assert len(store.stream("home")) == 4  # 3 friends' tweets and our own
    assert len(store.stream("own")) == 1
    assert store.cursor("mentions") is None

    clock.advance(60)
    report = backend.sync_report()  # still before the reset: mentions is not asked
    assert len(world.fake.requests("mentions")) == 1
    assert isinstance(report.streams[0].error, RateLimited)
    assert set(backend.rate_limits()) == {"mentions"}

    clock.now = until + timedelta(seconds=1)
    backend.sync()
    assert len(store.stream("mentions")) == 2
    assert backend.rate_limits() == {}


def test_401_stops_the_sync_with_the_way_out(world: World, store: Store, clock: Clock) -> None:
    world.fake.fail("mentions", 401)
    with pytest.raises(AuthError, match="tuicoach login"):
        backend_for(world, store, clock).sync()
    assert [s.route for s in world.fake.requests()] == ["mentions"]


def test_403_names_the_feature_and_the_rest_is_fetched(
    world: World, store: Store, clock: Clock
) -> None:
    populate(world, clock, home=2, mentions=2, own=0)
    world.fake.fail("home", 403, body=CLIENT_NOT_ENROLLED)
    with pytest.raises(AccessError) as caught:
        backend_for(world, store, clock).sync()
    assert caught.value.feature == "the home timeline"
    assert "client-not-enrolled" in str(caught.value)
    assert len(store.stream("mentions")) == 2


def test_5xx_then_success(world: World, store: Store, clock: Clock) -> None:
    populate(world, clock, home=0, mentions=3, own=0)
    world.fake.fail("mentions", 503, times=2)
    sleeps = Sleeps()
    result = backend_for(world, store, clock, sleeps).sync()
    assert result.new["mentions"] == 3
    assert len(sleeps) == 2


def test_5xx_exhausted_is_offline_and_nothing_is_lost(
    world: World, store: Store, clock: Clock
) -> None:
    populate(world, clock, home=1, mentions=3, own=0)
    world.fake.fail("mentions", 503, times=3)
    backend = backend_for(world, store, clock)
    with pytest.raises(Offline, match="tried 3 times"):
        backend.sync()
    assert world.fake.requests("home") == []  # offline: the other streams were not tried
    assert store.cursor("mentions") is None
    clock.advance(10)
    backend.sync()
    assert len(store.stream("mentions")) == 3


def test_a_stalled_connection_times_out(world: World, store: Store, clock: Clock) -> None:
    world.fake.stall("mentions", times=3)
    with pytest.raises(Offline, match="did not answer in time"):
        backend_for(world, store, clock, timeout=0.2).sync()


def test_a_failure_midway_leaves_the_cursor_where_it_was(
    world: World, store: Store, clock: Clock
) -> None:
    populate(world, clock, home=0, mentions=3, own=0)
    backend = backend_for(world, store, clock, page_size=5)
    backend.sync()
    cursor = store.cursor("mentions")
    populate(world, clock, home=0, mentions=8, own=0)  # two pages of 5
    world.fake.clear_faults()
    original = world.fake._take_fault

    calls = {"n": 0}

    def second_page_fails(route: str):  # type: ignore[no-untyped-def]
        if route == "mentions":
            calls["n"] += 1
            if calls["n"] == 2:
                world.fake.fail("mentions", 503, times=3)
        return original(route)

    world.fake._take_fault = second_page_fails  # type: ignore[method-assign]
    clock.advance(10)
    with pytest.raises(Offline):
        backend.sync()
    assert store.cursor("mentions") == cursor
    world.fake._take_fault = original  # type: ignore[method-assign]
    clock.advance(10)
    result = backend.sync()
    assert result.new["mentions"] == 3  # the first page was kept; the rest came now
    assert len(store.stream("mentions")) == 11


def test_more_new_than_one_sync_fetches_is_a_gap(world: World, store: Store, clock: Clock) -> None:
    populate(world, clock, home=0, mentions=1, own=0)
    backend = backend_for(world, store, clock, page_size=5, catch_up_pages=2)
    backend.sync()
    populate(world, clock, home=0, mentions=12, own=0)
    clock.advance(10)
    report = backend.sync_report()
    mentions = next(r for r in report.streams if r.stream == "mentions")
    assert mentions.gap
    assert mentions.fetched == 10
