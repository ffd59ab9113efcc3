"""Presence, teammates' drafts and marks, and the team's LISTEN/NOTIFY, on both engines.

Each teammate has a store of their own (their own connection, as their machine
would) on one SQLite file or one PostgreSQL database. The listener tests run on
PostgreSQL only: SQLite has no notifications (the UI polls it).
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.store import Store
from tuicoach.store import presence as p
from tuicoach.store import team as t

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each test below runs on both engines: SQLite, then PostgreSQL (tests/pg_helpers.py)."""
    return store_both


def opener(store: Store) -> Callable[[], Store]:
    """Another connection to the same store, as another machine would have."""
    if store.engine == "postgresql":
        url = store.where
        return lambda: Store.connect(url)
    return lambda: Store.open(store.path)


def test_a_heartbeat_shows_who_has_a_mention_until_it_expires(store: Store) -> None:
    assert p.heartbeat(store, who="Jen", tweet_id="1", state="open", now=NOW)
    with opener(store)() as sams:
        assert p.present(sams, now=NOW + timedelta(seconds=1)) == [
            p.Presence("Jen", "1", "open", NOW)
        ]
        # A heartbeat 24 s ago still counts; none for 26 s and Jen is gone.
        assert [x.who for x in p.present(sams, now=NOW + timedelta(seconds=24))] == ["Jen"]
        assert p.present(sams, now=NOW + timedelta(seconds=26)) == []


def test_only_a_change_of_mention_or_state_is_news(store: Store) -> None:
    assert p.heartbeat(store, who="Jen", tweet_id="1", state="open", now=NOW)
    later = NOW + timedelta(seconds=8)
    assert not p.heartbeat(store, who="Jen", tweet_id="1", state="open", now=later)
    assert p.heartbeat(store, who="Jen", tweet_id="1", state="replying", now=later)
    assert p.heartbeat(store, who="Jen", tweet_id="2", state="replying", now=later)
    # One row a person: Jen moved on to 2.
    assert [(x.who, x.tweet_id) for x in p.present(store, now=later)] == [("Jen", "2")]
    # Back after her row expired: news again.
    assert p.heartbeat(store, who="Jen", tweet_id="2", state="replying", now=later + p.TTL * 2)


def test_leaving_removes_the_row_and_a_bad_state_or_name_is_refused(store: Store) -> None:
    p.heartbeat(store, who="Jen", tweet_id="1", state="open", now=NOW)
    assert p.leave(store, who="Jen")
    assert not p.leave(store, who="Jen")
    assert p.present(store, now=NOW) == []
    with pytest.raises(ValueError, match="one of open, replying"):
        p.heartbeat(store, who="Jen", tweet_id="1", state="typing", now=NOW)
    with pytest.raises(ValueError, match=r"set name under \[team\]"):
        p.heartbeat(store, who="  ", tweet_id="1", state="open", now=NOW)


def test_the_team_view_says_in_words_who_is_replying_holds_drafts_and_marked(
    store: Store,
) -> None:
    p.heartbeat(store, who="Jen", tweet_id="1", state="replying", now=NOW)
    p.heartbeat(store, who="Kim", tweet_id="2", state="open", now=NOW)
    t.claim(store, "1", by="Jen", now=NOW)
    t.assign(store, "3", to="Sam", by="Jen", now=NOW)
    with opener(store)() as jens:
        jens.author = "Jen"
        jens.save_draft("Rye is back at 3 ^JD", reply_to_id="4", now=NOW)
        jens.mark_no_reply("5", "answered by phone", now=NOW)
        jens.author = None  # a store of one: no name on what it makes
        jens.save_draft("a note to self", reply_to_id="6", now=NOW)
    seen = p.team_view(store, now=NOW + timedelta(seconds=2))
    assert seen.words("1", "Sam") == "Jen is replying · Jen has it"
    assert seen.words("1", "Jen") == "you have it"  # her own presence is not news to her
    assert seen.words("2", "Sam") == "Kim has it open"
    assert seen.words("3", "Sam") == "assigned to you by Jen"
    assert seen.words("3", "Kim") == "assigned to Sam by Jen"
    assert seen.words("4", "Sam") == "Jen has a draft"
    assert seen.words("4", "Jen") is None  # her own draft
    assert seen.words("5", "Sam") == "marked by Jen"
    assert seen.words("6", "Sam") is None
    assert seen.names == ("Jen", "Kim", "Sam")
    assert store.mark("5") is not None  # the mark itself is an ordinary mark


