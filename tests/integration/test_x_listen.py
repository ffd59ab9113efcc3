"""Listening against the fake X API on 127.0.0.1: real tweepy, real SQLite, counted reads."""

from __future__ import annotations

import sqlite3

import pytest
from fake_x_api import FakeX, World
from x_helpers import Clock, backend_for

from tuicoach.backends.base import AuthError, RateLimited, Refused, SearchRejected
from tuicoach.backends.x.backend import XBackend, status_link
from tuicoach.backends.x.cost import usage_days
from tuicoach.backends.x.listen import BudgetReached
from tuicoach.domain.listen import ListenSettings, SavedSearch, State
from tuicoach.store import Store, StoreError

pytestmark = pytest.mark.x_clock

LARKSPUR = SavedSearch("larkspur", ("acme bakery", "acmebakery", "#acmebakery"))


@pytest.fixture
def backend(world: World, store: Store, clock: Clock) -> XBackend:
    return backend_for(world, store, clock)


def say(world: World, n: int, text: str = "acme bakery sold out of rye again") -> list[str]:
    """``n`` posts by strangers that name the shop without tagging it."""
    return [
        world.fake.add_tweet(world.strangers[i % len(world.strangers)], f"{text} #{i}")["id"]
        for i in range(n)
    ]


def test_the_search_finds_what_names_the_shop_and_leaves_out_mentions_and_own_posts(
    world: World, backend: XBackend, clock: Clock
) -> None:
    complaint = world.fake.add_tweet(world.strangers[0], "Acme Bakery was rude to me today")
    tagged = world.fake.add_tweet(world.strangers[1], "@acme_bakery acme bakery rocks")
    own = world.fake.add_tweet(world.me, "acme bakery news: rye is back")
    hashtag = world.fake.add_tweet(world.friends[0], "best croissant in town #acmebakery")
    world.fake.add_tweet(world.friends[1], "an unrelated bakery post")
    listener = backend.listener(ListenSettings(searches=(LARKSPUR,)))
    report = listener.run()
    (run,) = report.runs
    assert run.error is None
    assert run.query == (
        '("acme bakery" OR acmebakery OR #acmebakery) -@acme_bakery -from:acme_bakery'
    )
    assert set(run.new) == {complaint["id"], hashtag["id"]}
    assert tagged["id"] not in run.new and own["id"] not in run.new
    (sent,) = world.fake.requests("search_recent")
    assert sent.query["query"] == run.query
    assert "since_id" not in sent.query
    found = listener.listen.opportunities(now=clock.now)
    assert {f.tweet.id for f in found} == set(run.new)
    assert {f.author.username for f in found if f.author} == {"customer_0", "friend_0"}


