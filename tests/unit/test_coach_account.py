"""The account rules, on a fixed clock: near-duplicate, promo-balance, burst, quiet, owed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tuicoach.coach import Coach, CoachSettings
from tuicoach.domain.models import Draft, RelatedTweet, Report, Severity, Tweet

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SALE = "Spring sale: 20% off all our beans this week, shop now https://shop.example.com"
SOURDOUGH = "Fresh sourdough loaves are out of the oven, come grab one while they're warm"
CHAT = "Good morning! The new Ethiopian roast tastes of blueberries and dark chocolate"


def tweet(text: str, ago: timedelta, *, tweet_id: str | None = None, reply: bool = False) -> Tweet:
    return Tweet(
        id=tweet_id or f"t{abs(hash((text, ago)))}",
        text=text,
        created_at=NOW - ago,
        author_id="me",
        replied_to_id="p1" if reply else None,
    )


def rules(result: Report) -> set[str]:
    return {f.rule for f in result.findings}


def reply_draft(text: str) -> Draft:
    parent = Tweet(id="p1", text="@shop hi", created_at=NOW - timedelta(minutes=5), author_id="u")
    return Draft(text, reply_to=parent, reply_usernames=frozenset({"ann"}))


# --- near-duplicate -----------------------------------------------------------


def test_near_duplicate_names_the_earlier_tweet_and_its_date() -> None:
    earlier = tweet(SOURDOUGH, timedelta(days=10), tweet_id="111")
    coach = Coach(history=[earlier])
    result = coach.report(SOURDOUGH.upper() + "!  https://example.com/new", now=NOW)
    (finding,) = result.by_rule("near-duplicate")
    assert finding.severity is Severity.WARNING
    assert finding.related == RelatedTweet("111", SOURDOUGH, earlier.created_at)
    assert "28 February" in finding.message
    assert "Fresh sourdough" in finding.message
    assert (finding.start, finding.end) == (None, None)
    assert result.to_json()["findings"][0]["related"]["id"] == "111"


def test_near_duplicate_looks_back_90_days_only() -> None:
    coach = Coach(history=[tweet(SOURDOUGH, timedelta(days=91))])
    assert "near-duplicate" not in rules(coach.report(SOURDOUGH, now=NOW))
    coach = Coach(history=[tweet(SOURDOUGH, timedelta(days=89))])
    assert "near-duplicate" in rules(coach.report(SOURDOUGH, now=NOW))


def test_near_duplicate_is_skipped_on_the_cheap_pass() -> None:
    coach = Coach(history=[tweet(SOURDOUGH, timedelta(days=1))])
    assert "near-duplicate" not in rules(coach.report(SOURDOUGH, now=NOW, near_duplicates=False))


def test_different_words_are_not_a_near_duplicate() -> None:
    coach = Coach(history=[tweet(SOURDOUGH, timedelta(days=1))])
    assert "near-duplicate" not in rules(coach.report(CHAT, now=NOW))


def test_replies_and_very_short_drafts_are_not_checked_for_near_duplicates() -> None:
    coach = Coach(
        history=[tweet("Thank you so much", timedelta(days=1)), tweet(SOURDOUGH, timedelta(days=1))]
    )
    assert "near-duplicate" not in rules(coach.report("Thank you!", now=NOW))
    assert "near-duplicate" not in rules(coach.report(reply_draft(SOURDOUGH), now=NOW))


def test_a_promotional_repeat_within_a_week_is_an_error() -> None:
    coach = Coach(history=[tweet(SALE, timedelta(days=3))])
    result = coach.report(SALE.replace("shop.example.com", "shop.example.com/b"), now=NOW)
    (finding,) = result.by_rule("near-duplicate")
    assert finding.severity is Severity.ERROR
    assert result.score <= 40


def test_an_exact_old_copy_does_not_hide_a_close_repeat_this_week() -> None:
    draft = SALE.replace("all our beans", "all our beans and brewers")
    this_week = SALE.replace("this week", "this week only")
    coach = Coach(
        history=[
            tweet(draft, timedelta(days=40), tweet_id="old"),
            tweet(this_week, timedelta(days=2), tweet_id="new"),
        ]
    )
    (finding,) = coach.report(draft, now=NOW).by_rule("near-duplicate")
    assert finding.severity is Severity.ERROR
    assert finding.related is not None and finding.related.id == "new"


def test_the_most_recent_of_equal_copies_is_named() -> None:
    copies = [tweet(SOURDOUGH, timedelta(days=d), tweet_id=f"d{d}") for d in (60, 30, 4)]
    (finding,) = Coach(history=copies).report(SOURDOUGH, now=NOW).by_rule("near-duplicate")
    assert finding.related is not None and finding.related.id == "d4"


def test_a_promotional_repeat_after_a_week_or_of_a_non_promotion_is_a_warning() -> None:
    old = Coach(history=[tweet(SALE, timedelta(days=10))])
    assert old.report(SALE, now=NOW).by_rule("near-duplicate")[0].severity is Severity.WARNING
    plain_earlier = "Spring is here: all our beans this week, shop the roastery"
    mixed = Coach(history=[tweet(plain_earlier, timedelta(days=2))])
    draft = "Spring is here: all our beans this week, shop the roastery, 20% off"
    (finding,) = mixed.report(draft, now=NOW).by_rule("near-duplicate")
    assert finding.severity is Severity.WARNING


def test_add_to_history_makes_the_new_tweet_searchable() -> None:
    coach = Coach()
    assert "near-duplicate" not in rules(coach.report(SOURDOUGH, now=NOW))
    coach.add_to_history(tweet(SOURDOUGH, timedelta(hours=5), tweet_id="posted"))
    (finding,) = coach.report(SOURDOUGH, now=NOW).by_rule("near-duplicate")
    assert finding.related is not None and finding.related.id == "posted"


# --- promo-balance ------------------------------------------------------------


def _history(promos: int, total: int) -> list[Tweet]:
    """``total`` tweets an hour apart, the most recent ``promos`` of them offers."""
    return [
        tweet(
            f"Offer {i}: 10% off, use code BEANS{i}" if i < promos else f"{CHAT} {i}",
            timedelta(hours=3 + i),
        )
        for i in range(total)
    ]


def test_promo_balance_fires_above_one_in_four_of_the_last_twenty() -> None:
    over = Coach(history=_history(promos=5, total=30)).report(SALE, now=NOW)  # 6 of 20
    (finding,) = over.by_rule("promo-balance")
    assert "6 of your last 20" in finding.message and "1 in 4" in finding.message
    at_the_line = Coach(history=_history(promos=4, total=30)).report(SALE, now=NOW)  # 5 of 20
    assert "promo-balance" not in rules(at_the_line)


def test_promo_balance_counts_only_the_last_twenty() -> None:
    # 10 offers, but all of them older than the 19 most recent tweets.
    history = [tweet(f"{CHAT} {i}", timedelta(hours=1 + i)) for i in range(19)]
    history += [tweet(f"Use code BEANS{i}", timedelta(days=5, hours=i)) for i in range(10)]
    assert "promo-balance" not in rules(Coach(history=history).report(SALE, now=NOW))


def test_promo_balance_is_silent_for_a_non_promotional_draft_and_without_history() -> None:
    assert "promo-balance" not in rules(Coach(history=_history(10, 20)).report(CHAT, now=NOW))
    assert "promo-balance" not in rules(Coach().report(SALE, now=NOW))


def test_promo_balance_ignores_tweets_after_now() -> None:
    future = [tweet(f"Use code BEANS{i}", -timedelta(hours=i + 1)) for i in range(10)]
    past = [tweet(f"{CHAT} {i}", timedelta(hours=i + 1)) for i in range(19)]
    assert "promo-balance" not in rules(Coach(history=future + past).report(SALE, now=NOW))


def test_history_tweets_are_classified_once() -> None:
    coach = Coach(history=_history(promos=5, total=30))
    seen: list[str] = []
    original = coach.is_promotional

    def counting(t: Tweet) -> bool:
        seen.append(t.id)
        return original(t)

    coach.is_promotional = counting  # type: ignore[method-assign]
    coach.report(SALE, now=NOW)
    coach.report(SALE + " today", now=NOW)
    assert len(seen) == 38 and len(set(seen)) == 19  # asked twice, each analysed once
    assert len(coach._promotional) == 19


# --- burst --------------------------------------------------------------------


def test_burst_fires_on_the_fourth_broadcast_in_thirty_minutes() -> None:
    history = [tweet(f"{CHAT} {i}", timedelta(minutes=m)) for i, m in enumerate((5, 15, 30))]
    (finding,) = Coach(history=history).report("One more thing from us", now=NOW).by_rule("burst")
    assert "4 tweets" in finding.message and "30 minutes" in finding.message


def test_burst_stays_quiet_below_the_line_or_outside_the_window() -> None:
    two = [tweet(f"{CHAT} {i}", timedelta(minutes=m)) for i, m in enumerate((5, 15))]
    assert "burst" not in rules(Coach(history=two).report("One more", now=NOW))
    spread = [tweet(f"{CHAT} {i}", timedelta(minutes=m)) for i, m in enumerate((5, 15, 31))]
    assert "burst" not in rules(Coach(history=spread).report("One more", now=NOW))


def test_replies_are_not_a_burst() -> None:
    replies = [tweet(f"@ann thanks {i}", timedelta(minutes=i + 1), reply=True) for i in range(5)]
    assert "burst" not in rules(Coach(history=replies).report("One more", now=NOW))
    posts = [tweet(f"{CHAT} {i}", timedelta(minutes=i + 1)) for i in range(5)]
    assert "burst" not in rules(Coach(history=posts).report(reply_draft("@ann sure!"), now=NOW))


# --- quiet-account ------------------------------------------------------------


def test_quiet_account_after_two_days() -> None:
    coach = Coach(history=[tweet(CHAT, timedelta(days=3))])
    (finding,) = coach.report("Hello again", now=NOW).by_rule("quiet-account")
    assert finding.severity is Severity.TIP
    assert "3 days" in finding.message and "7 March" in finding.message
    recent = Coach(history=[tweet(CHAT, timedelta(days=3)), tweet(CHAT + "!", timedelta(days=1))])
    assert "quiet-account" not in rules(recent.report("Hello again", now=NOW))
    assert "quiet-account" not in rules(Coach().report("Hello again", now=NOW))


def test_quiet_account_uses_the_clock_not_the_newest_tweet() -> None:
    history = [tweet(CHAT, timedelta(days=3)), tweet(CHAT + "!", -timedelta(days=1))]
    assert "quiet-account" in rules(Coach(history=history).report("Hello", now=NOW))
    later = NOW + timedelta(days=1, hours=1)
    assert "quiet-account" not in rules(Coach(history=history).report("Hello", now=later))


# --- owed-replies-waiting -----------------------------------------------------


def test_owed_replies_waiting_more_than_two_hours() -> None:
    owed = [NOW - timedelta(hours=3), NOW - timedelta(hours=9), NOW - timedelta(minutes=30)]
    (finding,) = (
        Coach().report("Our new menu", now=NOW, owed_since=owed).by_rule("owed-replies-waiting")
    )
    assert "2 people" in finding.message and "9 hours" in finding.message
    fresh = [NOW - timedelta(minutes=119)]
    assert "owed-replies-waiting" not in rules(Coach().report("Menu", now=NOW, owed_since=fresh))


def test_a_reply_is_not_held_back_by_owed_replies() -> None:
    owed = [NOW - timedelta(hours=5)]
    result = Coach().report(reply_draft("@ann here you go"), now=NOW, owed_since=owed)
    assert "owed-replies-waiting" not in rules(result)


def test_thresholds_come_from_settings() -> None:
    settings = CoachSettings().with_thresholds(
        burst_count=2, quiet_days=0.5, owed_wait_hours=0.25, near_duplicate_days=5
    )
    coach = Coach(
        settings, history=[tweet(SOURDOUGH, timedelta(days=6)), tweet(CHAT, timedelta(hours=13))]
    )
    assert "quiet-account" in rules(coach.report("Hi", now=NOW))
    assert "near-duplicate" not in rules(coach.report(SOURDOUGH, now=NOW))
    owed = [NOW - timedelta(minutes=20)]
    assert "owed-replies-waiting" in rules(coach.report("Hi", now=NOW, owed_since=owed))
    later = NOW + timedelta(minutes=5)
    coach.add_to_history(tweet(CHAT + "?", -timedelta(minutes=1)))
    assert "burst" in rules(coach.report("Hi", now=later))


def test_a_naive_clock_is_taken_as_utc() -> None:
    coach = Coach(history=[tweet(CHAT, timedelta(days=3))])
    naive = coach.report("Hello again", now=NOW.replace(tzinfo=None))
    assert naive == coach.report("Hello again", now=NOW)
    assert "quiet-account" in rules(naive)
