"""The demo brand listens: two saved searches, realistic finds, arrivals, a simulated cost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.backends.base import Listening, Refused
from tuicoach.backends.demo import DemoBackend, open_demo_store
from tuicoach.backends.demo.listening import load_listening
from tuicoach.domain.listen import build_query
from tuicoach.domain.owed import Band, classify
from tuicoach.store import Store
from tuicoach.store.listen import ListenStore

OPENED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_demo_store(tmp_path, OPENED) as opened:
        yield opened


def test_the_demo_has_two_saved_searches_x_would_accept() -> None:
    world = load_listening()
    assert [s.name for s in world.searches] == ["larkspur", "blends"]
    queries = [build_query(s, "larkspurcoffee") for s in world.searches]
    assert queries[0] == (
        '(larkspur OR "larkspur coffee" OR #larkspurcoffee) '
        "-@larkspurcoffee -from:larkspurcoffee lang:en"
    )
    for tweet in world.tweets:  # none of them summoned the brand (they are opportunities)
        assert "larkspurcoffee" not in tweet.mentioned_usernames


def test_the_demo_finds_a_morning_of_opportunities_then_more_arrive(store: Store) -> None:
    clock = Clock(OPENED)
    backend = DemoBackend(store, now=clock)
    assert isinstance(backend, Listening) and backend.capabilities.search
    first = backend.listen()
    assert first.new == {"larkspur": 5, "blends": 2}
    found = ListenStore(store).opportunities(now=clock.now)
    texts = {f.tweet.text for f in found}
    assert any("lukewarm" in t for t in texts)  # a complaint naming the shop, untagged
    assert any("oat milk" in t for t in texts)  # a question in a local thread
    assert any("Worth the detour" in t for t in texts)  # a recommendation
    assert any("back border" in t for t in texts)  # noise: the flower
    assert all(f.tweet.created_at <= clock.now for f in found)
    bands = [classify(f.tweet.text) for f in found]
    assert bands.count(Band.NEEDS_ANSWER) >= 3
    assert first.spend is not None and "simulated" in first.spend
    assert first.spend.startswith("$0.")
    # Nothing new a moment later; then the arrivals come, minutes apart.
    assert backend.listen().total_new == 0
    clock.now += timedelta(minutes=4)
    assert backend.listen().new == {"larkspur": 2, "blends": 0}
    clock.now += timedelta(minutes=10)
    assert backend.listen().total_new == 2
    assert ListenStore(store).open_count(now=clock.now) == 11
    spent = float(backend.listen_status().split()[0].lstrip("$"))  # type: ignore[union-attr]
    assert spent == pytest.approx(11 * 0.005 + 9 * 0.010)  # 9 authors, each read once


def test_a_reply_to_an_opportunity_is_refused_as_on_x(store: Store) -> None:
    backend = DemoBackend(store, now=Clock(OPENED))
    backend.listen()
    found = ListenStore(store).opportunities(now=OPENED)[0]
    refusal = backend.reply_refusal(found.tweet)
    assert refusal is not None and f"https://x.com/i/web/status/{found.tweet.id}" in refusal
    with pytest.raises(Refused):
        backend.post("Sorry about that!", reply_to=found.tweet)
    assert store.stream("own", limit=1)[0].text != "Sorry about that!"
    # A mention still takes a reply.
    mention = store.stream("mentions", limit=1)[0]
    assert backend.reply_refusal(mention) is None


def test_opportunities_keep_their_ages_across_days(tmp_path: Path) -> None:
    with open_demo_store(tmp_path, OPENED) as store:
        DemoBackend(store, now=Clock(OPENED)).listen()
        ages = sorted(
            OPENED - f.tweet.created_at for f in ListenStore(store).opportunities(now=OPENED)
        )
        DemoBackend(store, now=Clock(OPENED)).close()
    later = OPENED + timedelta(days=3)
    with open_demo_store(tmp_path, later) as store:
        again = sorted(
            later - f.tweet.created_at for f in ListenStore(store).opportunities(now=later)
        )
    assert again == ages
