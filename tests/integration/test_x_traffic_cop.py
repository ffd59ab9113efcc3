"""The traffic cop on both engines: a reply a teammate already answered is never sent.

The check and the outbox record are one transaction (``outbox_store.add``), under
a lock on the mention, so of two teammates sending at once exactly one records a
reply; the other is told who answered and what they wrote, and nothing of theirs
is recorded. Then the same through real ``tuicoach post`` processes, two teammates
with their own data dirs and configs on one PostgreSQL database and one fake X.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_x_api import World
from test_x_cli import environment, tuicoach

from tuicoach.backends.x import outbox_store as o
from tuicoach.cli import EXIT_ANSWERED
from tuicoach.domain.models import Tweet
from tuicoach.store import OutboxState, Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = "900"
CHECK = o.TrafficCheck(ME, since=NOW)


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each store test below runs on SQLite, then on PostgreSQL."""
    return store_both


def another(store: Store) -> Callable[[], Store]:
    if store.engine == "postgresql":
        url = store.where
        return lambda: Store.connect(url)
    return lambda: Store.open(store.path)


def test_a_teammates_recorded_reply_stops_mine_and_says_who(store: Store) -> None:
    jen = o.add(store, "Yes, rye from 8 ^JD", reply_to_id="1", now=NOW, author="Jen", check=CHECK)
    with pytest.raises(o.Answered) as stopped:
        o.add(store, "We do! ^SK", reply_to_id="1", now=NOW, author="Sam", check=CHECK)
    assert stopped.value.answer == o.Answer("1", "Jen", "Yes, rye from 8 ^JD", NOW)
    assert [i.id for i in o.items(store)] == [jen.id]  # nothing of Sam's recorded
    # Another mention, one's own second reply, and a failed record do not count.
    o.add(store, "Second thought ^JD", reply_to_id="1", now=NOW, author="Jen", check=CHECK)
    o.update(store, jen.id, state=OutboxState.FAILED, error="too long", now=NOW)
    o.add(store, "Other", reply_to_id="2", now=NOW, author="Sam", check=CHECK)
    assert len(o.items(store)) == 3


def test_only_answers_since_the_mention_was_opened_count(store: Store) -> None:
    o.add(store, "Old answer", reply_to_id="1", now=NOW, author="Jen")
    later = o.TrafficCheck(ME, since=NOW + timedelta(minutes=5))
    o.add(store, "Mine", reply_to_id="1", now=NOW + timedelta(minutes=6), author="Sam", check=later)
    # Without a window (the CLI), any teammate's record stops it.
    with pytest.raises(o.Answered):
        o.add(store, "Again", reply_to_id="1", now=NOW, author="Kim", check=o.TrafficCheck(ME))


def test_a_reply_from_x_itself_since_opening_stops_it(store: Store) -> None:
    """A teammate who answered on X's own app: the synced tweet is the answer (by unknown)."""
    theirs = Tweet(
        id="77",
        text="Answered from my phone",
        created_at=NOW + timedelta(minutes=1),
        author_id=ME,
        replied_to_id="1",
    )
    store.upsert_tweets([theirs], stream="own")
    with pytest.raises(o.Answered) as stopped:
        o.add(store, "Mine", reply_to_id="1", now=NOW, author="Sam", check=CHECK)
    assert (stopped.value.answer.by, stopped.value.answer.text) == (None, "Answered from my phone")
    # Before the window it was already there to see: not a race, not stopped.
    o.add(
        store,
        "Mine",
        reply_to_id="1",
        now=NOW,
        author="Sam",
        check=o.TrafficCheck(ME, NOW + timedelta(minutes=2)),
    )
    # A solo user (no author) is never stopped by their own records.
    o.add(store, "One", reply_to_id="3", now=NOW, check=CHECK)
    o.add(store, "Two", reply_to_id="3", now=NOW, check=CHECK)


def send_at_once(stores: list[Store], mention: str) -> list[str]:
    """Each store records a reply to ``mention`` by its own teammate, all at once."""
    barrier = threading.Barrier(len(stores))
    outcomes: list[str] = []

    def send(mine: Store, name: str) -> None:
        barrier.wait(timeout=30)
        try:
            o.add(mine, f"{name} here", reply_to_id=mention, now=NOW, author=name, check=CHECK)
            outcomes.append("sent")
        except o.Answered:
            outcomes.append("stopped")

    threads = [threading.Thread(target=send, args=(mine, f"T{n}")) for n, mine in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.parametrize("senders", [2, 4])
def test_of_senders_at_once_exactly_one_records_a_reply(store: Store, senders: int) -> None:
    opened = another(store)
    stores = [opened() for _ in range(senders)]
    try:
        for trial in range(10):
            outcomes = send_at_once(stores, str(100 + trial))
            assert outcomes == ["sent"] + ["stopped"] * (senders - 1), (trial, outcomes)
    finally:
        for mine in stores:
            mine.close()
    assert len(o.items(store)) == 10


# -- through real processes ----------------------------------------------------------


@pytest.fixture
def world(world: World) -> World:
    world.fake.add_tweet(world.strangers[0], "@acme_bakery do you have rye today?")
    return world


def teammate(world: World, tmp_path: Path, pg_url: str, name: str) -> dict[str, str]:
    home = tmp_path / name
    home.mkdir()
    (home / "config.toml").write_text(f'[store]\nurl = "{pg_url}"\n\n[team]\nname = "{name}"\n')
    return environment(world, home)


def test_tuicoach_post_stops_a_second_teammates_reply_with_exit_5(
    world: World, tmp_path: Path, pg_url: str
) -> None:
    jen = teammate(world, tmp_path, pg_url, "Jen")
    sam = teammate(world, tmp_path, pg_url, "Sam")
    assert tuicoach(jen, "sync").returncode == 0
    with Store.connect(pg_url) as store:
        [owed] = store.owed(now=datetime.now(UTC) + timedelta(minutes=1))
    first = tuicoach(jen, "post", "--reply-to", owed.tweet.id, "@someone Yes, from 8! ^JD")
    assert first.returncode == 0, first.stderr
    second = tuicoach(sam, "post", "--reply-to", owed.tweet.id, "@someone We do ^SK")
    assert second.returncode == EXIT_ANSWERED, second.stderr
    assert "Jen already answered this mention" in second.stderr
    assert "Yes, from 8! ^JD" in second.stderr and "--anyway" in second.stderr
    assert len(replies_on_x(world, owed.tweet.id)) == 1
    anyway = tuicoach(sam, "post", "--anyway", "--reply-to", owed.tweet.id, "@someone We do ^SK")
    assert anyway.returncode == 0, anyway.stderr
    assert len(replies_on_x(world, owed.tweet.id)) == 2
    with Store.connect(pg_url) as store:
        sent = o.sent_replies(store)
    assert [(r.author, r.reply_to_id) for r in sent] == [
        ("Jen", owed.tweet.id),
        ("Sam", owed.tweet.id),
    ]


def replies_on_x(world: World, mention_id: str) -> list[dict[str, object]]:
    """The account's tweets on the fake X that reply to ``mention_id``."""
    return [
        t
        for t in world.fake.tweets_by(world.me)
        if {"type": "replied_to", "id": mention_id} in t.get("referenced_tweets", [])
    ]
