"""The demo brand's data: well-formed X API v2, coherent threads, and the shape the coach needs.

These read the files in ``tuicoach/backends/demo/data`` through the same
mapping real responses use, and check what the demo promises (issue 3): enough
tweets, threads that hang together, a believable morning of owed replies, and
the patterns the coach's account rules look for (near-duplicate promotions, one
burst, a recent last tweet).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from rapidfuzz import fuzz

from tuicoach.backends.demo.sample import ARRIVALS_FILE, STREAM_FILES, load_world, read_json
from tuicoach.coach.neardup import DEFAULT_THRESHOLD, normalise
from tuicoach.domain import twittertext
from tuicoach.domain.models import Tweet
from tuicoach.domain.xapi import page_from_json, user_from_json

ENVELOPES = [*STREAM_FILES.values(), ARRIVALS_FILE]
WORLD = load_world()
BRAND = WORLD.account
OWN = WORLD.streams["own"].tweets


def every_tweet() -> Iterator[Tweet]:
    for page in [*WORLD.streams.values(), WORLD.arrivals]:
        yield from page.tweets
        yield from page.included_tweets


KNOWN = {t.id: t for t in every_tweet()}
USERNAMES = {u.id: u.username for p in [*WORLD.streams.values(), WORLD.arrivals] for u in p.users}


def addressed_to_brand(tweet: Tweet) -> bool:
    """The rulebook's "addressed": a mention, a reply or a quote (a retweet is none of these)."""
    if tweet.author_id == BRAND.id or tweet.is_retweet:
        return False
    quoted = KNOWN.get(tweet.quoted_id or "")
    return (
        BRAND.username.lower() in tweet.mentioned_usernames
        or tweet.in_reply_to_user_id == BRAND.id
        or (quoted is not None and quoted.author_id == BRAND.id)
    )


@pytest.mark.parametrize("name", ENVELOPES)
def test_every_envelope_parses_through_the_x_mapping(name: str) -> None:
    raw = read_json(name)
    page = page_from_json(raw)
    assert len(page.tweets) == len(raw["data"]) == raw["meta"]["result_count"]
    assert {raw["meta"]["newest_id"], raw["meta"]["oldest_id"]} <= {t.id for t in page.tweets}


def test_account_and_muting_files_are_user_objects() -> None:
    assert user_from_json(read_json("me.json")["data"]).username == "larkspurcoffee"
    assert [user_from_json(u).username for u in read_json("muting.json")["data"]] == [
        "realcoffeetruth"
    ]


def test_counts_meet_the_issue() -> None:
    home = WORLD.streams["home"].tweets
    assert len(home) >= 300
    assert len({t.author_id for t in home}) >= 40
    assert sum(addressed_to_brand(t) for t in WORLD.streams["mentions"].tweets) >= 80
    assert len(OWN) >= 150
    assert 10 <= len(WORLD.arrivals.tweets) <= 20


def test_mentions_file_holds_exactly_what_is_addressed_to_the_brand() -> None:
    mentions = {t.id for t in WORLD.streams["mentions"].tweets}
    assert all(addressed_to_brand(t) for t in WORLD.streams["mentions"].tweets)
    assert all(addressed_to_brand(t) for t in WORLD.arrivals.tweets)
    # A followed account that @mentions the brand shows up in both streams, as on X.
    in_home = [t for t in WORLD.streams["home"].tweets if addressed_to_brand(t)]
    assert in_home
    assert all(t.id in mentions for t in in_home)


def test_own_tweets_are_the_brands() -> None:
    assert {t.author_id for t in OWN} == {BRAND.id}


@pytest.mark.parametrize("name", ENVELOPES)
def test_every_author_and_mentioned_account_has_a_user_object(name: str) -> None:
    page = page_from_json(read_json(name))
    users = {u.id: u for u in page.users}
    for tweet in page.tweets + page.included_tweets:
        assert tweet.author_id in users, tweet.text
        for mention in tweet.mentions:
            assert mention.id in users and users[mention.id].username == mention.username


