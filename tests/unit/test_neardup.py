"""The near-duplicate index against the plain scan, on a generated history."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime, timedelta

import pytest
from rapidfuzz import fuzz

from tuicoach.coach.neardup import (
    DEFAULT_THRESHOLD,
    Match,
    NearDuplicateIndex,
    brute_force_search,
    normalise,
)
from tuicoach.domain.models import Tweet

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# --- A bakery's history, from templates -------------------------------------------

PRODUCTS = [
    "sourdough", "rye loaves", "cinnamon rolls", "almond croissants", "lemon tarts",
    "focaccia", "seeded bagels", "brioche buns", "carrot cake", "pain au chocolat",
    "blueberry muffins", "olive bread", "apple turnovers", "banana bread", "baguettes",
    "pretzels", "cheese scones", "chocolate babka", "spelt loaves", "cardamom knots",
]  # fmt: skip
DRINKS = ["flat whites", "chai", "hot chocolate", "filter coffee", "iced tea", "oat lattes"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SEASONS = ["spring", "summer", "autumn", "winter", "holiday"]
NAMES = ["Sam", "Priya", "Jo", "Leo", "Maya", "Tom", "Aisha", "Ben", "Chloe", "Ravi", "Ines"]
STAFF = ["^JD", "^MK", "– Ana", "– Kofi", ""]
THANKS = ["Thanks so much", "Thank you", "Cheers", "Thanks for the kind words", "Aw, thank you"]
SORRY = ["So sorry about that", "Really sorry to hear that", "Oh no, apologies"]
FIXES = [
    "we've refunded your order",
    "a fresh loaf is waiting for you at the counter",
    "could you DM us your order number?",
    "we'll sort it out first thing tomorrow",
]
ANSWERS = [
    "Yes, we open at 7am on weekdays and 8am at weekends.",
    "Our rye is vegan, the brioche is not.",
    "We bake the sourdough fresh every morning at 4.",
    "Gluten-free loaves are on Fridays only, sorry!",
    "You can collect pre-orders from 10am.",
]
TIPS = [
    "feed your starter twice a day before a big bake",
    "let dough rise somewhere warm but not hot",
    "weigh your flour instead of using cups",
    "rest your pastry in the fridge for half an hour",
    "steam the oven for a crackly crust",
    "toast stale bread into crumbs instead of throwing it out",
]
QUESTIONS = [
    "What are you baking this weekend?",
    "Which should we bake next?",
    "Tell us your favourite!",
    "Have you tried it?",
]
TOPICS = [
    "why we mill our own flour",
    "the science of a good crust",
    "five ways to use leftover sourdough",
    "meet our new head baker",
    "how we cut our food waste in half",
    "a week in the life of our night shift",
]
SHORT = ["Thanks!", "Thank you!", "Happy Friday!", "See you soon!", "Morning all!", "Yum."]


def _link(rng: random.Random) -> str:
    return f"https://crumb.example.com/{rng.choice(['shop', 'blog', 'p'])}/{rng.randrange(10**5)}"


def _handle(rng: random.Random) -> str:
    return "@" + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10)))


def compose(rng: random.Random) -> str:
    """One tweet in the bakery's voice: a promotion, a reply, a tip, a blog link..."""
    product, day = rng.choice(PRODUCTS), rng.choice(DAYS)
    code = "".join(rng.choices(string.ascii_uppercase, k=5)) + str(rng.randrange(10, 99))
    templates = [
        lambda: (
            f"{day} only: {rng.choice([10, 15, 20, 25])}% off {product} with code {code}! "
            + _link(rng)
        ),
        lambda: (
            f"Last chance: our {rng.choice(SEASONS)} {product} are {rng.randrange(10, 40)}% "
            f"off until {day}. Order at {_link(rng)}"
        ),
        lambda: f"Buy two {product}, get one free this weekend. {_link(rng)}",
        lambda: (
            f"Free delivery on orders over ${rng.choice([20, 25, 30, 40])} this {day}! "
            + _link(rng)
        ),
        lambda: (
            f"{_handle(rng)} {rng.choice(THANKS)}, {rng.choice(NAMES)}! "
            f"Enjoy the {product}. {rng.choice(STAFF)}"
        ),
        lambda: f"{_handle(rng)} {rng.choice(SORRY)}: {rng.choice(FIXES)} {rng.choice(STAFF)}",
        lambda: f"{_handle(rng)} {rng.choice(ANSWERS)}",
        lambda: f"Baking tip: {rng.choice(TIPS)}. {rng.choice(QUESTIONS)}",
        lambda: f"Tip of the week: {rng.choice(TIPS)} #baking #{rng.choice(['bread', 'tips'])}",
        lambda: f"New on the blog: {rng.choice(TOPICS)} {_link(rng)}",
        lambda: f"ICYMI: {rng.choice(TOPICS)}, with photos from {rng.choice(NAMES)}. " + _link(rng),
        lambda: (
            f"Fresh out of the oven: {product} and {rng.choice(PRODUCTS)}. "
            f"Pair them with our {rng.choice(DRINKS)}! {rng.choice(QUESTIONS)}"
        ),
        lambda: (
            f"We're hiring a {rng.choice(['baker', 'barista', 'driver'])} for {day} "
            f"mornings. Apply at {_link(rng)}"
        ),
        lambda: f"{_handle(rng)} {rng.choice(SHORT)}",
        lambda: rng.choice(SHORT),
    ]
    return rng.choice(templates)()


