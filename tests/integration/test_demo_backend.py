"""The demo backend on real SQLite files: seeding, times that stay real, practice, posting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuicoach import paths
from tuicoach.backends.base import Backend, BackendError
from tuicoach.backends.demo import DemoBackend, open_demo_store
from tuicoach.backends.demo.sample import load_world
from tuicoach.domain.models import User
from tuicoach.domain.owed import Band, OwedReply
from tuicoach.store import Store, StoreError

WORLD = load_world()
BRAND = WORLD.account
OPENED = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
#: The owed list the demo is written to open with (issue 3: "a believable morning's work").
INTENDED_BANDS = {Band.NEEDS_ANSWER: 8, Band.NORMAL: 5, Band.THANKS: 3}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def owed(store: Store, now: datetime) -> list[OwedReply]:
    return store.owed(now=now)


def newest_own_age(store: Store, now: datetime) -> timedelta:
    return now - store.stream("own", limit=1)[0].created_at


def by_author(store: Store, owed_list: list[OwedReply], username: str) -> list[OwedReply]:
    users = store.users(o.tweet.author_id for o in owed_list).values()
    ids = {u.id for u in users if u.username == username}
    return [o for o in owed_list if o.tweet.author_id in ids]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_demo_store(tmp_path, OPENED) as opened:
        yield opened


def test_the_demo_lives_in_its_own_database(tmp_path: Path) -> None:
    with open_demo_store(tmp_path, OPENED) as demo:
        assert demo.path == tmp_path / "demo.sqlite3" == paths.demo_db(tmp_path)
        assert paths.account_db(tmp_path, "demo") != demo.path  # a real @demo is not the demo
        assert demo.account() == BRAND
    real_path = paths.account_db(tmp_path, "someone")
    assert real_path != demo.path and not real_path.exists()
    with Store.open(real_path) as real:
        assert real.stream("own") == [] and real.account() is None


def test_a_demo_file_holding_another_account_is_refused_and_left_alone(tmp_path: Path) -> None:
    with Store.open(paths.demo_db(tmp_path)) as other:
        other.set_account(User(id="42", username="someone"))
    with pytest.raises(StoreError, match="another account"):
        open_demo_store(tmp_path, OPENED)
    with Store.open(paths.demo_db(tmp_path)) as other:
        assert other.account() == User(id="42", username="someone")
        assert other.stream("mentions") == []


def test_seeding_fills_every_stream_through_the_public_api(store: Store) -> None:
    for stream, page in WORLD.streams.items():
        assert {t.id for t in store.stream(stream)} == {t.id for t in page.tweets}
    assert store.muted() == {u.id for u in WORLD.muted}
    assert set(store.marks()) == {m.tweet_id for m in WORLD.marks}
    assert not any(store.is_local(t.id) for t in store.stream("own"))


def test_seeding_is_idempotent(tmp_path: Path) -> None:
    with open_demo_store(tmp_path, OPENED) as first:
        counts = {s: len(first.stream(s)) for s in ("home", "mentions", "own")}
        first_owed = owed(first, OPENED)
    with open_demo_store(tmp_path, OPENED) as again:
        assert {s: len(again.stream(s)) for s in counts} == counts
        assert owed(again, OPENED) == first_owed
        assert len(again.marks()) == len(WORLD.marks)


def test_ages_look_real_on_the_day_it_opens(store: Store) -> None:
    # The data's reference instant maps onto the moment of opening.
    assert newest_own_age(store, OPENED) == WORLD.reference_time - max(
        t.created_at for t in WORLD.streams["own"].tweets
    )
    assert timedelta(minutes=30) < newest_own_age(store, OPENED) < timedelta(hours=12)


def test_reopening_a_day_later_keeps_the_world_s_shape(tmp_path: Path) -> None:
    later = OPENED + timedelta(days=1, hours=3, minutes=7)
    with open_demo_store(tmp_path, OPENED) as first:
        age = newest_own_age(first, OPENED)
        waits = [(o.tweet.id, o.waiting) for o in owed(first, OPENED)]
        snoozes = {i: m.until - OPENED for i, m in first.marks().items() if m.until}
        draft_id = first.save_draft("Half a thought", now=OPENED - timedelta(minutes=5))
        posted = DemoBackend(first, now=Clock(OPENED)).post("Morning! What's in your cup?")
    with open_demo_store(tmp_path, later) as again:
        assert newest_own_age(again, later) == timedelta(0)  # the demo post, made "just now"
        assert later - again.tweet(posted.id).created_at == timedelta(0)
        assert again.is_local(posted.id)
        assert [(o.tweet.id, o.waiting) for o in owed(again, later)] == waits
        assert {i: m.until - later for i, m in again.marks().items() if m.until} == snoozes
        draft = again.draft(draft_id)
        assert draft is not None and later - draft.updated_at == timedelta(minutes=5)
    with open_demo_store(tmp_path, later + timedelta(days=30)) as month:
        seeded_newest = max(
            (t for t in month.stream("own") if not month.is_local(t.id)),
            key=lambda t: t.created_at,
        )
        assert later + timedelta(days=30) - seeded_newest.created_at == age


def test_a_reply_late_in_a_session_is_just_now_when_the_demo_reopens(tmp_path: Path) -> None:
    late = OPENED + timedelta(minutes=40)
    with open_demo_store(tmp_path, OPENED) as first:
        clock = Clock(OPENED)
        backend = DemoBackend(first, now=clock)
        target = owed(first, OPENED)[0]
        clock.now = late
        reply = backend.post("So sorry, DMing you now ^JD", reply_to=target.tweet)
        waits = {o.tweet.id: o.waiting for o in owed(first, late)}
        clock.now = late + timedelta(minutes=5)
        backend.close()  # the app closes its account on the way out
    reopened = OPENED + timedelta(days=1)
    with open_demo_store(tmp_path, reopened) as again:
        assert reopened - again.tweet(reply.id).created_at == timedelta(minutes=5)
        assert target.tweet.id not in {o.tweet.id for o in owed(again, reopened)}
        five = timedelta(minutes=5)
        assert {o.tweet.id: o.waiting - five for o in owed(again, reopened)} == waits


def test_the_owed_list_is_a_morning_s_work_in_every_band(store: Store) -> None:
    owed_now = owed(store, OPENED)
    assert Counter(o.band for o in owed_now) == INTENDED_BANDS
    assert [o.band for o in owed_now] == sorted((o.band for o in owed_now), key=lambda b: b.rank)
    for band in Band:
        for tier in {o.tier for o in owed_now if o.band is band}:
            waits = [o.waiting for o in owed_now if o.band is band and o.tier == tier]
            assert waits == sorted(waits, reverse=True)  # oldest first among equals
    waits = [o.waiting for o in owed_now]
    assert min(waits) < timedelta(minutes=15) and max(waits) > timedelta(days=2)


def test_marks_mutes_and_answers_each_keep_mentions_off_the_list(store: Store) -> None:
    owed_ids = {o.tweet.id for o in owed(store, OPENED)}
    muted = [t for t in store.stream("mentions") if t.author_id in store.muted()]
    assert muted and not owed_ids & {t.id for t in muted}
    assert not owed_ids & set(store.marks())
    snoozed = [i for i, m in store.marks().items() if m.until]
    store.clear_mark(snoozed[0])
    assert snoozed[0] in {o.tweet.id for o in owed(store, OPENED)}


def test_replying_to_an_owed_mention_answers_it(store: Store) -> None:
    backend = DemoBackend(store, now=Clock(OPENED + timedelta(minutes=2)))
    before = owed(store, OPENED + timedelta(minutes=2))
    target = next(o for o in before if o.band is Band.NEEDS_ANSWER)
    own_before = len(store.stream("own"))
    author = store.user(target.tweet.author_id)
    assert author is not None

    reply = backend.post(
        f"@{author.username} So sorry about this! DMing you now ^JD", reply_to=target.tweet
    )

    after = owed(store, OPENED + timedelta(minutes=2))
    assert target.tweet.id not in {o.tweet.id for o in after}
    assert len(after) == len(before) - 1
    assert len(store.stream("own")) == own_before + 1 and store.is_local(reply.id)
    assert store.tweet(reply.id) == reply
    assert reply.replied_to_id == target.tweet.id
    assert reply.in_reply_to_user_id == target.tweet.author_id
    assert reply.conversation_id == target.conversation_id
    assert [(m.username, m.start, m.end, m.id) for m in reply.mentions] == [
        (author.username, 0, len(author.username) + 1, author.id)
    ]


def test_a_reply_in_a_thread_without_conversation_ids_answers_the_earlier_tweet_too(
    store: Store,
) -> None:
    """Riley asked twice; the follow-up lacks conversation_id. One answer covers both."""
    before = owed(store, OPENED)
    riley = by_author(store, before, "riley_reads")
    question = next(o for o in riley if o.band is Band.NEEDS_ANSWER)
    assert len(riley) == 2 and question.tweet.conversation_id is None

    reply = DemoBackend(store, now=Clock(OPENED)).post(
        "@riley_reads Ask for coarse, like sea salt, and happy birthday to your mom! ^Mo",
        reply_to=question.tweet,
    )

    assert reply.conversation_id == next(o for o in riley if o is not question).tweet.id
    assert by_author(store, owed(store, OPENED), "riley_reads") == []


def test_posting_a_broadcast_starts_its_own_conversation(store: Store) -> None:
    backend = DemoBackend(store, now=Clock(OPENED))
    tweet = backend.post("What are you brewing this week?")
    assert tweet.conversation_id == tweet.id and tweet.replied_to_id is None
    assert store.stream("own", limit=1) == [tweet]
    second = backend.post("And who's coming to Hazel's session on Friday?")
    assert int(second.id) > int(tweet.id) > max(int(t.id) for t in WORLD.streams["own"].tweets)


@pytest.mark.parametrize(
    ("text", "problem"), [("   ", "empty"), ("Coffee. " * 40, "over the limit of 280")]
)
def test_a_post_x_would_refuse_is_refused_and_not_stored(
    store: Store, text: str, problem: str
) -> None:
    own = len(store.stream("own"))
    with pytest.raises(BackendError, match=problem):
        DemoBackend(store, now=Clock(OPENED)).post(text)
    assert len(store.stream("own")) == own


def test_sync_releases_exactly_the_arrivals_that_are_due(store: Store) -> None:
    clock = Clock(OPENED)
    backend = DemoBackend(store, now=clock)
    delays = [WORLD.arrival_delay(t) for t in WORLD.arrivals.tweets]
    mentions = len(store.stream("mentions"))

    assert backend.sync().new == {"mentions": 0}
    clock.now = OPENED + delays[2]
    assert backend.sync().total_new == 3
    clock.now += timedelta(seconds=1)
    assert backend.sync().total_new == 0
    assert len(store.stream("mentions")) == mentions + 3

    first = store.tweet(WORLD.arrivals.tweets[0].id)
    assert first is not None and first.created_at == OPENED + delays[0]
    assert first.id in {o.tweet.id for o in owed(store, clock.now)}

    clock.now = OPENED + delays[-1] + timedelta(hours=1)
    assert backend.sync().total_new == len(delays) - 3
    assert backend.sync().total_new == 0


def test_after_a_reopen_the_next_arrival_keeps_its_usual_gap(tmp_path: Path) -> None:
    delays = [WORLD.arrival_delay(t) for t in WORLD.arrivals.tweets]
    with open_demo_store(tmp_path, OPENED) as store:
        DemoBackend(store, now=Clock(OPENED + delays[1])).sync()
    reopened = OPENED + timedelta(days=2)
    with open_demo_store(tmp_path, reopened) as store:
        gap = delays[2] - delays[1]
        backend = DemoBackend(store, now=Clock(reopened + gap - timedelta(seconds=1)))
        assert backend.sync().total_new == 0
        backend = DemoBackend(store, now=Clock(reopened + gap))
        assert backend.sync().total_new == 1


def test_like_and_close(tmp_path: Path) -> None:
    store = open_demo_store(tmp_path, OPENED)
    backend: Backend = DemoBackend(store, now=Clock(OPENED))
    assert backend.is_demo and backend.account == BRAND
    mention = store.stream("mentions", limit=1)[0]
    backend.like(mention.id)
    assert store.liked(mention.id)
    backend.close()
    with pytest.raises(StoreError, match="closed"):
        store.stream("own")


def test_the_clock_must_say_its_zone(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        open_demo_store(tmp_path, datetime(2026, 3, 2, 8, 30))


def test_the_demo_s_spam_accounts_sit_in_their_own_band_not_owed(store: Store) -> None:
    spam = store.probably_spam(now=OPENED)
    users = store.users(o.tweet.author_id for o in spam)
    assert {users[o.tweet.author_id].username for o in spam} == {"promo_guru_x"}
    owed_ids = {o.tweet.id for o in owed(store, OPENED)}
    assert not owed_ids & {o.tweet.id for o in spam}
    store.mark_spam(spam[0].tweet.id, now=OPENED)
    assert spam[0].tweet.id not in {o.tweet.id for o in store.probably_spam(now=OPENED)}
    assert store.mark(spam[0].tweet.id).reason == "spam"  # type: ignore[union-attr]


def test_the_arriving_spam_accounts_read_as_spam() -> None:
    import json

    from tuicoach.domain.triage import triage
    from tuicoach.domain.xapi import page_from_json

    data = Path(__file__).resolve().parents[2] / "tuicoach/backends/demo/data/arrivals.json"
    page = page_from_json(json.loads(data.read_text(encoding="utf-8")))
    users = {u.id: u for u in page.users}
    spam = {
        users[t.author_id].username
        for t in page.tweets
        if triage(t.text, users.get(t.author_id)).band is Band.SPAM
    }
    assert spam == {"beanz_airdrop", "followback_4u2"}


def test_a_spam_mention_moved_back_is_owed_and_stays_so_after_reopening(tmp_path: Path) -> None:
    with open_demo_store(tmp_path, OPENED) as demo:
        (spam, *_) = demo.probably_spam(now=OPENED)
        demo.mark_not_spam(spam.tweet.id, now=OPENED)
    with open_demo_store(tmp_path, OPENED) as demo:
        assert spam.tweet.id not in {o.tweet.id for o in demo.probably_spam(now=OPENED)}
        moved = [o for o in owed(demo, OPENED) if o.tweet.id == spam.tweet.id]
        assert len(moved) == 1 and moved[0].band is not Band.SPAM
        demo.clear_mark(spam.tweet.id)
        assert spam.tweet.id in {o.tweet.id for o in demo.probably_spam(now=OPENED)}


REOPEN = """
import sys
from datetime import datetime
from pathlib import Path