def test_mention_entities_match_the_text_exactly() -> None:
    for tweet in KNOWN.values():
        found = [(e.start, e.end, e.text.lower()) for e in twittertext.extract_mentions(tweet.text)]
        given = [(m.start, m.end, m.username.lower()) for m in tweet.mentions]
        assert given == found, tweet.text
        for m in tweet.mentions:
            assert tweet.text[m.start : m.end].lower() == "@" + m.username.lower()


def test_ids_are_unique_snowflakes_that_grow_with_time() -> None:
    for name in ENVELOPES:
        ids = [t["id"] for t in read_json(name)["data"]]
        assert len(ids) == len(set(ids)), f"{name} repeats a tweet"
    seen: dict[str, Tweet] = {}
    for tweet in every_tweet():  # the same id across files must be the same tweet
        assert seen.setdefault(tweet.id, tweet) == tweet
    assert all(re.fullmatch(r"[1-9]\d{18}", i) for i in seen)
    times_in_id_order = [seen[i].created_at for i in sorted(seen, key=int)]
    assert times_in_id_order == sorted(times_in_id_order)


def test_replies_point_at_their_parents() -> None:
    missing_parents = set()
    for tweet in KNOWN.values():
        if tweet.replied_to_id is None:
            assert tweet.in_reply_to_user_id is None
            assert tweet.conversation_id in (None, tweet.id)
            continue
        parent = KNOWN.get(tweet.replied_to_id)
        if parent is None:
            # A thread whose root we never saw: it still names that root as its conversation.
            missing_parents.add(tweet.replied_to_id)
            assert tweet.conversation_id == tweet.replied_to_id
            continue
        assert parent.created_at < tweet.created_at
        assert tweet.in_reply_to_user_id == parent.author_id
        if tweet.conversation_id is not None and parent.conversation_id is not None:
            assert tweet.conversation_id == parent.conversation_id
    assert len(missing_parents) == 1


def test_a_reply_without_conversation_id_leads_back_to_a_known_root() -> None:
    """Where conversation_id is missing, owed replies derive it by following replied_to."""
    orphans = [t for t in KNOWN.values() if t.conversation_id is None]
    assert orphans
    for tweet in orphans:
        node = tweet
        while node.replied_to_id is not None:
            node = KNOWN[node.replied_to_id]
        assert node.conversation_id == node.id and addressed_to_brand(tweet)


def test_quotes_and_retweets_reference_known_tweets() -> None:
    for tweet in KNOWN.values():
        for ref in (tweet.quoted_id, tweet.retweeted_id):
            assert ref is None or ref in KNOWN, tweet.text
        if tweet.retweeted_id is not None:
            original = KNOWN[tweet.retweeted_id]
            assert tweet.text.startswith(f"RT @{USERNAMES[original.author_id]}: ")


def test_threads_go_several_replies_deep() -> None:
    def depth(tweet: Tweet) -> int:
        parent = KNOWN.get(tweet.replied_to_id or "")
        return 0 if parent is None else 1 + depth(parent)

    assert max(depth(t) for t in WORLD.streams["mentions"].tweets + OWN) >= 5


def test_every_text_fits_and_reads_like_a_person_wrote_it() -> None:
    for tweet in KNOWN.values():
        assert tweet.text.strip()
        assert twittertext.weighted_length(tweet.text) <= 280, tweet.text
        assert not re.search(r"lorem|ipsum|test tweet|tweet \d+|placeholder", tweet.text, re.I)


