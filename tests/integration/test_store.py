"""The store on real SQLite files and a real PostgreSQL server: round trips, pages, marks,
drafts, outbox, threads."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tuicoach import paths
from tuicoach.domain.models import Mention, Metrics, Tweet, User
from tuicoach.domain.owed import Band, Mark
from tuicoach.store import SCHEMA_VERSION, OutboxState, Store, StoreError
from tuicoach.store.store import ts

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = User("100", "roastery", name="Hill Street Roastery", followers_count=2400)


@pytest.fixture
def store(store_both: Store) -> Store:
    """Each test below runs on both engines: SQLite, then PostgreSQL (tests/pg_helpers.py)."""
    return store_both


def at(minutes_ago: float) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def tweet(
    tweet_id: str,
    text: str = "hello",
    *,
    author: str = "7",
    minutes_ago: float = 60,
    **fields: object,
) -> Tweet:
    return Tweet(id=tweet_id, text=text, created_at=at(minutes_ago), author_id=author, **fields)


FULL = Tweet(
    id="1893",
    text="@roastery @Sam_K Is the Ethiopia back? 🇪🇹 https://t.co/x [b]not markup[/b]",
    created_at=datetime(2026, 2, 28, 9, 30, 15, 123456, tzinfo=UTC),
    author_id="42",
    conversation_id="1880",
    in_reply_to_user_id="100",
    replied_to_id="1890",
    quoted_id="1700",
    retweeted_id=None,
    mentions=(Mention("roastery", 0, 9, "100"), Mention("Sam_K", 10, 16)),
    metrics=Metrics(replies=2, retweets=1, likes=14, quotes=1, impressions=980),
    lang="en",
)


def test_opening_creates_the_folders_and_the_current_schema(tmp_path: Path) -> None:
    path = paths.account_db(tmp_path / "nested" / "data", "Roastery")
    with Store.open(path) as store:
        assert store.path == path
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_tweets_round_trip(store: Store) -> None:
    bare = Tweet("5", "", datetime(2026, 1, 1, tzinfo=UTC), "9")
    elsewhere = replace(
        FULL, id="1894", created_at=FULL.created_at.astimezone(timezone(timedelta(hours=-5)))
    )
    store.upsert_tweets([FULL, bare, elsewhere], stream="mentions")
    assert store.tweet(FULL.id) == FULL
    assert store.tweet("5") == bare
    assert store.tweet("1894") == elsewhere  # the same instant, whatever zone it came in
    assert store.tweet("1894").created_at.tzinfo is not None
    assert store.tweet("nope") is None
    assert store.tweets(["5", "nope", FULL.id]) == {"5": bare, FULL.id: FULL}


def test_upsert_is_idempotent_and_refreshes_counts(store: Store) -> None:
    store.upsert_tweets([FULL], stream="mentions")
    store.upsert_tweets([FULL], stream="mentions")
    assert store.stream("mentions") == [FULL]
    fresher = replace(FULL, metrics=Metrics(replies=3, retweets=1, likes=20, quotes=1))
    store.upsert_tweets([fresher], stream="home")
    stored = store.tweet(FULL.id)
    assert stored.metrics.likes == 20
    assert stored.metrics.impressions == 980  # not sent this time: kept
    assert store.streams_of(FULL.id) == {"mentions", "home"}


def test_a_thinner_copy_does_not_erase_what_was_known(store: Store) -> None:
    store.upsert_tweets([FULL])
    store.upsert_tweets([replace(FULL, conversation_id=None, in_reply_to_user_id=None, lang=None)])
    assert store.tweet(FULL.id) == FULL


def test_local_posts_stay_local(store: Store) -> None:
    post = tweet("d1", "Morning! Fresh batch of the Kenya just out.", author=ME.id)
    store.upsert_tweets([post], stream="own", local=True)
    store.upsert_tweets([post], stream="own")  # a later sync of the same id
    assert store.is_local("d1")
    store.upsert_tweets([tweet("x1")], stream="home")
    assert not store.is_local("x1")


def test_unknown_streams_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown stream"):
        store.upsert_tweets([FULL], stream="homee")


def test_users_round_trip(store: Store) -> None:
    sam = User("42", "Sam_K", "Sam K", "coffee nerd", 120, 80, 3000, verified=True, protected=False)
    store.upsert_users([sam, ME])
    assert store.user("42") == sam
    assert store.users(["42", "100", "404"]) == {"42": sam, "100": ME}
    store.upsert_users([replace(sam, name="Sam", followers_count=None)])
    assert store.user("42") == replace(sam, name="Sam")  # count not sent: kept


def test_lookups_by_id_in_several_statements(store: Store) -> None:
    ids = [str(i) for i in range(1, 1201)]  # asked 500 at a time: three statements
    store.upsert_users(User(i, f"user_{i}") for i in ids)
    store.upsert_tweets(tweet(i, author=i) for i in ids)
    asked = [*ids, "0", *ids[:10]]  # one unknown id, some asked twice
    assert sorted(store.users(asked), key=int) == ids
    assert sorted(store.tweets(asked), key=int) == ids
    assert store.tweets(asked)["1200"].author_id == "1200"


def test_account_and_meta(store: Store) -> None:
    assert store.account() is None
    store.set_account(ME)
    assert store.account() == ME
    assert store.get_meta("account_username") == "roastery"
    store.set_meta("demo_anchor", "2026-03-01T12:00:00Z")
    store.set_meta("demo_anchor", "2026-03-02T12:00:00Z")
    assert store.get_meta("demo_anchor") == "2026-03-02T12:00:00Z"
    assert store.get_meta("missing") is None


def test_timeline_pages_newest_first_without_repeats_or_gaps(store: Store) -> None:
    home = [tweet(f"h{i}", minutes_ago=i) for i in range(230)]
    # Ten tweets share one second, across a page boundary.
    same_time = [tweet(f"s{i}", minutes_ago=99.5) for i in range(10)]
    own = [tweet(f"o{i}", author=ME.id, minutes_ago=i * 7 + 0.5) for i in range(30)]
    mention_only = [tweet(f"m{i}", minutes_ago=i + 0.25) for i in range(20)]
    store.upsert_tweets(home + same_time, stream="home")
    store.upsert_tweets(own, stream="own")
    store.upsert_tweets(mention_only, stream="mentions")
    store.upsert_tweets(own[:5], stream="home")  # in two streams: still once

    pages: list[list[Tweet]] = []
    before = None
    while page := store.timeline(limit=100, before=before):
        pages.append(page)
        before = page[-1]
    seen = [t for page in pages for t in page]
    expected = sorted(home + same_time + own, key=lambda t: (t.created_at, t.id), reverse=True)
    assert [t.id for t in seen] == [t.id for t in expected]
    assert [len(p) for p in pages] == [100, 100, 70]
    assert store.timeline_count() == 270


def test_new_tweets_between_pages_do_not_shift_the_next_page(store: Store) -> None:
    store.upsert_tweets([tweet(str(i), minutes_ago=i) for i in range(1, 11)], stream="home")
    first = store.timeline(limit=5)
    store.upsert_tweets([tweet("new", minutes_ago=0)], stream="home")
    second = store.timeline(limit=5, before=first[-1])
    assert [t.id for t in first + second] == [str(i) for i in range(1, 11)]


def test_stream_newest_first_with_since_and_limit(store: Store) -> None:
    own = [tweet(f"o{i}", author=ME.id, minutes_ago=i * 60) for i in range(10)]
    store.upsert_tweets(own, stream="own")
    store.upsert_tweets([tweet("h")], stream="home")
    assert [t.id for t in store.stream("own")] == [f"o{i}" for i in range(10)]
    assert [t.id for t in store.stream("own", limit=3)] == ["o0", "o1", "o2"]
    assert [t.id for t in store.stream("own", since=at(180))] == ["o0", "o1", "o2", "o3"]


def test_conversation_oldest_first_including_replies_without_an_id(store: Store) -> None:
    root = tweet("10", "@roastery open Sunday?", minutes_ago=50, conversation_id="10")
    answer = tweet(
        "11", "Yes, 8-4!", author=ME.id, minutes_ago=40, conversation_id="10", replied_to_id="10"
    )
    follow_up = tweet("12", "great", minutes_ago=30, replied_to_id="11")  # no conversation_id
    deeper = tweet("13", "see you", minutes_ago=20, replied_to_id="12")
    unrelated = tweet("20", "other", minutes_ago=10, conversation_id="20")
    store.upsert_tweets([deeper, unrelated, follow_up, answer, root], stream="mentions")
    assert [t.id for t in store.conversation("10")] == ["10", "11", "12", "13"]
    assert store.conversation("nope") == []


def test_marks_and_mutes_persist_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "roastery.sqlite3"
    with Store.open(path) as store:
        store.mark_no_reply("10", "a bot", now=at(5))
        store.snooze("11", NOW + timedelta(hours=3), now=at(4))
        store.snooze("12", NOW + timedelta(hours=3), now=at(4))
        store.clear_mark("12")
        store.mute("666", now=at(3))
        store.mute("667")
        store.unmute("667")
    with Store.open(path) as store:
        assert store.marks() == {
            "10": Mark.no_reply("a bot", at=at(5)),
            "11": Mark.snoozed(NOW + timedelta(hours=3), at=at(4)),
        }
        assert store.mark("12") is None
        assert store.muted() == {"666"}
        store.snooze("10", NOW + timedelta(days=1), now=at(1))  # replaces the other kind
        assert store.mark("10") == Mark.snoozed(NOW + timedelta(days=1), at=at(1))


def test_owed_over_the_store(store: Store) -> None:
    store.set_account(ME)
    store.upsert_users(
        [User("42", "sam_k", followers_count=50), User("43", "big", followers_count=90000)]
    )
    ask = tweet(
        "10",
        "@roastery where is my order?",
        author="42",
        minutes_ago=300,
        mentions=(Mention("roastery", 0, 9, "100"),),
    )
    thanks = tweet("11", "@roastery thank you!", author="42", minutes_ago=200)
    spam = tweet("12", "@roastery buy followers", author="99", minutes_ago=100)
    big = tweet("13", "@roastery is it decaf?", author="43", minutes_ago=50)
    store.upsert_tweets([ask, thanks, spam, big], stream="mentions")
    owed = store.owed(now=NOW)
    assert [(o.tweet.id, o.band) for o in owed] == [
        ("10", Band.NEEDS_ANSWER),
        ("13", Band.NEEDS_ANSWER),
        ("12", Band.NORMAL),
        ("11", Band.THANKS),
    ]
    assert [o.tweet.id for o in store.owed(now=NOW, rank_by_followers=True)][:2] == ["13", "10"]

    store.mark_no_reply("12", "spam", now=NOW)
    store.snooze("11", NOW + timedelta(hours=1), now=NOW)
    reply = tweet(
        "20",
        "@sam_k on its way!",
        author=ME.id,
        minutes_ago=10,
        replied_to_id="10",
        in_reply_to_user_id="42",
    )
    store.upsert_tweets([reply], stream="own", local=True)
    assert [o.tweet.id for o in store.owed(now=NOW)] == ["13"]
    store.mute("43")
    assert store.owed(now=NOW) == []
    store.clear_mark("11")
    assert [o.tweet.id for o in store.owed(now=NOW)] == ["11"]

    stats = store.owed_stats(now=NOW)
    assert (stats.addressed, stats.answered, stats.owed) == (2, 1, 1)  # 12 dismissed, 13 muted
    assert stats.median_first_reply == timedelta(minutes=290)


def test_owed_sees_what_another_connection_wrote(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with Store.open(path) as app, Store.open(path) as sync:
        app.set_account(ME)
        assert app.owed(now=NOW) == []  # builds and caches the tracker
        sync.upsert_tweets([tweet("10", "@roastery hi?", minutes_ago=5)], stream="mentions")
        assert [o.tweet.id for o in app.owed(now=NOW)] == ["10"]
        sync.upsert_tweets(
            [tweet("11", "@x yes", author=ME.id, minutes_ago=1, replied_to_id="10")], stream="own"
        )
        assert app.owed(now=NOW) == []


def test_owed_needs_an_account(store: Store) -> None:
    with pytest.raises(StoreError, match="whose account"):
        store.owed(now=NOW)
    assert store.owed(account_id="100", now=NOW) == []


def test_drafts(store: Store) -> None:
    first = store.save_draft("Morning all", now=at(30))
    second = store.save_draft("@sam_k on its way", reply_to_id="10", now=at(20))
    assert store.save_draft("Morning all! Kenya is back.", draft_id=first, now=at(10)) == first
    drafts = store.drafts()
    assert [d.id for d in drafts] == [first, second]  # most recently edited first
    assert drafts[0].text == "Morning all! Kenya is back."
    assert (drafts[0].created_at, drafts[0].updated_at) == (at(30), at(10))
    assert store.draft(second).reply_to_id == "10"
    store.delete_draft(first)
    assert store.draft(first) is None
    # Saving a draft another window deleted keeps the words, under a new id.
    revived = store.save_draft("still here", draft_id=first, now=NOW)
    assert revived != first
    assert store.draft(revived).text == "still here"


def test_outbox(store: Store) -> None:
    item = store.outbox_add("Fresh batch!", reply_to_id=None, now=at(3))
    reply = store.outbox_add("@sam_k yes", reply_to_id="10", now=at(2))
    assert [i.id for i in store.outbox_pending()] == [item.id, reply.id]
    sending = store.outbox_update(item.id, state=OutboxState.SENDING)
    assert (sending.state, sending.attempts) == (OutboxState.SENDING, 1)
    failed = store.outbox_update(item.id, state="pending", error="503 from X")
    assert (failed.last_error, failed.attempts) == ("503 from X", 1)
    store.outbox_update(item.id, state="sending")
    sent = store.outbox_update(item.id, state="sent", tweet_id="1900")
    assert (sent.attempts, sent.tweet_id, sent.last_error) == (2, "1900", None)
    store.outbox_update(reply.id, state="failed", error="403: duplicate")
    assert store.outbox_pending() == []
    assert store.outbox_item(reply.id).last_error == "403: duplicate"
    assert store.outbox_item(reply.id).created_at == at(2)
    with pytest.raises(KeyError):
        store.outbox_update(999, state="sent")
    with pytest.raises(ValueError):
        store.outbox_update(item.id, state="posted")


def test_cursors_and_likes(store: Store) -> None:
    assert store.cursor("mentions") is None
    store.set_cursor("mentions", "1890", now=at(5))
    store.set_cursor("mentions", "1893", now=NOW)
    assert store.cursor("mentions") == "1893"
    assert store.cursor("home") is None
    store.like("1893", now=NOW)
    store.like("1893")
    assert store.liked("1893")
    store.unlike("1893")
    assert not store.liked("1893")


def test_shift_times_moves_every_stored_time_and_meta_in_one_step(sqlite_store: Store) -> None:
    store = sqlite_store  # the demo's clock: its store is always a SQLite file
    store.set_account(ME)
    store.upsert_tweets([tweet("1", "@roastery open today?", minutes_ago=90)], stream="mentions")
    store.snooze("1", at(-30), now=at(5))
    draft = store.save_draft("Morning", now=at(20))
    item = store.outbox_add("Fresh batch!", reply_to_id=None, now=at(3))
    after_snooze = NOW + timedelta(minutes=31)
    assert store.owed(now=NOW) == []  # snoozed for now
    waited = store.owed(now=after_snooze)[0].waiting
    day = timedelta(days=1)

    store.shift_times(day, meta={"demo.anchor": "tomorrow"})

    assert store.tweet("1").created_at == at(90) + day
    assert (store.mark("1").at, store.mark("1").until) == (at(5) + day, at(-30) + day)
    assert store.draft(draft).updated_at == at(20) + day
    assert store.outbox_item(item.id).created_at == at(3) + day
    assert store.get_meta("demo.anchor") == "tomorrow"
    # The owed cache saw the move: a day later, snooze and wait are as they were.
    assert store.owed(now=NOW + day) == []
    assert store.owed(now=after_snooze + day)[0].waiting == waited == timedelta(minutes=121)


def test_shift_times_is_all_or_nothing(sqlite_store: Store) -> None:
    store = sqlite_store
    store.upsert_tweets([tweet("1", minutes_ago=10)], stream="home")
    with pytest.raises(OverflowError):
        # A time past year 9999 cannot be stored: nothing may move.
        store.shift_times(timedelta(days=3_000_000), meta={"demo.anchor": "never"})
    assert store.tweet("1").created_at == at(10)
    assert store.get_meta("demo.anchor") is None


@pytest.mark.parametrize(
    "delta",
    [
        timedelta(days=1, microseconds=1),
        timedelta(seconds=-0.5),
        timedelta(days=-400, microseconds=-999_999),
        timedelta(days=9000, hours=3, microseconds=499_999),
    ],
)
def test_shift_times_moves_text_as_datetime_would(sqlite_store: Store, delta: timedelta) -> None:
    """Each time lands where adding ``delta`` to the datetime does: microseconds carried,
    month and year ends, leap days, before 1970, and text in another ISO form (moved, and
    written as the store writes)."""
    store = sqlite_store
    times = [
        "2026-03-01T09:30:00.000000Z",
        "2024-02-28T23:59:59.999999Z",
        "2025-12-31T23:59:59.500001Z",
        "1970-01-01T00:00:00.000001Z",
        "2026-03-01T09:30:00+00:00",
        "2026-03-01T10:30:00.123456+01:00",
    ]
    with store.transaction() as db:
        for i, text in enumerate(times):
            db.execute(
                "INSERT INTO drafts (id, text, created_at, updated_at) VALUES (?, 'd', ?, ?)",
                (i, text, text),
            )
        db.execute(
            "INSERT INTO marks (tweet_id, kind, marked_at, until) "
            "VALUES ('1', 'snoozed', '2026-01-01T00:00:00.000000Z', NULL)"
        )
    store.shift_times(delta)
    with store.reading() as db:
        moved = [
            tuple(r) for r in db.execute("SELECT created_at, updated_at FROM drafts ORDER BY id")
        ]
        mark = tuple(db.execute("SELECT marked_at, until FROM marks").fetchone())
    expected = [(ts(datetime.fromisoformat(t) + delta),) * 2 for t in times]
    assert moved == expected
    assert mark == (ts(datetime(2026, 1, 1, tzinfo=UTC) + delta), None)


def test_shift_times_is_refused_on_postgresql(pg_url: str) -> None:
    with Store.connect(pg_url) as store:
        store.upsert_tweets([tweet("1", minutes_ago=10)], stream="home")
        with pytest.raises(StoreError, match="demo's SQLite file only"):
            store.shift_times(timedelta(days=1), meta={"demo.anchor": "tomorrow"})
        assert store.tweet("1").created_at == at(10)
        assert store.get_meta("demo.anchor") is None


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.save_draft("x", now=datetime(2026, 3, 1, 12, 0))


def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.sqlite3")
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.drafts()


def test_one_store_shared_by_a_writer_and_readers(store: Store) -> None:
    store.set_account(ME)
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for batch in range(40):
                store.upsert_tweets(
                    [
                        tweet(f"{batch}-{i}", "@roastery hi?", minutes_ago=batch * 25 + i)
                        for i in range(25)
                    ],
                    stream="home",
                )
                store.save_draft(f"draft {batch}", now=NOW)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            last = 0
            while not done.is_set():
                count = store.timeline_count()
                assert count >= last
                last = count
                page = store.timeline(limit=50)
                assert len(page) <= 50
                assert page == sorted(page, key=lambda t: (t.created_at, t.id), reverse=True)
                store.owed(now=NOW)
                store.drafts()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.timeline_count() == 1000
    assert len(store.owed(now=NOW)) == 1000
    assert len(store.drafts()) == 40