def test_sqlite_has_no_listener(sqlite_store: Store) -> None:
    assert p.listen(sqlite_store, lambda _: None) is None  # the UI polls it instead


# -- LISTEN/NOTIFY, on PostgreSQL ---------------------------------------------------------


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    with Store.connect(pg_url) as opened:
        yield opened


def heard_by(store: Store) -> tuple[p.Listener, queue.Queue[str]]:
    got: queue.Queue[str] = queue.Queue()
    listener = p.listen(store, got.put)
    assert listener is not None
    assert got.get(timeout=10) == "listening"  # said once it listens: catch up now
    return listener, got


def test_a_claim_and_a_heartbeat_are_heard_by_another_machine(pg_store: Store) -> None:
    listener, got = heard_by(pg_store)
    try:
        with Store.connect(pg_store.where) as jens:
            t.claim(jens, "42", by="Jen", now=NOW)
            assert got.get(timeout=5) == "claim 42"
            p.heartbeat(jens, who="Jen", tweet_id="42", state="replying", now=NOW)
            assert got.get(timeout=5) == "presence 42"
            # Not news (the same state, well within TTL): nothing is sent.
            p.heartbeat(jens, who="Jen", tweet_id="42", state="replying", now=NOW)
            t.assign(jens, "42", to="Sam", by="Jen", now=NOW)
            assert got.get(timeout=5) == "assign 42"
            # A claim that loses changes nothing, and says nothing.
            assert not t.claim(jens, "42", by="Kim", now=NOW).won
            assert t.release(jens, "42", by="Sam") is True
            assert got.get(timeout=5) == "release 42"
    finally:
        listener.stop()
    assert got.empty()


def test_a_change_rolled_back_is_never_announced(pg_store: Store) -> None:
    listener, got = heard_by(pg_store)
    try:
        with pytest.raises(RuntimeError), pg_store.transaction() as db:
            t.changed(pg_store, db, "never")
            raise RuntimeError("the transaction fails")
        t.claim(pg_store, "7", by="Jen", now=NOW)
        assert got.get(timeout=5) == "claim 7"  # the next one, not "never"
    finally:
        listener.stop()


def test_the_listener_comes_back_after_its_connection_is_cut(pg_store: Store) -> None:
    listener, got = heard_by(pg_store)
    listener._retry = 0.2
    try:
        with pg_store.reading() as db:
            cut = db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
            ).fetchall()
        assert cut == [(True,)]
        # It says so when it listens again (the UI re-reads then: changes meanwhile were lost).
        assert got.get(timeout=10) == "listening"
        t.claim(pg_store, "8", by="Jen", now=NOW)
        assert got.get(timeout=5) == "claim 8"
    finally:
        listener.stop()


def test_a_store_nobody_claimed_in_reads_its_team_view_without_the_claims_module(
    tmp_path: Path,
) -> None:
    """The Mentions pane reads the team view on every open, the demo's too: a store of one
    (no claim) does without store/team.py; a claim made later is in the next view."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "import tuicoach.backends.registry\n"
        "from tuicoach.store import Store, presence\n"
        "now = datetime.now(UTC)\n"
        f"with Store.open({str(tmp_path / 's.sqlite3')!r}) as store:\n"
        "    view = presence.team_view(store, now=now)\n"
        "    print(view.claims, 'tuicoach.store.team' in sys.modules)\n"
        "    from tuicoach.store import team\n"
        "    team.claim(store, '7', by='Jen', now=now)\n"
        "    print(sorted(presence.team_view(store, now=now).claims))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=repo, env={"PYTHONPATH": str(repo)},
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["{} False", "['7']"]
