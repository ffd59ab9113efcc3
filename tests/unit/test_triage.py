"""Triage: bands on the essays' cases, sarcasm, spam, and reasons that point into the text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuicoach.domain.models import Mention, Tweet, User
from tuicoach.domain.owed import Mark, OwedTracker
from tuicoach.domain.triage import Band, Triage, TriageSettings, TriageWords, triage

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ME = "100"


@pytest.mark.parametrize(
    ("text", "band"),
    [
        # The misses: need without a question or a complaint word.
        ("@united I spent over an hour of my morning on hold w/ your customer support",
         Band.NEEDS_ANSWER),
        ("@united I waited for 3 hours for an answer and by then my seat was gone",
         Band.NEEDS_ANSWER),
        ("@SouthwestAir you're almost as bad as @united", Band.NEEDS_ANSWER),
        ("@united missed my connection in ORD #fail", Band.NEEDS_ANSWER),
        ("@united stuck on the tarmac in DEN", Band.NEEDS_ANSWER),
        ("@united the gate agent was so rude to my mother", Band.NEEDS_ANSWER),
        ("@united your staff were not helpful at all", Band.NEEDS_ANSWER),
        # Sarcasm: praise words around a failure.
        ("@united thanks for canceling our flight to BOS. We're stranded in DEN til Wed night",
         Band.NEEDS_ANSWER),
        ("@united an hour now waiting on the phone… Love the service guys", Band.NEEDS_ANSWER),
        ("@VirginAmerica ordered three drinks via my screen and they never came. Awesome!",
         Band.NEEDS_ANSWER),
        ("@united thanks for causing us to miss our connection", Band.NEEDS_ANSWER),
        # A real thank-you stays thanks.
        ("@JetBlue she helped me with my problem so easily… you guys rock!", Band.THANKS),
        ("@SouthwestAir great crew, smooth flight, thank you!", Band.THANKS),
        ("@united thanks for getting me home despite the delay", Band.THANKS),
        ("@roastery no problem at all, all good now. Thanks!", Band.THANKS),
        ("@roastery 🙏🙏", Band.THANKS),
        # A negated failure is no failure; a question is a question.
        ("@roastery wouldn't miss it", Band.NORMAL),
        ("@roastery see you at the market on Saturday", Band.NORMAL),
        ("@roastery thanks, but where's my order?", Band.NEEDS_ANSWER),
        ("@roastery where is my order", Band.NEEDS_ANSWER),
        # A customer with a link and a question is a customer.
        ("@roastery my bag arrived like this https://example.com/p/1 can you send another?",
         Band.NEEDS_ANSWER),
        # Spam.
        ("@roastery Your page has so much potential 🚀 We work with brands like yours. "
         "DM us for a collab", Band.SPAM),
        ("@roastery $BEANZ airdrop is LIVE! Claim your free tokens https://x.example/claim",
         Band.SPAM),
        ("@roastery Follow me and I follow back 💯 #F4F #followback", Band.SPAM),
    ],
)  # fmt: skip
def test_bands(text: str, band: Band) -> None:
    verdict = triage(text)
    assert verdict.band is band, verdict.reasons
    if band is not Band.NORMAL:
        assert verdict.reasons  # every band but the plain one says why


def test_reasons_name_the_words_of_the_cue() -> None:
    text = "@united thanks for canceling our flight. We're stranded"
    kinds = {(r.kind, r.words) for r in triage(text).reasons}
    assert ("sarcasm", "thanks for canceling") in kinds
    assert ("complaint", "stranded") in kinds


@given(st.text(max_size=200))
def test_reasons_lie_in_the_text(text: str) -> None:
    for reason in triage(text).reasons:
        if reason.start is None:
            continue
        assert reason.end is not None
        assert 0 <= reason.start <= reason.end <= len(text)
        assert text[reason.start : reason.end] == reason.words


@given(
    st.lists(
        st.sampled_from(
            ["@united", "thanks", "for", "canceling", "https://t.co/x", "&amp;", "’", "never",
             "on hold", "😡", "?", "#fail", "great", "not", "helpful", "ß", "İ", "\n"]
        ),
        max_size=25,
    )
)  # fmt: skip
def test_reasons_lie_in_tweet_like_text(words: list[str]) -> None:
    text = " ".join(words)
    for reason in triage(text).reasons:
        assert reason.start is not None and reason.end is not None
        assert text[reason.start : reason.end] == reason.words


def test_word_lists_extend_and_replace() -> None:
    assert triage("@roastery meh").band is Band.NORMAL
    extended = Triage(TriageSettings(words=TriageWords().extended(complaint=("meh",))))
    assert extended.classify("@roastery meh").band is Band.NEEDS_ANSWER
    no_spam = Triage(TriageSettings(words=TriageWords().replaced(spam=())))
    assert no_spam.classify("@roastery airdrop claim your tokens 🚀").band is not Band.SPAM
    with pytest.raises(ValueError, match="no triage word list called 'complaints'"):
        TriageWords().extended(complaints=("x",))


def test_account_shape_makes_one_spam_cue_enough() -> None:
    text = "@roastery collab?"
    ring = User("9", "ring", followers_count=40, following_count=4000)
    person = User("8", "person", followers_count=400, following_count=300)
    assert triage(text, ring).band is Band.SPAM
    assert any(r.kind == "spam-account" and r.start is None for r in triage(text, ring).reasons)
    assert triage(text, person).band is not Band.SPAM


def mention(tweet_id: str, text: str, author: str, hours_ago: float) -> Tweet:
    return Tweet(
        id=tweet_id,
        text=text,
        created_at=NOW - timedelta(hours=hours_ago),
        author_id=author,
        mentions=(Mention("roastery", 0, 9, ME),),
    )


def test_spam_is_its_own_band_not_owed_and_can_be_confirmed_or_moved_back() -> None:
    tweets = [
        mention("1", "@roastery where is my order?", "7", 2),
        mention("2", "@roastery $BEANZ airdrop! Claim your free tokens https://b.example", "8", 3),
    ]
    tracker = OwedTracker(tweets, account_id=ME, account_username="roastery")
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["1"]
    (spam,) = tracker.probably_spam(now=NOW)
    assert spam.tweet.id == "2" and spam.band is Band.SPAM and spam.reasons
    assert tracker.stats(now=NOW).addressed == 1  # nobody is waiting on spam
    confirmed = {"2": Mark.spam(at=NOW)}
    assert tracker.probably_spam(now=NOW, marks=confirmed) == []
    assert confirmed["2"].reason == "spam" and confirmed["2"].hides(NOW)
    back = {"2": Mark.not_spam(at=NOW)}
    assert tracker.probably_spam(now=NOW, marks=back) == []
    owed = tracker.owed(now=NOW, marks=back)
    assert [o.tweet.id for o in owed] == ["1", "2"] and owed[1].band is not Band.SPAM


def test_a_post_of_only_handles_and_links_answers_nobody() -> None:
    asked = mention("1", "@roastery where is my order?", "7", 2)
    blank = Tweet(
        id="2",
        text="@yyc_caffeine  https://t.co/abc ",
        created_at=NOW - timedelta(hours=1),
        author_id=ME,
        replied_to_id="1",
        in_reply_to_user_id="7",
    )
    real = Tweet(
        id="3",
        text="@yyc_caffeine on its way today!",
        created_at=NOW - timedelta(minutes=30),
        author_id=ME,
        replied_to_id="1",
        in_reply_to_user_id="7",
    )
    tracker = OwedTracker([asked, blank], account_id=ME, account_username="roastery")
    assert [o.tweet.id for o in tracker.owed(now=NOW)] == ["1"]
    tracker.add([real])
    assert tracker.owed(now=NOW) == []
    fresh = OwedTracker([asked, blank], account_id=ME)  # the incremental path too
    fresh.owed(now=NOW)
    fresh.add([real])
    assert fresh.owed(now=NOW) == []


def test_a_complaint_is_listed_before_a_plain_question_of_the_same_band() -> None:
    tweets = [
        mention("1", "@roastery do you open on Sunday?", "7", 9),
        mention("2", "@roastery my order never came and nobody answers the phone", "8", 1),
    ]
    tracker = OwedTracker(tweets, account_id=ME, account_username="roastery")
    owed = tracker.owed(now=NOW)
    assert [o.band for o in owed] == [Band.NEEDS_ANSWER, Band.NEEDS_ANSWER]
    assert [o.tweet.id for o in owed] == ["2", "1"]


def test_importing_triage_compiles_no_reader() -> None:
    """The default reader is built on first use: importing the store (every command does)
    stays cheap. Checked in a fresh interpreter, where no other test built it."""
    import subprocess
    import sys

    code = (
        "import tuicoach.domain.triage as t, tuicoach.store\n"
        "print(t.default_triage.cache_info().currsize)\n"
        "t.classify('thanks!')\n"
        "print(t.default_triage.cache_info().currsize, t.DEFAULT_TRIAGE is t.default_triage())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:2] == ["0", "1 True"]
