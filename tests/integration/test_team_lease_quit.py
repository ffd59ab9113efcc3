"""The team's sync lease is let go when the machine holding it closes its backend (the app
quitting, ``tuicoach sync`` exiting): a teammate's next sync asks X at once, instead of
waiting up to a minute for the lease to lapse. On the session's real PostgreSQL server,
two machines' X backends on one database and one fake X API.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_x_api import World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import set_author
from tuicoach.backends.x.backend import XBackend, holder_name
from tuicoach.store import Store

pytestmark = pytest.mark.x_clock
TWEET_ROUTES = {"home", "mentions", "own", "timeline", "user_tweets", "user_mentions"}


def machine(world: World, url: str, clock: Clock, name: str | None, where: str) -> XBackend:
    backend = backend_for(world, Store.connect(url), clock)
    set_author(backend, name)
    backend.sync_holder = f"{where}@host /data/{where}"  # as accounts.py names a machine
    return backend


@pytest.fixture
def machines(world: World, pg_url: str, clock: Clock) -> Iterator[list[XBackend]]:
    opened: list[XBackend] = []

    def close_all() -> None:
        for backend in opened:
            backend.close()
            backend.store.close()

    opened += [
        machine(world, pg_url, clock, "Jen", "jen"),
        machine(world, pg_url, clock, "Sam", "sam"),
        machine(world, pg_url, clock, None, "kim"),
    ]
    try:
        yield opened
    finally:
        close_all()


def tweet_requests(world: World, since: int) -> list[str]:
    """The routes of the requests for tweets (not the credentials' owner) since ``since``."""
    return [s.route for s in world.fake.requests()[since:] if s.route != "me"]


def lease_rows(store: Store) -> list[tuple[str, str]]:
    with store.reading() as db:
        return [(str(a), str(h)) for a, h in db.execute("SELECT account, holder FROM sync_lease")]


def test_closing_the_holder_lets_a_teammate_sync_at_once(
    world: World, clock: Clock, machines: list[XBackend]
) -> None:
    jen, sam, kim = machines
    world.fake.add_tweet(world.strangers[0], "@acme_bakery rye today?")
    assert jen.sync().synced_by is None  # Jen's machine takes the lease
    assert lease_rows(jen.store) == [(world.me["id"], "Jen · jen@host /data/jen")]

    clock.advance(10)
    asked = len(world.fake.requests())
    blocked = sam.sync()
    assert blocked.synced_by == "Jen"  # named, for the status bar
    assert tweet_requests(world, asked) == []

    # A machine that does not hold it closing changes nothing: Jen's still syncs alone.
    kim.close()
    assert sam.sync().synced_by == "Jen"
    assert tweet_requests(world, asked) == []

    jen.close()  # Jen quits: the lease goes with her
    assert lease_rows(sam.store) == []
    clock.advance(1)  # well inside the minute the lease would have lasted
    asked = len(world.fake.requests())
    took = sam.sync()
    assert took.synced_by is None
    assert tweet_requests(world, asked) != []  # Sam's machine asked X itself, at once
    assert lease_rows(sam.store) == [(world.me["id"], "Sam · sam@host /data/sam")]


def test_without_closing_the_teammate_waits_for_the_lease_to_lapse(
    world: World, clock: Clock, machines: list[XBackend]
) -> None:
    """The other half: what closing saves. A holder that just stops (killed) keeps the lease
    until it lapses; then the teammate takes over."""
    jen, sam, _ = machines
    jen.sync()
    clock.advance(50)
    assert sam.sync().synced_by == "Jen"
    clock.advance(11)  # 61 s after Jen's last sync: her lease has lapsed
    assert sam.sync().synced_by is None


def test_a_closed_database_does_not_stop_the_app_quitting(
    world: World, clock: Clock, machines: list[XBackend]
) -> None:
    jen = machines[0]
    jen.sync()
    jen.store.close()
    jen.close()  # the lease cannot be let go: it lapses by itself; quitting goes on


@pytest.mark.parametrize(
    ("holder", "shown"),
    [
        ("Jen · jen@laptop /home/jen/.local/share/tuicoach", "Jen"),
        ("Jen Doe · jen@laptop /srv/data dir", "Jen Doe"),
        ("jen@laptop /home/jen/.local/share/tuicoach", "jen@laptop"),
        ("someone@box", "someone@box"),
    ],
)
def test_the_holder_is_shown_by_name_else_by_machine(holder: str, shown: str) -> None:
    assert holder_name(holder) == shown