def near_copy(rng: random.Random, text: str) -> str:
    """The text again after one or two edits, as people re-post things."""
    for _ in range(rng.choice([1, 1, 2])):
        words = text.split()
        edit = rng.randrange(8)
        if edit == 0 and len(words) > 3:  # reorder a few words
            i = rng.randrange(len(words) - 2)
            words[i : i + 3] = rng.sample(words[i : i + 3], 3)
        elif edit == 1:  # add words
            words.insert(rng.randrange(len(words) + 1), rng.choice(["Again!", "Today", "🙂"]))
        elif edit == 2 and len(words) > 4:  # remove a word
            words.pop(rng.randrange(len(words)))
        elif edit == 3:  # a new link or mention
            words = [
                _link(rng) if w.startswith("https://") else _handle(rng) if w[0] == "@" else w
                for w in words
            ]
            words.insert(0, rng.choice(["Reminder:", "ICYMI", _handle(rng)]))
        elif edit == 4:  # case
            words = [w.upper() if rng.random() < 0.5 else w.lower() for w in words]
        elif edit == 5:  # punctuation
            words = [w.rstrip(".,!:") + rng.choice(["", "!", ".", "!!"]) for w in words]
        elif edit == 6:  # a typo
            i = rng.randrange(len(words))
            word = words[i]
            if len(word) > 3:
                j = rng.randrange(len(word) - 1)
                words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        else:  # shorten: the first half or so
            words = words[: max(2, len(words) * 2 // 3)]
        text = " ".join(words)
    return text


def history(size: int, seed: int) -> list[Tweet]:
    """``size`` tweets over the last 120 days; a fifth repeat an earlier one with edits."""
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(size):
        repeat = texts and rng.random() < 0.2
        texts.append(near_copy(rng, rng.choice(texts)) if repeat else compose(rng))
    return [
        Tweet(
            id=str(1000 + i),
            text=text,
            created_at=NOW - timedelta(seconds=rng.uniform(60, 120 * 86400)),
            author_id="crumb",
        )
        for i, text in enumerate(texts)
    ]


FRESH = [
    "Our oven broke down on {day}, so the {product} are running late. Thanks for bearing with us!",
    "{name} just finished a ten-hour night shift making {product}. Send them some love!",
    "We gave {n} unsold loaves to the food bank this month, our best yet.",
    "Power cut on {day}? We still have candles, coffee and cold {product}.",
    "Who else remembers the great flour shortage of {year}? {name} does.",
]


def fresh(rng: random.Random) -> str:
    """A draft in the bakery's voice, in words its history never uses."""
    return rng.choice(FRESH).format(
        day=rng.choice(DAYS),
        product=rng.choice(PRODUCTS),
        name=rng.choice(NAMES),
        n=rng.randrange(20, 400),
        year=rng.randrange(2001, 2020),
    )


def drafts(tweets: list[Tweet], count: int, seed: int) -> list[str]:
    """Near-copies of earlier tweets, drafts in old or new words, and short ones."""
    rng = random.Random(seed + 1)
    result = []
    for i in range(count):
        kind = i % 20
        if kind < 10:
            result.append(near_copy(rng, rng.choice(tweets).text))
        elif kind < 15:
            result.append(fresh(rng))
        elif kind < 18:
            result.append(compose(rng))
        else:
            result.append(near_copy(rng, rng.choice(SHORT)))
    return result


# --- The index against the scan ---------------------------------------------------


def _true_score(draft: str, match: Match) -> float:
    return fuzz.token_set_ratio(normalise(draft), normalise(match.tweet.text))


@pytest.mark.slow
def test_the_index_finds_what_the_scan_finds() -> None:
    tweets = history(1000, seed=11)
    index = NearDuplicateIndex(tweets)
    since = NOW - timedelta(days=90)
    window = [t for t in tweets if t.created_at >= since]
    expected = recalled = same = 0
    for draft in drafts(tweets, 250, seed=11):
        truth = brute_force_search(draft, window)
        found = index.search(draft, since=since)
        if found is not None:
            assert found.tweet.created_at >= since
            assert found.score == _true_score(draft, found) >= DEFAULT_THRESHOLD, draft
        if truth is not None:
            expected += 1
            recalled += found is not None
            same += found is not None and found.score == truth.score
    assert expected > 100  # the drafts really exercise matching
    assert recalled / expected >= 0.99
    assert same / expected >= 0.95  # usually the very tweet the scan names, or as good a one


def test_a_match_with_no_shared_token_is_found_for_a_short_draft() -> None:
    index = NearDuplicateIndex([_tweet("1", "Thanks.")])
    found = index.search("thanks!")
    assert found is not None  # token_set_ratio("thanks!", "thanks.") is 85.7
    assert found.score == fuzz.token_set_ratio("thanks!", "thanks.") >= DEFAULT_THRESHOLD


def test_a_match_through_changed_punctuation_is_found() -> None:
    earlier = "Great question, the cafe opens at 7. Pop in any time!"
    index = NearDuplicateIndex([_tweet("1", earlier), _tweet("2", "Rye is back in stock")])
    found = index.search("great question the cafe opens at 7 pop in any time")
    assert found is not None and found.tweet.id == "1"


def test_the_threshold_is_respected() -> None:
    earlier = "Fresh cinnamon rolls and chai this Saturday from 8am"
    draft = "Fresh cinnamon rolls and iced tea this Saturday from 9am"
    score = fuzz.token_set_ratio(normalise(draft), normalise(earlier))
    assert 85 <= score < 95
    assert NearDuplicateIndex([_tweet("1", earlier)]).search(draft) is not None
    assert NearDuplicateIndex([_tweet("1", earlier)], threshold=95).search(draft) is None


# --- since, ties, growing ---------------------------------------------------------

SALE = "Spring sale: 20% off all sourdough loaves this week"


def _tweet(tweet_id: str, text: str, days_ago: float = 1) -> Tweet:
    return Tweet(
        id=tweet_id, text=text, created_at=NOW - timedelta(days=days_ago), author_id="crumb"
    )


def test_since_skips_older_tweets() -> None:
    index = NearDuplicateIndex([_tweet("old", SALE, days_ago=100), _tweet("new", SALE, days_ago=5)])
    since = NOW - timedelta(days=90)
    assert (found := index.search(SALE, since=since)) is not None and found.tweet.id == "new"
    only_old = NearDuplicateIndex([_tweet("old", SALE, days_ago=100)])
    assert (found := only_old.search(SALE)) is not None and found.tweet.id == "old"


def test_since_finds_nothing_when_every_copy_is_older() -> None:
    index = NearDuplicateIndex([_tweet("old", SALE, days_ago=100)])
    assert index.search(SALE, since=NOW - timedelta(days=90)) is None
    assert index.search(SALE) is not None


def test_since_is_inclusive() -> None:
    index = NearDuplicateIndex([_tweet("edge", SALE, days_ago=90)])
    assert index.search(SALE, since=NOW - timedelta(days=90)) is not None


def test_keep_from_leaves_older_tweets_out_of_the_index() -> None:
    window = NOW - timedelta(days=90)
    tweets = [_tweet("old", SALE, days_ago=100), _tweet("edge", "Fresh rye loaves at 7", 90)]
    index = NearDuplicateIndex(tweets, keep_from=window)
    assert len(index) == 1  # only the tweet inside the window is held
    assert index.search(SALE) is None  # not even without ``since``
    assert (found := index.search("fresh rye loaves at 7")) is not None
    assert found.tweet.id == "edge"  # the window's start is inside it
    index.add(_tweet("older", "Fresh rye loaves at 7", days_ago=200))
    assert len(index) == 1  # added later, still outside


@pytest.mark.parametrize("order", [slice(None), slice(None, None, -1)], ids=["oldest", "newest"])
def test_on_a_tie_the_most_recent_tweet_wins_as_in_the_scan(order: slice) -> None:
    tweets = [
        _tweet("a", "Spring sale: 20% off all rye loaves this week", days_ago=3),
        _tweet("b", "Reminder: " + SALE, days_ago=9),
        _tweet("c", SALE, days_ago=2),
        _tweet("d", SALE, days_ago=1),
        _tweet("e", "Reminder! " + SALE, days_ago=4),
    ][order]
    found = NearDuplicateIndex(tweets).search(SALE)
    truth = brute_force_search(SALE, tweets)
    assert found is not None and truth is not None
    assert (found.tweet.id, found.score) == (truth.tweet.id, truth.score) == ("d", 100)
    older = NearDuplicateIndex(tweets).search(SALE, since=NOW - timedelta(days=9))
    assert older is not None and older.tweet.id == "d"


def test_tweets_added_later_are_found_and_counted() -> None:
    index = NearDuplicateIndex()
    assert len(index) == 0 and index.search(SALE) is None
    index.add(_tweet("1", "Rye is back in stock"))
    index.extend([_tweet("2", SALE), _tweet("3", "https://crumb.example.com @someone")])
    assert len(index) == 3
    assert (found := index.search("spring SALE: 20% off all sourdough loaves")) is not None
    assert found.tweet.id == "2"


@pytest.mark.parametrize("draft", ["", "   ", "https://crumb.example.com/p/1", "@sam @jo"])
def test_a_draft_with_no_words_left_matches_nothing(draft: str) -> None:
    index = NearDuplicateIndex([_tweet("1", "https://crumb.example.com/p/2"), _tweet("2", SALE)])
    assert index.search(draft) is None


# --- Normalisation ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spring SALE Today", "spring sale today"),
        ("  lots   of\n\nspace\t here ", "lots of space here"),
        ("Order at https://crumb.example.com/p/1?ref=tw now", "order at now"),
        ("Order at crumb.example.com/menu now", "order at now"),  # no protocol: still a link
        ("@sam @jo thanks so much!", "thanks so much!"),
        ("Thanks,@sam!", "thanks, !"),
        ("Mail hello@crumb.example.com", "mail hello@crumb.example.com"),  # an address stays
        ("New on the #blog: $BAKE", "new on the #blog: $bake"),
        ("Straße", "strasse"),
        ("https://crumb.example.com @sam", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected
