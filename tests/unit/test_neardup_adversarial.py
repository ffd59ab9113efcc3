"""The index against the plain scan where an index is most likely to miss.

A history whose tweets share a few common words (so most texts share most of
a draft's keys), near-threshold pairs on both sides of 85, one-word and
60-word tweets, emoji, links and mentions; built at once, and grown one tweet
at a time (the texts waiting outside the posting arrays, then merged).
"""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta

import pytest
from rapidfuzz import fuzz

from tuicoach.coach.neardup import (
    DEFAULT_THRESHOLD,
    MERGE_AT,
    NearDuplicateIndex,
    brute_force_search,
    normalise,
)
from tuicoach.domain.models import Tweet

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=90)
COMMON = [
    "the",
    "a",
    "to",
    "and",
    "of",
    "you",
    "is",
    "in",
    "it",
    "for",
    "we",
    "our",
    "your",
    "on",
    "with",
    "that",
    "this",
    "be",
    "are",
    "at",
    "so",
    "just",
    "all",
    "can",
    "thanks",
    "new",
    "today",
    "here",
    "now",
    "more",
]
EMOJI = ["🙂", "☕", "🔥", "🎉", "❤️", "👍🏽", "🇬🇧"]
PUNCT = ["", "", "", "!", ".", ",", "?", "!!", "…"]


def _rare(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))


def _word(rng: random.Random, rare: list[str], common: float = 0.7) -> str:
    roll = rng.random()
    if roll < common:
        word = rng.choice(COMMON)
    else:
        word = rng.choice(EMOJI) if roll < common + 0.05 else rng.choice(rare)
    return word + rng.choice(PUNCT)


def _extra(rng: random.Random) -> str:
    return rng.choice(
        [
            f"https://ex.example.com/p/{rng.randrange(10**6)}",
            "@" + "".join(rng.choices(string.ascii_lowercase, k=6)),
            f"example.org/{rng.randrange(100)}",
        ]
    )


def _tweet_text(rng: random.Random, rare: list[str]) -> str:
    kind = rng.random()
    if kind < 0.1:  # very short: one to three words, often only common ones or emoji
        words = [_word(rng, rare) for _ in range(rng.randint(1, 3))]
    elif kind < 0.2:  # very long
        words = [_word(rng, rare) for _ in range(rng.randint(45, 60))]
    else:
        words = [_word(rng, rare) for _ in range(rng.randint(6, 35))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), _extra(rng))
    return " ".join(words)


def _edit(rng: random.Random, text: str, rare: list[str]) -> str:
    words = text.split()
    for _ in range(rng.choice([1, 1, 2, 3])):
        edit = rng.randrange(7)
        if edit == 0 and len(words) > 1:
            words.pop(rng.randrange(len(words)))
        elif edit == 1:
            words.insert(rng.randrange(len(words) + 1), _word(rng, rare))
        elif edit == 2:  # a typo in a longer word
            i = rng.randrange(len(words))
            if len(words[i]) > 3:
                j = rng.randrange(len(words[i]) - 1)
                w = words[i]
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif edit == 3:  # punctuation
            words = [w.rstrip("!.,?…") + rng.choice(PUNCT) for w in words]
        elif edit == 4:  # a new link or mention
            words.insert(rng.randrange(len(words) + 1), _extra(rng))
        elif edit == 5:  # case
            words = [w.upper() if rng.random() < 0.3 else w for w in words]
        else:  # an emoji swapped
            words = [rng.choice(EMOJI) if w in EMOJI else w for w in words]
    return " ".join(words)


def _near_threshold(rng: random.Random, text: str, rare: list[str]) -> str:
    """The text with words replaced by rare ones until it scores just under or just over 85."""
    words, target_below = text.split(), rng.random() < 0.5
    best = " ".join(words)
    for _ in range(40):
        words[rng.randrange(len(words))] = rng.choice(rare)
        draft = " ".join(words)
        score = fuzz.token_set_ratio(normalise(text), normalise(draft))
        if score < DEFAULT_THRESHOLD:
            return draft if target_below else best
        best = draft
    return best


def _history(seed: int, size: int) -> tuple[list[Tweet], list[str]]:
    rng = random.Random(seed)
    rare = [_rare(rng) for _ in range(300)]
    texts: list[str] = []
    for _ in range(size):
        repeat = texts and rng.random() < 0.2
        texts.append(_edit(rng, rng.choice(texts), rare) if repeat else _tweet_text(rng, rare))
    tweets = [
        Tweet(
            id=str(i),
            text=text,
            created_at=NOW - timedelta(seconds=rng.uniform(60, 120 * 86400)),
            author_id="me",
        )
        for i, text in enumerate(texts)
    ]
    return tweets, rare


