"""The tracker classifies only what a figure needs, and that changes no figure.

Triage is most of what building the owed list costs, so the tracker reads a
tweet only when its band is asked for (the owed list: the unanswered ones; a
report: its period's), and the reader keeps its verdict per text. These tests
hold both to the eager answers: a tracker that classified everything, and a
fresh reader that remembers nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tuicoach.domain.models import Mention, Tweet, User
from tuicoach.domain.owed import Band, Mark, OwedTracker
from tuicoach.domain.report import BusinessHours, build_report
from tuicoach.domain.triage import Triage, Verdict

ME = "1"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEXTS = [
    "where is my order?",
    "thank you so much, the grinder is perfect",
    "thanks for losing my bag. an hour on hold and nobody answers. love it",
    "see you Saturday",
    "🙏",
    "Your page has so much potential 🚀 We work with brands like yours. DM us for a collab",
    "free airdrop, claim your tokens now",
    "crypto giveaway 🚀",
]
RING = User("66", "followback_4u2", followers_count=12, following_count=4000)


class CountingTriage(Triage):
    """The real reader, counting the tweets it is asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def classify(self, text: str, author: User | None = None, *, spam: bool = True) -> Verdict:
        self.read.append(text)
        return super().classify(text, author, spam=spam)


def mention(tid: str, author: str, hours_ago: float, text: str) -> Tweet:
    return Tweet(
        id=tid,
        text="@brand " + text,
        created_at=NOW - timedelta(hours=hours_ago),
        author_id=author,
        conversation_id=tid,
        mentions=(Mention("brand", 0, 6, ME),),
    )


def reply(tid: str, to: Tweet, hours_later: float) -> Tweet:
    return Tweet(
        id=tid,
        text="@someone Sorry about that, we're on it. ^JD",
        created_at=to.created_at + timedelta(hours=hours_later),
        author_id=ME,
        conversation_id=to.conversation_id,
        in_reply_to_user_id=to.author_id,
        replied_to_id=to.id,
    )


def test_building_and_answering_classify_nothing() -> None:
    asked = mention("10", "2", 5, "where is my order?")
    thanks = mention("11", "3", 4, "thank you!")
    triage = CountingTriage()
    tracker = OwedTracker(
        [asked, thanks, reply("20", asked, 1)], account_id=ME, account_username="brand",
        triage=triage,
    )  # fmt: skip
    assert tracker.answered(["10", "11"], now=NOW) == {"10": asked.created_at + timedelta(hours=1)}
    assert [t.id for t, _ in tracker.addressed_lazily()] == ["10", "11"]
    assert triage.read == []


def test_the_owed_list_reads_only_the_unanswered() -> None:
    asked = mention("10", "2", 5, "where is my order?")
    thanks = mention("11", "3", 4, "thank you!")
    triage = CountingTriage()
    tracker = OwedTracker(
        [asked, thanks, reply("20", asked, 1)], account_id=ME, account_username="brand",
        triage=triage,
    )  # fmt: skip
    owed = tracker.owed(now=NOW)
    assert [(o.tweet.id, o.band) for o in owed] == [("11", Band.THANKS)]
    assert triage.read == [thanks.text]
    # A band asked for later is read then, once.
    assert tracker.band("10") is Band.NEEDS_ANSWER
    assert tracker.band("10") is Band.NEEDS_ANSWER
    assert triage.read == [thanks.text, asked.text]


def test_is_spam_runs_only_the_spam_test_and_agrees_with_the_band() -> None:
    tweets = [mention(str(10 + i), "2", i + 1, text) for i, text in enumerate(TEXTS)]
    tweets.append(mention("40", RING.id, 1, "crypto talk tonight"))
    triage = CountingTriage()
    lazy = OwedTracker(
        tweets, account_id=ME, account_username="brand", authors={RING.id: RING}, triage=triage
    )
    spam = {t.id: lazy.is_spam(t.id) for t in tweets}
    assert triage.read == []  # no whole reading for the spam test
    eager = OwedTracker(tweets, account_id=ME, account_username="brand", authors={RING.id: RING})
    bands = {t.id: eager.band(t.id) for t in tweets}
    assert spam == {tid: band is Band.SPAM for tid, band in bands.items()}
    assert spam["15"] and spam["16"] and spam["40"]  # the pitch, an airdrop, a ring
    assert not spam["10"] and not spam["12"]