from tuicoach.backends.demo import DemoBackend, open_demo_store, sample

now = datetime.fromisoformat(sys.argv[2])
store = open_demo_store(Path(sys.argv[1]), now)
backend = DemoBackend(store, now=lambda: now)
print(sample.load_world.cache_info().currsize)  # 0: the world's files were not read
print("msgspec" in sys.modules)  # the demo's JSON needs no decoder of its own
backend.sync()
print(sample.load_world.cache_info().currsize)
other = next(t for t in store.stream("mentions") if t.author_id != backend.account.id)
(author,) = store.users([other.author_id]).values()
post = backend.post(f"@{author.username} thanks, see you soon")
print(sample.load_world.cache_info().currsize, post.mentions[0].id == author.id)
"""


def test_a_reopened_demo_reads_only_its_account_and_arrivals_until_a_post(
    tmp_path: Path,
) -> None:
    """Opening a seeded demo is on the way to the first frame: it must not map the whole
    world's files (725 tweets), only the brand and the arrivals; a post still finds the
    users its text mentions."""
    import subprocess
    import sys

    with open_demo_store(tmp_path, OPENED):
        pass  # seeded
    later = OPENED + timedelta(hours=5)
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", REOPEN, str(tmp_path), later.isoformat()],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False", "0", "1", "True"]