def test_no_two_texts_alike_except_the_deliberate_promo_clusters() -> None:
    clusters = WORLD.streams["own"].meta["demo_near_duplicate_clusters"]
    same_cluster = {frozenset(pair) for c in clusters for pair in itertools.combinations(c, 2)}
    texts = [
        (t.id, normalise(t.text)) for t in KNOWN.values() if not t.is_retweet
    ]  # a retweet repeats its original by nature
    # token_set_ratio scores any subset 100 ("fine." inside a longer text), so compare
    # texts of three or more words; shorter ones must simply not repeat.
    longer = [(i, s) for i, s in texts if len(s.split()) >= 3]
    alike = {
        frozenset((a, b))
        for (a, sa), (b, sb) in itertools.combinations(longer, 2)
        if fuzz.token_set_ratio(sa, sb) >= DEFAULT_THRESHOLD
    }
    assert alike == same_cluster
    shorter = [s for _, s in texts if len(s.split()) < 3]
    assert len(shorter) == len(set(shorter))


def test_near_duplicate_promotions_repeat_within_days() -> None:
    own = {t.id: t for t in OWN}
    clusters = WORLD.streams["own"].meta["demo_near_duplicate_clusters"]
    assert len(clusters) >= 2
    for cluster in clusters:
        tweets = sorted((own[i] for i in cluster), key=lambda t: t.created_at)
        assert len(tweets) >= 2
        for a, b in itertools.pairwise(tweets):
            assert b.created_at - a.created_at < timedelta(days=7)
            assert fuzz.token_set_ratio(normalise(a.text), normalise(b.text)) >= DEFAULT_THRESHOLD
    newest_cluster = max(clusters, key=lambda c: max(own[i].created_at for i in c))
    newest = max(own[i].created_at for i in newest_cluster)
    assert WORLD.reference_time - newest < timedelta(days=7), "a recent promo to echo"


def _bursts(tweets: list[Tweet]) -> list[list[Tweet]]:
    """Maximal runs of 4+ tweets where each lies within 30 minutes of the run's first."""
    ordered = sorted(tweets, key=lambda t: t.created_at)
    runs = []
    for i, first in enumerate(ordered):
        run = [t for t in ordered[i:] if t.created_at - first.created_at <= timedelta(minutes=30)]
        if len(run) >= 4 and not any(set(map(id, run)) <= set(map(id, r)) for r in runs):
            runs.append(run)
    return runs


def test_one_burst_and_only_one() -> None:
    declared = set(WORLD.streams["own"].meta["demo_burst_ids"])
    runs = _bursts(list(OWN))
    assert len(runs) == 1
    assert {t.id for t in runs[0]} == declared and len(declared) >= 5


def test_own_history_spans_sixty_days_and_ends_hours_ago() -> None:
    times = sorted(t.created_at for t in OWN)
    assert times[-1] - times[0] >= timedelta(days=60)
    last_age = WORLD.reference_time - times[-1]
    assert timedelta(minutes=30) < last_age < timedelta(hours=12)
    assert all(
        t.created_at <= WORLD.reference_time for page in WORLD.streams.values() for t in page.tweets
    )


def test_arrivals_come_after_opening_every_minute_or_so() -> None:
    delays = [WORLD.arrival_delay(t) for t in WORLD.arrivals.tweets]
    assert delays == sorted(delays)
    assert timedelta(0) < delays[0] <= timedelta(seconds=90)
    for a, b in itertools.pairwise(delays):
        assert timedelta(seconds=45) <= b - a <= timedelta(seconds=90)
    muted = {u.id for u in WORLD.muted}
    assert not any(t.author_id in muted for t in WORLD.arrivals.tweets)


def test_the_muted_account_is_still_talking() -> None:
    muted = {u.id for u in WORLD.muted}
    from_muted = [t for t in WORLD.streams["mentions"].tweets if t.author_id in muted]
    assert 2 <= len(from_muted) <= 3


def test_seed_marks_name_mentions_and_snoozes_end_in_the_future() -> None:
    mentions = {t.id for t in WORLD.streams["mentions"].tweets}
    assert WORLD.marks
    for mark in WORLD.marks:
        assert mark.tweet_id in mentions
        assert (mark.no_reply_needed is None) != (mark.snoozed_until is None)
        if mark.snoozed_until is not None:
            assert mark.snoozed_until > WORLD.reference_time
    assert any(m.snoozed_until for m in WORLD.marks) and any(m.no_reply_needed for m in WORLD.marks)