def test_tweets_added_before_and_after_the_list_was_first_asked_for() -> None:
    first = mention("10", "2", 5, "where is my order?")
    tracker = OwedTracker([first], account_id=ME, account_username="brand")
    # Linked in place before anything was classified ...
    tracker.add([mention("11", "3", 4, "thank you!"), reply("20", first, 1)])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["11"]
    # ... and after: a new complaint is filed in its band, an answer takes one out.
    late = mention("12", "4", 1, "thanks for losing my bag. an hour on hold, love it")
    tracker.add([late])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["12", "11"]
    tracker.add([reply("21", late, 0.5)])
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["11"]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Tweet], dict[str, Mark]]:
    tweets: list[Tweet] = []
    marks: dict[str, Mark] = {}
    for i in range(draw(st.integers(0, 30))):
        m = mention(
            str(1000 + i),
            draw(st.sampled_from(["2", "3", RING.id])),
            draw(st.floats(0, 24 * 40)),
            draw(st.sampled_from(TEXTS)),
        )
        tweets.append(m)
        later = draw(st.none() | st.floats(0, 24 * 5))
        if later is not None:
            tweets.append(reply(str(9000 + i), m, later))
        kind = draw(st.sampled_from(["none", "no-reply", "snooze", "not-spam"]))
        at = m.created_at + timedelta(hours=1)
        if kind == "no-reply":
            marks[m.id] = Mark.no_reply("spam", at=at)
        elif kind == "snooze":
            marks[m.id] = Mark.snoozed(at + timedelta(hours=20), at=at)
        elif kind == "not-spam":
            marks[m.id] = Mark.not_spam(at=at)
    return tweets, marks


@settings(max_examples=50, deadline=None)
@given(worlds(), st.integers(1, 45))
def test_lazy_figures_are_the_eager_ones(
    world: tuple[list[Tweet], dict[str, Mark]], days: int
) -> None:
    tweets, marks = world
    authors = {RING.id: RING}

    def tracker(eager: bool) -> OwedTracker:
        built = OwedTracker(
            tweets, account_id=ME, account_username="brand", authors=authors, triage=Triage()
        )
        if eager:
            built.addressed()  # every tweet classified up front, as before
        return built

    def report(t: OwedTracker) -> dict[str, object]:
        return build_report(
            t,
            [x for x in tweets if x.author_id == ME],
            since=NOW - timedelta(days=days),
            until=NOW - timedelta(hours=3),
            now=NOW,
            hours=BusinessHours.of(timezone="Europe/London"),
            marks=marks,
        ).to_json()

    lazy, eager = tracker(False), tracker(True)
    assert report(lazy) == report(eager)
    window = timedelta(days=days)
    assert lazy.stats(now=NOW, marks=marks, window=window) == eager.stats(
        now=NOW, marks=marks, window=window
    )
    assert tracker(False).owed(now=NOW, marks=marks) == eager.owed(now=NOW, marks=marks)
    assert tracker(False).probably_spam(now=NOW, marks=marks) == eager.probably_spam(
        now=NOW, marks=marks
    )


def test_a_remembered_text_is_still_judged_by_its_author() -> None:
    """The reader keeps a verdict per text, but whether spam wording is spam may
    depend on who wrote it: a follow ring's "crypto talk" is, a person's not."""
    triage = Triage()
    text = "@brand crypto talk tonight"
    assert triage.classify(text).band is not Band.SPAM
    assert triage.classify(text, RING).band is Band.SPAM
    assert triage.classify(text).band is not Band.SPAM
    assert triage.classify(text, RING, spam=False) == Triage().classify(text, spam=False)
    assert triage.is_spam(text, RING) and not triage.is_spam(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([*TEXTS, "not", "helpful", "never came. Awesome!", " ", "?"]),
                max_size=4).map(" ".join))  # fmt: skip
def test_a_remembered_verdict_is_a_fresh_readers(text: str) -> None:
    warm = Triage()
    first = warm.classify(text)
    assert warm.classify(text) == first == Triage().classify(text)
    assert warm.classify(text, spam=False) == Triage().classify(text, spam=False)
