"""Before a search is saved, the X backend says what it would have cost (the port's
``estimate_search``): X's counts with the app's bearer token, else its first page."""

from __future__ import annotations

import pytest
from fake_x_api import World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import SearchEstimate, SearchEstimating
from tuicoach.backends.x.cost import usage_days
from tuicoach.domain.listen import ListenSettings, QueryError, SavedSearch
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock

SHOP = SavedSearch("shop", ("acme bakery",))


def say(world: World, n: int) -> None:
    for i in range(n):
        world.fake.add_tweet(world.strangers[i % 2], f"acme bakery rye #{i}")


def test_with_a_bearer_token_one_counts_request_and_no_post_read(
    world: World, store: Store, clock: Clock
) -> None:
    say(world, 21)
    world.fake.bearer_tokens.add("app-bearer")
    backend = backend_for(world, store, clock)
    backend.bearer_token = "app-bearer"
    assert isinstance(backend, SearchEstimating)
    estimate = backend.estimate_search(SHOP)
    assert isinstance(estimate, SearchEstimate)
    assert estimate.query == '"acme bakery" -@acme_bakery -from:acme_bakery'
    assert "X's counts of the last 7 days" in estimate.words and not estimate.over_budget
    assert estimate.dollars_per_day == pytest.approx(21 / 8 * 0.015)  # 8 days of counts
    assert len(world.fake.requests("counts_recent")) == 1
    assert world.fake.requests("search_recent") == [] and world.fake.billed_reads("post") == 0
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert day.counts_requests == 1


def test_without_one_the_first_page_and_over_budget_is_said(
    world: World, store: Store, clock: Clock
) -> None:
    say(world, 30)
    backend = backend_for(world, store, clock)
    backend.listen_settings = ListenSettings(daily_budget=0.20)
    estimate = backend.estimate_search(SHOP)
    assert "the volume of a first page of results" in estimate.words
    assert len(world.fake.requests("search_recent")) == 1
    assert estimate.over_budget  # 30 posts in moments: far more than $0.20 a day
    assert "more than the daily budget of $0.200" in estimate.words
    assert "raise [listen] daily_budget" in estimate.words


def test_a_search_x_would_refuse_is_refused_before_any_request(
    world: World, store: Store, clock: Clock
) -> None:
    backend = backend_for(world, store, clock)
    with pytest.raises(QueryError, match="cannot stand alone"):
        backend.estimate_search(SavedSearch("media", query="has:media"))
    assert world.fake.requests("search_recent") == []
