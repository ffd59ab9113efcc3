"""Saved searches and opportunities in a real SQLite file: cursors, decisions, undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach.domain.listen import SavedSearch, State
from tuicoach.domain.models import Tweet, User
from tuicoach.store import SCHEMA_VERSION, Store, StoreError
from tuicoach.store.engine import PgConnection
from tuicoach.store.listen import Backlog, ListenStore

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
SAM = User("7", "sam_sips")


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each test below runs on both engines: SQLite, then PostgreSQL (tests/pg_helpers.py)."""
    return store_both


def tweet(n: int, text: str = "larkspur was out of oat milk again") -> Tweet:
    return Tweet(str(1000 + n), text, NOW - timedelta(minutes=60 - n), SAM.id)


@pytest.fixture
def listen(store: Store) -> ListenStore:
    return ListenStore(store)


def test_searches_are_saved_edited_and_removed(listen: ListenStore) -> None:
    assert listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    assert listen.save_search(SavedSearch("blends", ("dawn chorus",), lang="en"), now=NOW)
    assert [s.name for s in listen.searches()] == ["larkspur", "blends"]
    listen.set_cursor("larkspur", "1005", now=NOW)
    # The same query again keeps the cursor; a changed one starts over.
    assert not listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    assert listen.cursor("larkspur") == "1005"
    listen.save_search(SavedSearch("larkspur", ("larkspur", "larkspur coffee")), now=NOW)
    assert listen.cursor("larkspur") is None
    assert listen.search("LARKSPUR") == SavedSearch("larkspur", ("larkspur", "larkspur coffee"))
    assert listen.remove_search("blends")
    assert not listen.remove_search("blends")
    assert [s.name for s in listen.searches()] == ["larkspur"]


def test_the_cursor_only_moves_forward(listen: ListenStore) -> None:
    listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    listen.set_cursor("larkspur", "999", now=NOW)
    listen.set_cursor("larkspur", "1001", now=NOW)
    listen.set_cursor("larkspur", "1000", now=NOW)
    assert listen.cursor("larkspur") == "1001"


def test_found_tweets_are_opportunities_newest_first_once_each(
    listen: ListenStore, store: Store
) -> None:
    for name in ("larkspur", "blends"):
        listen.save_search(SavedSearch(name, (name,)), now=NOW)
    assert listen.add("larkspur", [tweet(1), tweet(2)], [SAM], now=NOW) == ["1001", "1002"]
    # Found again, by another search: not new, and shown once, under the first.
    assert listen.add("blends", [tweet(2), tweet(3)], [SAM], now=NOW) == ["1003"]
    found = listen.opportunities(now=NOW)
    assert [(f.tweet.id, f.opportunity.search) for f in found] == [
        ("1003", "blends"),
        ("1002", "larkspur"),
        ("1001", "larkspur"),
    ]
    assert found[0].author == SAM
    # Not in the timeline nor the mentions.
    assert store.timeline() == [] and store.stream("mentions") == []


def test_decisions_and_undo(listen: ListenStore) -> None:
    listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    listen.save_search(SavedSearch("blends", ("blends",)), now=NOW)
    listen.add("larkspur", [tweet(1), tweet(2), tweet(3)], [SAM], now=NOW)
    listen.add("blends", [tweet(3)], [SAM], now=NOW)
    listen.decide("1001", State.HANDLED)
    listen.decide("1002", State.NOT_WORTH, reason="not about the shop")
    listen.decide("1003", State.SNOOZED, until=NOW + timedelta(hours=4))
    assert listen.open_count(now=NOW) == 0
    assert listen.open_count(now=NOW + timedelta(hours=5)) == 1  # the snooze ended
    closed = {f.tweet.id: f.opportunity for f in listen.opportunities(now=NOW, closed=True)}
    assert closed["1002"].state is State.NOT_WORTH
    assert closed["1002"].reason == "not about the shop"
    with pytest.raises(ValueError, match="reason"):
        listen.decide("1001", State.NOT_WORTH)
    assert listen.undo() == "1003"  # both searches' rows come back open
    assert listen.opportunity("1003") is not None
    assert listen.opportunity("1003").state is State.OPEN  # type: ignore[union-attr]
    assert listen.undo() == "1002"
    assert listen.undo() == "1001"
    assert listen.undo() is None
    assert listen.open_count(now=NOW) == 3


def test_a_version_3_database_gains_the_listening_tables(tmp_path: Path) -> None:
    import sqlite3

    from tuicoach.store import schema

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(connection, target=3)
    connection.close()
    with Store.open(path) as store:
        assert schema.version_of(store._connection()) == SCHEMA_VERSION
        assert ListenStore(store).searches() == []


