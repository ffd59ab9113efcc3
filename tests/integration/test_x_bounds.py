"""X sending more than asked, or headers that make no sense: kept to what was asked, said."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fake_x_api import World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import RateLimited
from tuicoach.backends.x.cost import usage_days
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock


@pytest.fixture
def world(world: World) -> World:
    for n in range(3):
        world.fake.add_tweet(world.strangers[0], f"@acme_bakery question {n}")
    return world


def test_a_page_of_more_than_asked_is_kept_to_max_results(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.oversize("mentions", extra=5_000)
    backend = backend_for(world, store, clock, page_size=20, timeout=10.0)
    (mentions,) = backend.sync_report(("mentions",)).streams
    assert mentions.error is None
    assert len(store.stream("mentions", limit=10_000)) == 20
    assert mentions.refused == (
        "X sent more than asked; tuicoach dropped 4,983 tweets beyond the 20 asked for",
    )
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert day.owned_reads == 20  # billed what was asked, not 5,003 (own mentions: owned)
    assert day.post_reads == 0


def test_a_page_of_100000_tweets_is_refused_whole(world: World, store: Store, clock: Clock) -> None:
    world.fake.oversize("mentions", extra=100_000)
    backend = backend_for(world, store, clock, timeout=30.0)
    (mentions,) = backend.sync_report(("mentions",)).streams
    assert mentions.error is not None and "more than tuicoach accepts" in str(mentions.error)
    assert store.stream("mentions", limit=10) == []
    days = usage_days(store, clock.now.date(), clock.now.date())
    assert sum(d.post_reads + d.owned_reads for d in days) == 0  # nothing billed


def test_a_20_mb_tweet_is_refused_and_nothing_is_stored(
    world: World, store: Store, clock: Clock
) -> None:
    world.fake.oversize("mentions", text_bytes=20 << 20)
    report = backend_for(world, store, clock, timeout=30.0).sync_report(("mentions",))
    (mentions,) = report.streams
    assert mentions.error is not None
    assert "more than tuicoach accepts" in str(mentions.error)
    assert "nothing of it was stored" in str(mentions.error)
    assert store.stream("mentions", limit=10) == []
    assert store.cursor("mentions") is None  # asked again next time, from the same place


@pytest.mark.parametrize("reset", ["1e20", "soon", "100000000000000000000", "-5", ""])
def test_a_bad_rate_limit_reset_on_a_200_is_ignored(
    world: World, store: Store, clock: Clock, reset: str
) -> None:
    headers = {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0"}
    world.fake.fail(
        "mentions",
        200,
        body={"meta": {"result_count": 0}},
        headers={**headers, "x-rate-limit-reset": reset},
    )
    backend = backend_for(world, store, clock)
    report = backend.sync_report()
    assert all(r.error is None for r in report.streams), report.errors
    assert backend.rate_limits() == {}


@pytest.mark.parametrize("reset", ["1e20", "soon", "99999999999999"])
def test_a_429_with_a_bad_reset_waits_xs_window(
    world: World, store: Store, clock: Clock, reset: str
) -> None:
    world.fake.fail(
        "mentions",
        429,
        headers={"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0",
                 "x-rate-limit-reset": reset},
    )  # fmt: skip
    (mentions,) = backend_for(world, store, clock).sync_report(("mentions",)).streams
    assert isinstance(mentions.error, RateLimited)
    assert mentions.error.until - clock.now <= timedelta(minutes=15, seconds=1)


def test_a_tweet_from_before_year_one_is_named_and_the_other_streams_go_on(
    world: World, store: Store, clock: Clock
) -> None:
    odd = world.fake.add_tweet(world.strangers[0], "@acme_bakery from the past")
    odd["created_at"] = "0001-01-01T00:00:00+01:00"
    world.fake.add_tweet(world.friends[0], "Good morning")
    report = backend_for(world, store, clock).sync_report()
    by_stream = {r.stream: r for r in report.streams}
    assert "could not read" in str(by_stream["mentions"].error)
    assert "out of range" in str(by_stream["mentions"].error)
    assert by_stream["home"].error is None and by_stream["home"].fetched >= 1