def test_polling_is_incremental_and_reads_each_post_about_once(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    listener = backend.listener(ListenSettings(max_results=10, pages=3, searches=(LARKSPUR,)))
    say(world, 25)  # a first poll catches up over three pages
    first = listener.run()
    assert first.new == 25 and first.runs[0].requests == 3
    found = 25
    for minute in range(1, 13):  # then a steady trickle, and quiet polls in between
        clock.advance(300)
        if minute % 3:
            say(world, minute % 4, text=f"acme bakery at {minute}")
        report = listener.run()
        found += report.new
        assert report.runs[0].error is None
    since = [r.query.get("since_id") for r in world.fake.requests("search_recent")[3:]]
    assert all(since), "every poll after the first asks only for what is newer"
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert found == len(listener.listen.opportunities(now=clock.now))
    assert day.search_post_reads == world.fake.billed_reads("post") == found
    ratio = day.search_post_reads / found
    print(f"billed post reads per new opportunity: {ratio:.3f} ({found} found)")
    assert ratio <= 1.05
    # An empty poll is free: nothing more billed.
    clock.advance(60)
    assert listener.run().post_reads == 0
    assert world.fake.billed_reads("post") == found


def test_the_daily_budget_stops_a_poll_before_it_could_overrun(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    say(world, 30)
    blends = SavedSearch("blends", ("rye",))
    # A page of 10 can cost at most 10 x ($0.005 + $0.010) = $0.15.
    listener = backend.listener(
        ListenSettings(daily_budget=0.20, max_results=10, pages=3, searches=(LARKSPUR, blends))
    )
    report = listener.run()
    larkspur, second = report.runs
    assert larkspur.requests == 1 and len(larkspur.new) == 10
    assert isinstance(larkspur.error, BudgetReached)
    assert "listening stopped for today" in str(larkspur.error)
    assert isinstance(second.error, BudgetReached) and second.requests == 0
    assert report.stopped is not None
    assert len(world.fake.requests("search_recent")) == 1
    assert report.spent_today == pytest.approx(10 * 0.005 + 2 * 0.010)
    assert report.spent_today <= 0.20
    # The page read is filed with both cursors: the newest it read, and the gap below it.
    read = sorted(larkspur.new, key=int)
    assert listener.listen.cursor("larkspur") == read[-1]
    backlog = listener.listen.backlog("larkspur")
    assert backlog is not None and (backlog.since, backlog.until) == (None, read[0])
    assert larkspur.catching_up
    # Each next UTC day the budget is fresh (one page of it here): the catch-up resumes
    # below what was read, a page a day, each post once, until the gap is closed.
    seen = set(read)
    for day in (1, 2):
        clock.advance(24 * 3600)
        again = listener.run().runs[0]
        assert len(again.new) == 10 and not set(again.new) & seen
        assert world.fake.requests("search_recent")[day].query["until_id"] == min(seen, key=int)
        assert isinstance(again.error, BudgetReached)  # the day's page is spent
        seen |= set(again.new)
    assert len(seen) == 30 and listener.listen.backlog("larkspur") is None


def test_a_rate_limited_search_waits_without_asking_again(
    world: World, backend: XBackend, clock: Clock
) -> None:
    say(world, 3)
    reset = int(clock.epoch()) + 600
    world.fake.rate_limit("search_recent", reset=reset)
    listener = backend.listener(ListenSettings(searches=(LARKSPUR,)))
    run = listener.run().runs[0]
    assert isinstance(run.error, RateLimited) and run.new == ()
    assert "searching X" in str(run.error)
    again = listener.run().runs[0]
    assert isinstance(again.error, RateLimited)
    assert len(world.fake.requests("search_recent")) == 1  # the second poll sent nothing
    clock.advance(601)
    assert len(listener.run().runs[0].new) == 3


def test_a_query_x_rejects_is_an_error_naming_the_search(world: World, backend: XBackend) -> None:
    # tuicoach passes min_likes: (back since 2026-05-04); this fake X does not know it.
    popular = SavedSearch("popular", query="acme min_likes:5")
    run = backend.listener(ListenSettings(searches=(popular,))).run().runs[0]
    assert isinstance(run.error, SearchRejected)
    assert run.error.search == "popular"
    assert "saved search 'popular'" in str(run.error)
    assert "Reference to invalid operator 'min_likes'" in str(run.error)
    assert len(world.fake.requests("search_recent")) == 1  # a 400 is not retried


def test_a_reply_x_would_refuse_is_never_sent(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    (found_id,) = say(world, 1)
    backend.listener(ListenSettings(searches=(LARKSPUR,))).run()
    found = store.tweet(found_id)
    assert found is not None
    refusal = backend.reply_refusal(found)
    assert refusal is not None and status_link(found_id) in refusal
    with pytest.raises(Refused) as caught:
        backend.post("Sorry about the rye! Fresh loaves at 7 tomorrow.", reply_to=found)
    assert str(caught.value) == refusal
    with pytest.raises(Refused):
        backend.post_reply_to_id("Sorry about the rye!", found_id)
    assert world.fake.requests("create_tweet") == []
    assert store.outbox_pending() == []
    # A mention summoned us: that reply is fine.
    question = world.fake.add_tweet(world.strangers[0], "@acme_bakery open Sunday?")
    backend.sync()
    mention = store.tweet(question["id"])
    assert mention is not None and backend.reply_refusal(mention) is None


def test_x_refusing_an_unsummoned_reply_says_the_same_way_out(
    world: World, backend: XBackend, store: Store
) -> None:
    """Should one slip past the check (a tweet tuicoach never stored), X's 403 reads the same."""
    stranger = world.fake.add_tweet(world.strangers[0], "acme bakery? never heard of it")
    with pytest.raises(Refused) as caught:
        backend.post_reply_to_id("Come by for a free coffee!", stranger["id"])
    assert str(caught.value).endswith(status_link(stranger["id"]))
    assert [r.status for r in world.fake.requests("create_tweet")] == [403]
    assert world.fake.tweets_by(world.me) == []


def test_estimating_a_search_with_counts_or_a_first_page(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    say(world, 14)
    fake: FakeX = world.fake
    fake.bearer_tokens.add("app-bearer")
    with_counts = backend.listener(bearer_token="app-bearer").estimate(LARKSPUR)
    assert with_counts.method == "counts"
    assert sum(n for _, n in with_counts.days) == 14
    assert with_counts.spent == pytest.approx(0.005)
    assert len(fake.requests("counts_recent")) == 1 and fake.billed_reads("post") == 0
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert day.counts_requests == 1
    first_page = backend.listener().estimate(LARKSPUR)
    assert first_page.method == "first page"
    assert first_page.posts_per_day > 0
    assert "a day" in first_page.describe()


def test_a_wrong_bearer_token_names_the_variable(world: World, backend: XBackend) -> None:
    with pytest.raises(AuthError, match="TUICOACH_X_BEARER_TOKEN"):
        backend.listener(bearer_token="not-a-token").estimate(LARKSPUR)
    assert [r.status for r in world.fake.requests("counts_recent")] == [401]


def test_reconcile_compares_reads_with_x_usage(
    world: World, backend: XBackend, clock: Clock
) -> None:
    say(world, 4)
    world.fake.bearer_tokens.add("app-bearer")
    listener = backend.listener(ListenSettings(searches=(LARKSPUR,)), bearer_token="app-bearer")
    listener.run()
    rows = listener.reconcile(3)
    assert rows[0] == (str(clock.now.date()), 4, 4)
    assert all(theirs == ours for _, ours, theirs in rows)


def test_decisions_on_opportunities_survive_a_new_poll(
    world: World, backend: XBackend, clock: Clock
) -> None:
    ids = say(world, 2)
    listener = backend.listener(ListenSettings(searches=(LARKSPUR,)))
    listener.run()
    listener.listen.decide(ids[0], State.HANDLED)
    clock.advance(60)
    listener.run()
    assert [f.tweet.id for f in listener.listen.opportunities(now=clock.now)] == [ids[1]]


def test_a_reply_to_a_timeline_tweet_that_did_not_summon_the_account_is_never_sent(
    world: World, backend: XBackend, store: Store
) -> None:
    ours = world.fake.add_tweet(world.me, "Rye is back on Saturday")
    plain = world.fake.add_tweet(world.friends[0], "Market day! Who's coming?")
    quoting = world.fake.add_tweet(world.friends[1], "Finally.", quote=ours)
    answering = world.fake.add_tweet(world.friends[2], "Saving me a loaf?", reply_to=ours)
    backend.sync()
    timeline = store.tweet(plain["id"])
    assert timeline is not None
    refusal = backend.reply_refusal(timeline)
    assert refusal is not None and status_link(plain["id"]) in refusal
    assert "Copy your reply and answer on x.com" in refusal
    with pytest.raises(Refused) as caught:
        backend.post("See you there!", reply_to=timeline)
    assert str(caught.value) == refusal
    assert world.fake.requests("create_tweet") == [] and store.outbox_pending() == []
    # Quoting one of ours, or answering one of ours, summons the account: those go.
    for summoner in (quoting, answering):
        tweet = store.tweet(summoner["id"])
        assert tweet is not None and backend.reply_refusal(tweet) is None
    backend.post("Of course!", reply_to=store.tweet(answering["id"]))
    assert [r.status for r in world.fake.requests("create_tweet")] == [201]


def test_a_burst_of_three_times_the_page_cap_is_read_over_the_next_polls_each_post_once(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    settings = ListenSettings(daily_budget=2.0, max_results=10, pages=2, searches=(LARKSPUR,))
    backend.listen_settings = settings
    listener = backend.listener(settings)
    said = say(world, 5)
    assert len(listener.run().runs[0].new) == 5  # the cursor is set: a steady state
    said += say(world, 60, text="acme bakery burst")  # 3 x (2 pages of 10)
    found: list[str] = []
    words: list[str | None] = []
    for poll in range(4):
        clock.advance(120)
        result = backend.listen()  # the port: what the pane shows
        assert result.stopped is None
        found = [f.tweet.id for f in listener.listen.opportunities(now=clock.now)]
        words.append(result.errors.get("larkspur"))
        if poll < 3:  # posts keep arriving while it catches up: none is lost
            said += say(world, 2, text=f"acme bakery meanwhile at {clock.epoch()}")
    # Three polls catch up (the first reads the newest, the next two the backlog below),
    # the fourth reads what came meanwhile; the pane said "catching up" while it did.
    assert [w is not None and w.startswith("catching up") for w in words] == [
        True,
        True,
        False,
        False,
    ]
    assert words[0] is not None and "nothing is lost" in words[0]
    assert sorted(found, key=int) == sorted(said, key=int)  # every post, in the store
    searches = world.fake.requests("search_recent")
    assert len(searches) == 1 + 2 + 2 + 2 + 1
    assert [r.query.get("until_id") is not None for r in searches[3:7:2]] == [True, True]
    assert world.fake.posts_served == len(said)  # no post was sent twice
    day = usage_days(store, clock.now.date(), clock.now.date())[0]  # type: ignore[arg-type]
    assert day.search_post_reads == world.fake.billed_reads("post") == len(said)
    assert listener.spent_today() <= settings.daily_budget
    assert listener.listen.backlog("larkspur") is None


def test_a_crash_between_pages_or_inside_one_loses_nothing(
    world: World, backend: XBackend, store: Store, clock: Clock
) -> None:
    settings = ListenSettings(daily_budget=2.0, max_results=10, pages=3, searches=(LARKSPUR,))
    listener = backend.listener(settings)
    said = say(world, 30)
    # The store fails as the second page's cursors are written: after its opportunities
    # were inserted and the newest cursor moved, inside the page's one transaction.
    with sqlite3.connect(store.where) as raw:
        raw.execute(
            "CREATE TRIGGER crash BEFORE UPDATE OF backlog_since ON saved_searches "
            "WHEN (SELECT count(*) FROM opportunities) > 10 "
            "BEGIN SELECT RAISE(ABORT, 'the machine went down'); END"
        )
    with pytest.raises(StoreError, match="the machine went down"):
        listener.run()
    kept = {f.tweet.id for f in listener.listen.opportunities(now=clock.now)}
    newest_ten = sorted(said, key=int)[-10:]
    assert kept == set(newest_ten)  # the first page, whole; nothing of the second
    assert listener.listen.cursor("larkspur") == newest_ten[-1]
    backlog = listener.listen.backlog("larkspur")
    assert backlog is not None and backlog.until == newest_ten[0]
    with sqlite3.connect(store.where) as raw:
        raw.execute("DROP TRIGGER crash")
    clock.advance(60)
    run = listener.run().runs[0]
    assert run.error is None and not set(run.new) & kept and len(run.new) == 20
    assert world.fake.requests("search_recent")[2].query["until_id"] == newest_ten[0]
    assert {f.tweet.id for f in listener.listen.opportunities(now=clock.now)} == set(said)
    assert listener.listen.backlog("larkspur") is None


def test_a_rate_limit_in_the_middle_of_a_catch_up_keeps_the_backlog(
    world: World, backend: XBackend, clock: Clock
) -> None:
    listener = backend.listener(ListenSettings(max_results=10, pages=1, searches=(LARKSPUR,)))
    said = say(world, 5)
    assert len(listener.run().runs[0].new) == 5
    burst = say(world, 25, text="acme bakery burst")
    clock.advance(60)
    top = listener.run().runs[0]
    assert len(top.new) == 10 and top.catching_up
    oldest_read = min(top.new, key=int)
    # X answers the catch-up with a 429: nothing is filed, the backlog stays as it was.
    world.fake.rate_limit("search_recent", reset=int(clock.epoch()) + 600)
    clock.advance(60)
    cut = listener.run().runs[0]
    assert isinstance(cut.error, RateLimited) and cut.new == () and cut.catching_up
    backlog = listener.listen.backlog("larkspur")
    assert backlog is not None and backlog.until == oldest_read
    clock.advance(601)
    seen = set(top.new)
    lows = []
    for left in (True, False):  # two more polls close the gap, each post once
        run = listener.run().runs[0]
        assert run.error is None and len(run.new) == (10 if left else 5)
        assert run.catching_up is left and not set(run.new) & seen
        seen |= set(run.new)
        lows.append(min(run.new, key=int))
        clock.advance(60)
    requests = world.fake.requests("search_recent")
    assert requests[-3].status == 429
    assert [r.query.get("until_id") for r in requests[-3:]] == [oldest_read, oldest_read, lows[0]]
    assert seen == set(burst)
    assert {f.tweet.id for f in listener.listen.opportunities(now=clock.now)} == set(said + burst)