def test_the_config_s_searches_are_edited_and_removed_there(listen: ListenStore) -> None:
    listen.save_search(SavedSearch("mine", ("rye",)), now=NOW)  # saved in the app
    listen.adopt([SavedSearch("cfg", ("larkspur",)), SavedSearch("two", ("lark",))], now=NOW)
    assert [s.name for s in listen.searches()] == ["mine", "cfg", "two"]
    assert listen.from_config() == {"cfg", "two"}
    listen.set_cursor("cfg", "1005", now=NOW)
    listen.set_cursor("two", "1003", now=NOW)
    listen.add("two", [tweet(1)], [SAM], now=NOW)
    # The file changed: cfg's terms, two taken out. The same run again keeps cfg's cursor.
    listen.adopt([SavedSearch("cfg", ("larkspur", "larkspur coffee"))], now=NOW)
    assert listen.search("cfg") == SavedSearch("cfg", ("larkspur", "larkspur coffee"))
    assert listen.cursor("cfg") is None  # a changed query starts over
    assert listen.search("two") is None and listen.opportunities(now=NOW) == []
    listen.set_cursor("cfg", "1007", now=NOW)
    listen.adopt([SavedSearch("cfg", ("larkspur", "larkspur coffee"))], now=NOW)
    assert listen.cursor("cfg") == "1007"
    listen.adopt([], now=NOW)
    assert [s.name for s in listen.searches()] == ["mine"]  # what the app saved stays
    assert listen.from_config() == set()


def test_a_page_is_filed_with_both_cursors_and_the_backlog_closes(
    listen: ListenStore, store: Store
) -> None:
    listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    assert listen.backlog("larkspur") is None
    # The newest page of a burst: the cursor moves to its newest, the gap below it waits.
    fresh = listen.file_page(
        "larkspur",
        [tweet(9), tweet(8)],
        [SAM],
        newest="1009",
        backlog=Backlog("1001", "1008"),
        now=NOW,
    )
    assert fresh == ["1009", "1008"]
    assert listen.cursor("larkspur") == "1009"
    assert listen.backlog("larkspur") == Backlog("1001", "1008")
    assert store.tweet("1008") is not None and store.user(SAM.id) == SAM
    # A page of the backlog narrows it and leaves the cursor alone; the last one closes it.
    listen.file_page(
        "larkspur", [tweet(7)], [SAM], newest=None, backlog=Backlog("1001", "1007"), now=NOW
    )
    assert (listen.cursor("larkspur"), listen.backlog("larkspur")) == (
        "1009",
        Backlog("1001", "1007"),
    )
    listen.file_page("larkspur", [tweet(2)], [SAM], newest="1002", backlog=None, now=NOW)
    assert listen.cursor("larkspur") == "1009"  # never back
    assert listen.backlog("larkspur") is None
    assert [f.tweet.id for f in listen.opportunities(now=NOW)] == ["1009", "1008", "1007", "1002"]
    # Down to the 7-day window's edge (a first poll's backlog) has no lower id.
    listen.file_page("larkspur", [], [], newest=None, backlog=Backlog(None, "1002"), now=NOW)
    assert listen.backlog("larkspur") == Backlog(None, "1002")
    # A changed query starts over: no cursor, no backlog.
    listen.save_search(SavedSearch("larkspur", ("larkspur", "lark")), now=NOW)
    assert (listen.cursor("larkspur"), listen.backlog("larkspur")) == (None, None)


def test_a_version_10_database_keeps_its_cursors_and_gains_the_backlog(tmp_path: Path) -> None:
    import sqlite3

    from tuicoach.store import schema

    path = tmp_path / "v10.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    schema.upgrade(connection, target=10)
    connection.execute(
        "INSERT INTO saved_searches (name, newest_id, created_at, updated_at) "
        "VALUES ('larkspur', '1005', '2026-05-04T09:00:00.000000Z', '2026-05-04T09:00:00.000000Z')"
    )
    connection.close()
    with Store.open(path) as store:
        listen = ListenStore(store)
        assert listen.cursor("larkspur") == "1005" and listen.backlog("larkspur") is None


def test_a_page_whose_cursors_cannot_be_written_files_nothing(
    listen: ListenStore, store: Store
) -> None:
    """The opportunities, the tweets and both cursors are one transaction, on both engines."""
    listen.save_search(SavedSearch("larkspur", ("larkspur",)), now=NOW)
    listen.file_page("larkspur", [tweet(1)], [SAM], newest="1001", backlog=None, now=NOW)
    # The database refuses the backlog's write, the last statement of the page's transaction.
    with store.transaction() as db:
        if isinstance(db, PgConnection):
            db.raw.execute(
                "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the machine went down'; END $$"
            )
            db.raw.execute(
                "CREATE TRIGGER crash BEFORE UPDATE OF backlog_until ON saved_searches "
                "FOR EACH ROW WHEN (NEW.backlog_until = '1003') EXECUTE FUNCTION crash()"
            )
        else:
            db.execute(
                "CREATE TRIGGER crash BEFORE UPDATE OF backlog_until ON saved_searches "
                "WHEN NEW.backlog_until = '1003' "
                "BEGIN SELECT RAISE(ABORT, 'the machine went down'); END"
            )
    with pytest.raises(StoreError, match="the machine went down"):
        listen.file_page(
            "larkspur",
            [tweet(5), tweet(3)],
            [SAM],
            newest="1005",
            backlog=Backlog("1001", "1003"),
            now=NOW,
        )
    assert [f.tweet.id for f in listen.opportunities(now=NOW)] == ["1001"]
    assert store.tweet("1005") is None
    assert (listen.cursor("larkspur"), listen.backlog("larkspur")) == ("1001", None)