def _drafts(seed: int, tweets: list[Tweet], rare: list[str], count: int) -> list[str]:
    rng = random.Random(seed + 1)
    drafts = []
    for i in range(count):
        source = rng.choice(tweets).text
        kind = i % 4
        if kind == 0:
            drafts.append(_edit(rng, source, rare))
        elif kind == 1:
            drafts.append(_near_threshold(rng, source, rare))
        elif kind == 2:  # a fresh draft of the same common words
            drafts.append(_tweet_text(rng, rare))
        else:  # a short one: a word or two, or one emoji
            drafts.append(" ".join(_word(rng, rare) for _ in range(rng.randint(1, 2))))
    return drafts


def _compare(index: NearDuplicateIndex, tweets: list[Tweet], drafts: list[str]) -> dict[str, int]:
    window = [t for t in tweets if t.created_at >= SINCE]
    counts = {"expected": 0, "recalled": 0, "same_score": 0, "close_above": 0, "close_below": 0}
    for draft in drafts:
        truth = brute_force_search(draft, window)
        found = index.search(draft, since=SINCE)
        if found is not None:  # every reported match is a true one, inside the window
            assert found.tweet.created_at >= SINCE
            real = fuzz.token_set_ratio(normalise(draft), normalise(found.tweet.text))
            assert found.score == real >= DEFAULT_THRESHOLD, draft
        if truth is not None:
            counts["expected"] += 1
            counts["recalled"] += found is not None
            counts["same_score"] += found is not None and found.score == truth.score
            counts["close_above"] += truth.score < 88
        else:
            query = normalise(draft)
            best = max((fuzz.token_set_ratio(query, normalise(t.text)) for t in window), default=0)
            counts["close_below"] += 80 <= best < DEFAULT_THRESHOLD
    return counts


def _assert_recall(counts: dict[str, int], *, expected: int = 150) -> None:
    assert counts["expected"] >= expected, counts  # the drafts really exercise matching
    assert counts["recalled"] / counts["expected"] >= 0.99, counts
    assert counts["same_score"] == counts["recalled"], counts  # the best score, not just one


@pytest.mark.slow
def test_recall_on_common_words_short_long_emoji_and_links() -> None:
    tweets, rare = _history(seed=5, size=1000)
    index = NearDuplicateIndex(tweets)
    _assert_recall(_compare(index, tweets, _drafts(5, tweets, rare, 240)))


@pytest.mark.slow
def test_recall_while_tweets_arrive_one_at_a_time() -> None:
    tweets, rare = _history(seed=6, size=900)
    index = NearDuplicateIndex(tweets[:500])
    drafts = _drafts(6, tweets, rare, 240)
    for tweet in tweets[500 : 500 + MERGE_AT // 2]:
        index.add(tweet)  # these wait outside the posting arrays
    assert len(index) == 500 + MERGE_AT // 2
    grown = tweets[: 500 + MERGE_AT // 2]
    _assert_recall(_compare(index, grown, drafts[:120]), expected=80)
    for tweet in tweets[500 + MERGE_AT // 2 :]:
        index.add(tweet)  # past MERGE_AT they join the arrays
    assert len(index) == len(tweets)
    _assert_recall(_compare(index, tweets, drafts[120:]), expected=80)


@pytest.mark.slow
def test_recall_on_pairs_just_over_and_just_under_the_threshold() -> None:
    # Here no tweet is a few common words (those lie inside most drafts, scoring
    # 100): each draft's best match is its source, a little over or under 85.
    rng = random.Random(8)
    rare = [_rare(rng) for _ in range(400)]
    tweets = [
        Tweet(
            id=str(i),
            text=" ".join(_word(rng, rare, common=0.35) for _ in range(rng.randint(8, 40))),
            created_at=NOW - timedelta(days=rng.uniform(0, 89)),
            author_id="me",
        )
        for i in range(600)
    ]
    drafts = [_near_threshold(rng, rng.choice(tweets).text, rare) for _ in range(120)]
    counts = _compare(NearDuplicateIndex(tweets), tweets, drafts)
    assert counts["close_above"] >= 15 and counts["close_below"] >= 15, counts
    _assert_recall(counts, expected=40)


def test_a_draft_of_only_the_commonest_words_finds_a_text_holding_them_all() -> None:
    # The commonest keys are left out of the count and completed by binary
    # search: a text holding just them must still be found (score 100).
    rng = random.Random(7)
    rare = [_rare(rng) for _ in range(300)]
    filler = [
        Tweet(id=f"f{i}", text=_tweet_text(rng, rare), created_at=NOW - timedelta(days=1),
              author_id="me")
        for i in range(600)
    ]  # fmt: skip
    target = Tweet(id="target", text="thanks you are the best", created_at=NOW, author_id="me")
    index = NearDuplicateIndex([*filler, target])
    draft = "The best thanks YOU are " + " ".join(rare[:3])
    found = index.search(draft, since=SINCE)
    truth = brute_force_search(draft, [*filler, target])
    assert truth is not None and found is not None
    assert (found.tweet.id, found.score) == (truth.tweet.id, truth.score) == ("target", 100)
